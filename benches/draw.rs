//! Speed of `draw` on generated models (10,000 components = about 2,600 servers by default):
//! SVG layout + writing, the whiteboard text, and, where Graphviz is installed, the same
//! graph exported with `--format dot` and laid out by `dot -Tsvg`, so the ratio can be
//! quoted. Run with `cargo bench --bench draw [sizes...]`; set `ARCHDOC_DOT_TIMEOUT` (seconds,
//! default 120) to bound the Graphviz run. Figures are printed, never asserted.
#![allow(clippy::print_stdout)]

#[path = "../bench/generate.rs"]
mod generate;
#[path = "../bench/timing.rs"]
mod timing;

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use timing::{best_of, sizes_or};

use archdoc::model::{Limits, load_str};
use archdoc::render::{Scene, TextOptions, dot::dot, svg::svg, whiteboard};
use archdoc::report::ModelReport;

/// Runs `dot -Tsvg` on `text`; the wall time, or `None` when it failed or ran out of time.
fn graphviz(text: &str, timeout: Duration) -> Option<Result<Duration, String>> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let start = Instant::now();
    let mut stdin = child.stdin.take()?;
    let text = text.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let _ = writer.join();
                return Some(if status.success() {
                    Ok(start.elapsed())
                } else {
                    Err(format!("failed ({status})"))
                });
            }
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = writer.join();
                return Some(Err(format!("> {} s, stopped", timeout.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Some(Err(e.to_string())),
        }
    }
}

fn main() {
    let sizes = sizes_or(&[1_000, 10_000]);
    let timeout = Duration::from_secs(
        std::env::var("ARCHDOC_DOT_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(120),
    );
    println!(
        "{:>11} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>22}",
        "components",
        "hosts",
        "svg ms",
        "svg MB",
        "text ms",
        "text KB",
        "dot ms",
        "graphviz dot -Tsvg"
    );
    for n in sizes {
        let yaml = generate::model(n, 42);
        let model = load_str(&yaml, "generated.yaml", &Limits::default()).expect("loads");
        let findings = ModelReport::check(&model).findings;
        let runs = 3;
        let (svg_t, svg_text) = best_of(runs, || svg(&Scene::new(&model), &findings));
        let (text_t, text) = best_of(runs, || {
            whiteboard(&Scene::new(&model), &TextOptions::default())
        });
        let (dot_t, dot_text) = best_of(runs, || dot(&Scene::new(&model)));
        let gv = match graphviz(&dot_text, timeout) {
            None => "not installed".to_owned(),
            Some(Ok(t)) => format!(
                "{:.0} ms ({:.0}x svg)",
                t.as_secs_f64() * 1e3,
                t.as_secs_f64() / svg_t.as_secs_f64()
            ),
            Some(Err(e)) => e,
        };
        println!(
            "{:>11} {:>7} {:>9.1} {:>9.2} {:>9.1} {:>9.1} {:>9.1} {:>22}",
            model.components.len(),
            model.hosts.len(),
            svg_t.as_secs_f64() * 1e3,
            svg_text.len() as f64 / 1e6,
            text_t.as_secs_f64() * 1e3,
            text.len() as f64 / 1e3,
            dot_t.as_secs_f64() * 1e3,
            gv
        );
    }
}
