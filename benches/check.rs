//! Speed of `check` on generated models: parse time, check time (graph, failure analysis,
//! rules) and time per component at each size. Run with `cargo bench --bench check`.
//! Figures are printed, never asserted: timing belongs in a benchmark, not a test.
#![allow(clippy::print_stdout)]

#[path = "../bench/generate.rs"]
mod generate;
#[path = "../bench/timing.rs"]
mod timing;

use timing::{best_of, sizes_or};

use archdoc::model::{Limits, load_str};
use archdoc::report::ModelReport;

fn main() {
    let sizes = sizes_or(&[100, 1_000, 10_000, 100_000]);
    println!(
        "{:>9} {:>11} {:>10} {:>10} {:>10} {:>12} {:>9}",
        "target", "components", "MB", "parse ms", "check ms", "check µs/c", "findings"
    );
    for n in sizes {
        let yaml = generate::model(n, 42);
        let runs = if n >= 100_000 { 1 } else { 3 };
        let (parse, model) = best_of(runs, || {
            load_str(&yaml, "generated.yaml", &Limits::default()).expect("generated model loads")
        });
        let (check, report) = best_of(runs, || ModelReport::check(&model));
        let comps = model.components.len();
        println!(
            "{:>9} {:>11} {:>10.2} {:>10.1} {:>10.1} {:>12.2} {:>9}",
            n,
            comps,
            yaml.len() as f64 / 1e6,
            parse.as_secs_f64() * 1e3,
            check.as_secs_f64() * 1e3,
            check.as_secs_f64() * 1e6 / comps as f64,
            report.findings.len()
        );
    }
}
