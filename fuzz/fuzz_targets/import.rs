//! Every importer on arbitrary text (the first byte picks Compose, Kubernetes, Terraform or
//! Threagile): no panic, and what an importer returns loads as a model (an imported model
//! that does not load is an importer bug), checks, and points its findings inside the file.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

use archdoc::import::{self, SourceFile, compose, kubernetes, terraform, threagile};
use archdoc::model::Limits;
use archdoc::report::ModelReport;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let sources = [SourceFile {
        display: "fuzz".to_owned(),
        text: Arc::from(text.as_ref()),
    }];
    let limits = Limits::default();
    let draft = match pick % 4 {
        0 => compose::import(&sources, &limits),
        1 => kubernetes::import(&sources, &limits),
        2 => terraform::import(&sources, &limits),
        _ => threagile::import(&sources, &limits),
    };
    let Ok(mut draft) = draft else {
        return;
    };
    draft.sources = sources.to_vec();
    let model = match import::load_draft(&draft, &limits) {
        Ok(m) => m,
        Err(e) => panic!("the imported model does not load: {e:?}\n{}", draft.to_yaml()),
    };
    let mut report = ModelReport::check(&model);
    import::relocate(&mut report.findings, &draft);
    for f in &report.findings {
        assert!(f.span.offset <= text.len(), "a finding points outside the file");
    }
});
