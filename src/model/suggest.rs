//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
#[must_use]
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let norm = normalize(word);
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let d = if normalize(cand) == norm {
            0
        } else {
            levenshtein(&norm, &normalize(cand))
        };
        let limit = (word.chars().count().max(cand.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_typos() {
        let c = ["load_balancer", "web_server", "database"];
        assert_eq!(did_you_mean("lod_balancer", c), Some("load_balancer"));
        assert_eq!(did_you_mean("load-balancer", c), Some("load_balancer"));
        assert_eq!(did_you_mean("databse", c), Some("database"));
        assert_eq!(did_you_mean("queue", c), None);
    }
}
