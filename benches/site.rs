//! Speed of `archdoc build` on a generated site: 1,000 Markdown pages and 100 models (about
//! 100 components each) by default, and, where mdBook is installed, mdBook's build of the same
//! 1,000 pages in the same run. Run with `cargo bench --bench site [pages] [models]`.
//! Figures are printed, never asserted.
#![allow(clippy::print_stdout)]

#[path = "../bench/generate.rs"]
mod generate;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use archdoc::site::{self, SiteOptions};

fn page(i: usize, pages: usize) -> String {
    let mut s = format!(
        "# Page {i}\n\nA design note, number {i}, with a [link to the next one](page-{}.md).\n\n",
        (i + 1) % pages
    );
    for h in 0..4 {
        let _ = write!(
            s,
            "## Section {h}\n\nSome text about the architecture, with `code`, **bold** and a list:\n\n- one\n- two\n- three\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```sh\narchdoc check models\n```\n\n"
        );
    }
    s
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let pages = args.first().copied().unwrap_or(1_000);
    let models = args.get(1).copied().unwrap_or(100);
    let dir = std::env::temp_dir().join("archdoc-site-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site/src")).expect("temp dir");
    std::fs::create_dir_all(dir.join("models")).expect("temp dir");
    let mut summary = String::from("# Summary\n\n");
    for i in 0..pages {
        std::fs::write(dir.join(format!("site/src/page-{i}.md")), page(i, pages))
            .expect("write page");
        let _ = writeln!(summary, "- [Page {i}](page-{i}.md)");
    }
    for m in 0..models {
        std::fs::write(
            dir.join(format!("models/model-{m}.yaml")),
            generate::model(100, m as u64 + 1),
        )
        .expect("write model");
    }
    let opts = SiteOptions {
        title: "bench".to_owned(),
        base_url: None,
        pages: dir.join("site/src"),
        models: dir.join("models"),
        theme: None,
        tolerant: false,
        extra_script: None,
        check_links: true,
        nav: Vec::new(),
        nav_file: String::new(),
    };
    let t = Instant::now();
    let built = site::build(&opts).expect("the generated site builds");
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    site::write(&built, &dir.join("public")).expect("write the site");
    let write_ms = t.elapsed().as_secs_f64() * 1e3;
    let bytes: usize = built.files.values().map(Vec::len).sum();
    println!(
        "archdoc build: {pages} pages + {models} models -> {} files, {:.1} MB: build {build_ms:.0} ms, write {write_ms:.0} ms, total {:.0} ms",
        built.files.len(),
        bytes as f64 / 1e6,
        build_ms + write_ms
    );
    // mdBook on the same pages, where installed.
    std::fs::write(dir.join("site/src/SUMMARY.md"), summary).expect("summary");
    std::fs::write(dir.join("site/book.toml"), "[book]\ntitle = \"bench\"\n").expect("book.toml");
    let t = Instant::now();
    match std::process::Command::new("mdbook")
        .arg("build")
        .arg(dir.join("site"))
        .output()
    {
        Ok(o) if o.status.success() => println!(
            "mdbook build: {pages} pages: {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        ),
        Ok(o) => println!(
            "mdbook build failed: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .unwrap_or("")
        ),
        Err(_) => println!("mdbook: not installed (cargo install mdbook to compare)"),
    }
    let _ = Path::new(&dir);
    incremental(&dir.join("incremental"));
}

/// What `archdoc serve` does after a save: with a 10,000-component model in the project, an edit
/// to a small model re-checks and re-renders that model's page and the index (the cache keeps
/// the rest), then writes the site. Issue 13's target: under 100 ms.
fn incremental(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("site")).expect("temp dir");
    std::fs::create_dir_all(dir.join("models")).expect("temp dir");
    std::fs::write(dir.join("site/index.md"), "# Home\n\nThe models.\n").expect("page");
    std::fs::write(dir.join("models/big.yaml"), generate::model(10_000, 7)).expect("model");
    let small = |n: usize| generate::model(10, 1).replacen("name: ", &format!("name: v{n} "), 1);
    std::fs::write(dir.join("models/small.yaml"), small(0)).expect("model");
    let opts = SiteOptions {
        title: "bench".to_owned(),
        base_url: None,
        pages: dir.join("site"),
        models: dir.join("models"),
        theme: None,
        tolerant: true,
        extra_script: None,
        check_links: true,
        nav: Vec::new(),
        nav_file: String::new(),
    };
    let out = dir.join("public");
    let mut cache = site::BuildCache::default();
    let t = Instant::now();
    let built = site::build_with_cache(&opts, &mut cache).expect("builds");
    site::write(&built, &out).expect("write");
    let cold = t.elapsed().as_secs_f64() * 1e3;
    let mut warm = Vec::new();
    for n in 1..=5 {
        std::fs::write(dir.join("models/small.yaml"), small(n)).expect("edit");
        let t = Instant::now();
        let built = site::build_with_cache(&opts, &mut cache).expect("builds");
        let build = t.elapsed().as_secs_f64() * 1e3;
        site::write(&built, &out).expect("write");
        warm.push((build, t.elapsed().as_secs_f64() * 1e3 - build));
    }
    let shown: Vec<String> = warm
        .iter()
        .map(|(build, write)| format!("{:.0} (build {build:.0} + write {write:.0})", build + write))
        .collect();
    println!(
        "serve rebuild after editing a small model, beside a 10,000-component one: cold {cold:.0} ms, then {} ms",
        shown.join(" / ")
    );
}
