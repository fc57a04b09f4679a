//! Properties of the whole pipeline on random valid models (a deterministic generator, so a
//! failure always reproduces): nothing panics, the output is the same twice, every finding
//! points inside its file, a model compared with itself has no new finding, and the model's
//! site page renders. The SPOF oracle property lives in `failure.rs`; availability's in
//! `availability.rs`.

mod common;

use archdoc::model::{Limits, load_str};
use archdoc::render::{Scene, TextOptions, dot::dot, mermaid::mermaid, svg::svg, whiteboard};
use archdoc::report::{ModelReport, json};
use common::{Rng, random_model};

#[test]
fn the_pipeline_holds_its_promises_on_random_models() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..300 {
        let src = random_model(&mut rng);
        let model = load_str(&src, "random.yaml", &Limits::default())
            .unwrap_or_else(|e| panic!("#{i}: {e:?}\n{src}"));
        let report = ModelReport::check(&model);
        let again = ModelReport::check(&model);
        let cmp = Default::default();
        assert_eq!(
            json(std::slice::from_ref(&report), &[], &cmp),
            json(&[again], &[], &cmp),
            "#{i}: not deterministic"
        );
        for f in &report.findings {
            assert!(
                f.span.offset + f.span.len <= model.source.len(),
                "#{i}: {} points outside the file",
                f.rule
            );
            assert!(
                f.line >= 1 && f.column >= 1,
                "#{i}: {} has no position",
                f.rule
            );
            assert_eq!(f.fingerprint.len(), 32);
        }
        let scene = Scene::new(&model);
        for unicode in [false, true] {
            for width in [20, 100] {
                let t = whiteboard(&scene, &TextOptions { unicode, width });
                assert!(t.ends_with('\n'), "#{i}");
            }
        }
        assert!(svg(&scene, &report.findings).starts_with("<svg"));
        assert!(dot(&scene).starts_with("digraph"));
        assert!(mermaid(&scene).starts_with("flowchart TD"));
        let d = archdoc::diff::compare(Some((&model, &report)), Some((&model, &report)));
        assert!(
            d.new_findings.is_empty() && d.resolved.is_empty() && d.changes.is_empty(),
            "#{i}: differs from itself"
        );
        let page =
            archdoc::site::model_page(&model, &report).unwrap_or_else(|e| panic!("#{i}: {e:?}"));
        assert!(page.contains("<svg"), "#{i}");
    }
}
