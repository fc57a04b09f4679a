#!/usr/bin/env bash
# Posts archdoc's diff as one pull-request comment, found again by its marker and edited in
# place, so reruns never pile up comments nor overwrite another bot's. On a pull request from
# a fork the token is read-only: the comment is skipped with a note in the job summary, and the
# check is decided by archdoc's exit code alone (the caller keeps it).
#
# Usage: archdoc-comment.sh BODY_FILE   (env: PR, GH_REPO, GITHUB_STEP_SUMMARY; gh on PATH)
set -u
body="$1"
marker='<!-- archdoc-diff -->'
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

if ! grep -qF "$marker" "$body"; then
  printf '%s\n' "$marker" >> "$body"
fi

note() {
  printf '\n> archdoc could not %s (%s); the result is above.\n' "$1" "$2" >> "$summary"
  echo "archdoc: could not $1: $2" >&2
  exit 0
}

ids=$(gh api "repos/$GH_REPO/issues/$PR/comments" --paginate \
  --jq ".[] | select(.body | contains(\"$marker\")) | .id" 2>/tmp/archdoc-gh-err) \
  || note "read the pull request's comments" "$(head -c 300 /tmp/archdoc-gh-err)"
id=$(printf '%s\n' "$ids" | grep -E '^[0-9]+$' | tail -n 1)

if [ -n "$id" ]; then
  gh api -X PATCH "repos/$GH_REPO/issues/comments/$id" -F "body=@$body" >/dev/null 2>/tmp/archdoc-gh-err \
    || note "update its comment" "$(head -c 300 /tmp/archdoc-gh-err)"
  echo "archdoc: updated comment $id"
else
  gh pr comment "$PR" --repo "$GH_REPO" --body-file "$body" >/dev/null 2>/tmp/archdoc-gh-err \
    || note "comment on the pull request" "$(head -c 300 /tmp/archdoc-gh-err)"
  echo "archdoc: posted a comment"
fi
