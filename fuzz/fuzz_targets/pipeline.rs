//! The whole pipeline on arbitrary bytes that load: check, every drawing, the diff against
//! itself, and the model's site page.
#![no_main]

use libfuzzer_sys::fuzz_target;

use archdoc::model::{Limits, load_bytes};
use archdoc::render::{Scene, TextOptions, dot::dot, mermaid::mermaid, svg::svg, whiteboard};
use archdoc::report::ModelReport;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = load_bytes(data, "fuzz.yaml", &Limits::default()) else {
        return;
    };
    let report = ModelReport::check(&model);
    for f in &report.findings {
        assert!(f.span.offset <= model.source.len(), "a finding points outside the file");
    }
    let scene = Scene::new(&model);
    let _ = whiteboard(&scene, &TextOptions::default());
    let _ = whiteboard(&scene, &TextOptions { unicode: true, width: 40 });
    let _ = svg(&scene, &report.findings);
    let _ = dot(&scene);
    let _ = mermaid(&scene);
    let d = archdoc::diff::compare(Some((&model, &report)), Some((&model, &report)));
    assert!(d.new_findings.is_empty(), "a model differs from itself");
    let _ = archdoc::site::model_page(&model, &report);
});
