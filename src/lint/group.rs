//! One fact, one finding: the same finding on every member of one pool (or on every host
//! those members run on) is reported once, on the first, naming the others.

use std::collections::BTreeMap;

use super::Finding;
use crate::model::Model;

/// Sets of elements that stand side by side: the members of each pool and virtual IP, and
/// the hosts those members run on.
fn sibling_sets(model: &Model) -> Vec<Vec<String>> {
    let mut sets = Vec::new();
    for c in &model.components {
        for list in [&c.pool, &c.members] {
            if list.len() < 2 {
                continue;
            }
            sets.push(
                list.iter()
                    .map(|&m| model.components[m].id.clone())
                    .collect(),
            );
            let mut hosts: Vec<String> = Vec::new();
            for &m in list {
                if let Some(h) = model.components[m].host {
                    let id = model.hosts[h].id.clone();
                    if !hosts.contains(&id) {
                        hosts.push(id);
                    }
                }
            }
            if hosts.len() >= 2 {
                sets.push(hosts);
            }
        }
    }
    sets
}

/// Merges findings that say the same thing about siblings: same rule, severity, journeys and
/// message once the element's id is taken out. Suppressed findings are left alone.
pub(crate) fn merge_siblings(model: &Model, findings: &mut Vec<Finding>) {
    let sets = sibling_sets(model);
    // Which sets each element is in, so findings are read once, not once per set.
    let mut sets_of: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for e in set {
            sets_of.entry(e.as_str()).or_default().push(i);
        }
    }
    type Key = (usize, String, String, String, Vec<String>);
    let mut by_key: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.suppressed.is_some() {
            continue;
        }
        let Some(in_sets) = sets_of.get(f.element.as_str()) else {
            continue;
        };
        let shape = f.message.replace(&format!("`{}`", f.element), "`{}`");
        let dis = f.discriminator.replace(&f.element, "{}");
        for &set in in_sets {
            by_key
                .entry((
                    set,
                    format!("{}:{}", f.rule, f.severity.as_str()),
                    shape.clone(),
                    dis.clone(),
                    f.journeys.clone(),
                ))
                .or_default()
                .push(i);
        }
    }
    let mut gone = vec![false; findings.len()];
    for (_, idx) in by_key {
        // A finding already folded into another group stays there.
        let mut idx: Vec<usize> = idx.into_iter().filter(|&i| !gone[i]).collect();
        if idx.len() < 2 {
            continue;
        }
        // The first in the file keeps the finding, so its fingerprint (baselines, diffs)
        // stays put when a sibling is added.
        idx.sort_by_key(|&i| (findings[i].span.offset, i));
        let (first, rest) = (idx[0], &idx[1..]);
        let others: Vec<String> = rest
            .iter()
            .map(|&i| format!("`{}`", findings[i].element))
            .collect();
        let f = &mut findings[first];
        f.message = format!("{} (the same for {})", f.message, others.join(", "));
        for &i in rest {
            gone[i] = true;
        }
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !gone[i];
        i += 1;
        keep
    });
}
