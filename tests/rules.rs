//! Every rule's documentation has the required sections, and its examples are true: the
//! "Example" fires the rule and the "Use instead" does not.

mod common;

use archdoc::lint::registry;

fn yaml_after<'a>(md: &'a str, marker: &str) -> &'a str {
    let at = md.find(marker).unwrap_or_else(|| panic!("no `{marker}`"));
    let rest = &md[at..];
    let start = rest.find("```yaml\n").expect("no yaml block") + "```yaml\n".len();
    let end = rest[start..].find("```").expect("unclosed block");
    &rest[start..start + end]
}

#[test]
fn every_rule_documents_itself_and_its_examples_hold() {
    assert!(registry::ALL.len() >= 4);
    for rule in registry::ALL {
        let meta = rule.meta();
        let md = meta.markdown();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
            "## How to fix",
        ] {
            assert!(md.contains(section), "{}: missing `{section}`", meta.id);
        }
        assert_eq!(
            md.matches("```").count() % 2,
            0,
            "{}: unbalanced fences",
            meta.id
        );
        assert!(
            meta.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: not kebab-case",
            meta.id
        );
        let fires = common::findings(yaml_after(&md, "## Example"));
        assert!(
            fires.iter().any(|f| f.split(' ').nth(1) == Some(meta.id)),
            "{}: the example does not fire: {fires:?}",
            meta.id
        );
        let passes = common::findings(yaml_after(&md, "Use instead:"));
        assert!(
            !passes.iter().any(|f| f.split(' ').nth(1) == Some(meta.id)),
            "{}: the fix still fires: {passes:?}",
            meta.id
        );
    }
}

#[test]
fn rule_ids_are_unique() {
    let mut ids: Vec<&str> = registry::ALL.iter().map(|r| r.meta().id).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}
