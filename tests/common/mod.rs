//! Helpers shared by the integration tests.
#![allow(dead_code)]

use archdoc::model::{Limits, ModelError, load_str};
use archdoc::report::ModelReport;

/// Loads a model from text, panicking with the errors when it does not load.
pub(crate) fn model(src: &str) -> archdoc::Model {
    match load_str(src, "test.yaml", &Limits::default()) {
        Ok(m) => m,
        Err(e) => panic!(
            "model did not load: {:#?}",
            e.iter().map(ToString::to_string).collect::<Vec<_>>()
        ),
    }
}

/// The load errors of a model that must not load.
pub(crate) fn errors(src: &str) -> Vec<ModelError> {
    match load_str(src, "test.yaml", &Limits::default()) {
        Ok(_) => panic!("model loaded but should not"),
        Err(e) => e,
    }
}

/// Findings as `severity rule element [journeys]` lines, in report order.
pub(crate) fn findings(src: &str) -> Vec<String> {
    let m = model(src);
    summarize(&ModelReport::check(&m))
}

pub(crate) fn summarize(r: &ModelReport) -> Vec<String> {
    r.findings
        .iter()
        .map(|f| {
            let j = if f.journeys.is_empty() {
                String::new()
            } else {
                format!(" [{}]", f.journeys.join(","))
            };
            format!("{} {} {}{j}", f.severity.as_str(), f.rule, f.element)
        })
        .collect()
}

/// The single points of failure of each journey: `journey: a, b`.
pub(crate) fn spofs(src: &str) -> Vec<String> {
    let m = model(src);
    ModelReport::check(&m)
        .journeys
        .iter()
        .map(|j| format!("{}: {}", j.name, j.single_points_of_failure.join(", ")))
        .collect()
}
