//! `archdoc draw`: snapshots of every example model in every format (reviewed by eye), PNG
//! renderings of the SVGs for looking at layout changes, and invariants of the layout on
//! generated and random models: no overlapping boxes, every component inside its host, every
//! link and side edge drawn, orthogonal edges, identical bytes on every run.

mod common;

#[path = "../bench/generate.rs"]
#[allow(dead_code, unreachable_pub)]
mod generate;

use std::collections::BTreeSet;
use std::path::Path;

use archdoc::model::{Limits, load_file, load_str};
use archdoc::render::svg::{EdgeKind, Layout, crossings, layout, svg};
use archdoc::render::{Scene, TextOptions, dot::dot, mermaid::mermaid, whiteboard};
use archdoc::report::ModelReport;
use common::{Rng, random_model};

fn example_models() -> Vec<(String, archdoc::Model)> {
    let mut paths: Vec<_> = std::fs::read_dir("models")
        .expect("models/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let model = load_file(p, &format!("models/{name}.yaml"), &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            (name, model)
        })
        .collect()
}

fn text(scene: &Scene, unicode: bool) -> String {
    whiteboard(
        scene,
        &TextOptions {
            unicode,
            width: 100,
        },
    )
}

#[test]
fn snapshots_of_every_example_in_every_format() {
    for (name, model) in example_models() {
        let scene = Scene::new(&model);
        let findings = ModelReport::check(&model).findings;
        insta::assert_snapshot!(format!("{name}.ascii"), text(&scene, false));
        insta::assert_snapshot!(format!("{name}.unicode"), text(&scene, true));
        insta::assert_snapshot!(format!("{name}.svg"), svg(&scene, &findings));
        insta::assert_snapshot!(format!("{name}.dot"), dot(&scene));
        insta::assert_snapshot!(format!("{name}.mermaid"), mermaid(&scene));
    }
}

#[test]
fn the_seed_whiteboard_reads_like_the_seed() {
    let model = common::model(&std::fs::read_to_string("models/foobar.yaml").unwrap());
    let a = text(&Scene::new(&model), false);
    let pos = |needle: &str| {
        a.find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in\n{a}"))
    };
    // Top to bottom: the user, the DNS lookup, the Internet, the balancer, the servers.
    assert!(pos("User Browser") < pos("DNS lookup (A record: www.foobar.com"));
    assert!(pos("DNS lookup") < pos("Internet"));
    assert!(pos("Internet") < pos("[ Load Balancer: HAProxy ]"));
    assert!(pos("[ Load Balancer: HAProxy ]") < pos("(Round Robin)"));
    assert!(pos("(Round Robin)") < pos("[ Server 1 ]"));
    // The servers side by side, on one line, each with its components as a tree.
    let line = a.lines().find(|l| l.contains("[ Server 1 ]")).unwrap();
    assert!(line.contains("[ Server 2 ]"), "{line}");
    for part in [
        "Nginx (Web Server)",
        "Application Server",
        "Application Files (Code Base)",
        "MySQL (Database, primary)",
        "MySQL (Database, replica)",
        "Primary: MySQL @ Server 1",
        "Replica: MySQL @ Server 2 (async)",
    ] {
        assert!(a.contains(part), "no `{part}` in\n{a}");
    }
    // The fan-out bus and an arrow into each server.
    let bus = a.lines().position(|l| l.starts_with("+---")).unwrap();
    let arrows = a.lines().nth(bus + 1).unwrap();
    assert_eq!(arrows.matches('v').count(), 2, "{arrows}");
    // Plain ASCII by default.
    assert!(a.is_ascii(), "{a}");
}

#[test]
fn the_other_examples_show_what_they_add() {
    let scale = text(
        &Scene::new(&common::model(
            &std::fs::read_to_string("models/scale-up.yaml").unwrap(),
        )),
        false,
    );
    for part in [
        "[ Virtual IP (keepalived) ]",
        "(virtual IP, automatic failover)",
        "[ Load Balancer 1: HAProxy ]",
        "[ Load Balancer 2: HAProxy ]",
        "HTTPS",
        "ufw (Firewall, allows 443)",
        "Monitoring agent ~> Datadog",
        "Monitoring: Datadog",
    ] {
        assert!(scale.contains(part), "no `{part}` in\n{scale}");
    }
}

/// Checks the geometric promises of the SVG layout.
fn assert_layout_invariants(name: &str, scene: &Scene, lay: &Layout) {
    let m = scene.model;
    // Edge labels (10 px text, 6 px a character) overlap neither each other nor a box; a
    // label with no free place is a number keyed to the legend.
    let mut labels: Vec<archdoc::render::svg::Rect> = lay
        .labels
        .iter()
        .map(|l| archdoc::render::svg::Rect {
            x: l.x,
            y: l.y - 9,
            w: i32::try_from(l.text.chars().count()).unwrap() * 6,
            h: 11,
        })
        .collect();
    labels.sort_by_key(|r| (r.y, r.x));
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            if b.y >= a.bottom() {
                break;
            }
            assert!(!a.overlaps(b), "{name}: labels at {a:?} and {b:?} overlap");
        }
        assert!(
            !lay.boxes.iter().any(|r| r.overlaps(a)),
            "{name}: the label at {a:?} lies on a box"
        );
    }
    for (n, (k, _)) in lay.legend.iter().enumerate() {
        assert_eq!(*k, n + 1, "{name}: legend numbers run from 1");
        assert!(
            lay.labels.iter().any(|l| l.text == format!("[{k}]")),
            "{name}: [{k}] drawn"
        );
    }
    // Boxes never overlap, and stay inside the picture.
    let mut boxes: Vec<(usize, archdoc::render::svg::Rect)> =
        lay.boxes.iter().copied().enumerate().collect();
    boxes.sort_by_key(|(_, r)| (r.y, r.x));
    for (i, (a, ra)) in boxes.iter().enumerate() {
        assert!(ra.x >= 0 && ra.y >= 0 && ra.right() <= lay.width && ra.bottom() <= lay.height);
        for (b, rb) in &boxes[i + 1..] {
            if rb.y >= ra.bottom() {
                break;
            }
            assert!(!ra.overlaps(rb), "{name}: boxes {a} and {b} overlap");
        }
    }
    // Every component is inside its box, and the components of a box do not overlap.
    for (b, bx) in scene.boxes.iter().enumerate() {
        for (i, &c) in bx.components.iter().enumerate() {
            assert!(
                lay.boxes[b].contains(&lay.components[c]),
                "{name}: `{}` is outside its box",
                m.components[c].id
            );
            for &d in &bx.components[i + 1..] {
                assert!(!lay.components[c].overlaps(&lay.components[d]));
            }
        }
    }
    // Every link and every side edge is drawn exactly once; every edge is orthogonal and
    // inside the picture.
    let mut links = vec![0; m.links.len()];
    let mut sides = vec![0; scene.side.len()];
    for e in &lay.edges {
        match e.kind {
            EdgeKind::Flow(l) | EdgeKind::Inner(l) => links[l] += 1,
            EdgeKind::Side(s) => sides[s] += 1,
        }
        assert!(
            e.points.len() >= 2,
            "{name}: an edge with {} points",
            e.points.len()
        );
        for w in e.points.windows(2) {
            assert!(
                w[0].0 == w[1].0 || w[0].1 == w[1].1,
                "{name}: a diagonal segment {w:?}"
            );
        }
        for &(x, y) in &e.points {
            assert!(
                x >= 0 && y >= 0 && x <= lay.width && y <= lay.height,
                "{name}: ({x},{y}) outside"
            );
        }
    }
    for (l, n) in links.iter().enumerate() {
        assert_eq!(*n, 1, "{name}: link {l} drawn {n} times");
    }
    for (s, n) in sides.iter().enumerate() {
        let e = &scene.side[s];
        let self_edge = e.to == Some(e.from);
        assert_eq!(
            *n,
            usize::from(!self_edge),
            "{name}: side edge {s} drawn {n} times"
        );
    }
}

/// The crossing counter (swept left to right) gives the count of comparing every pair of
/// segments, on random models and on a generated one with many lanes.
#[test]
fn the_crossing_count_is_the_count_of_every_pair() {
    fn every_pair(lay: &Layout) -> usize {
        let orient = |a: (i32, i32), b: (i32, i32), c: (i32, i32)| {
            (i64::from(b.0 - a.0) * i64::from(c.1 - a.1)
                - i64::from(b.1 - a.1) * i64::from(c.0 - a.0))
            .signum()
        };
        let segs: Vec<_> = lay
            .edges
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.points.windows(2).map(move |w| (i, w[0], w[1])))
            .collect();
        let mut n = 0;
        for (k, &(i, a, b)) in segs.iter().enumerate() {
            for &(j, c, d) in &segs[k + 1..] {
                if i != j
                    && orient(c, d, a) * orient(c, d, b) < 0
                    && orient(a, b, c) * orient(a, b, d) < 0
                {
                    n += 1;
                }
            }
        }
        n
    }
    let mut rng = Rng(0x0c40_5515_0000_0017);
    let mut models: Vec<String> = (0..60).map(|_| random_model(&mut rng)).collect();
    models.push(generate::model(200, 42));
    let mut total = 0;
    for src in &models {
        let model = load_str(src, "m.yaml", &Limits::default()).unwrap_or_else(|e| panic!("{e:?}"));
        let lay = layout(&Scene::new(&model));
        let n = every_pair(&lay);
        assert_eq!(crossings(&lay), n, "{src}");
        total += n;
    }
    assert!(total > 100, "the models cross somewhere: {total}");
}

#[test]
fn layout_invariants_on_examples_random_and_generated_models() {
    for (name, model) in example_models() {
        let scene = Scene::new(&model);
        assert_layout_invariants(&name, &scene, &layout(&scene));
    }
    let mut rng = Rng(0x0d1a_6a4a_5eed_0003);
    for i in 0..200 {
        let src = random_model(&mut rng);
        let model = load_str(&src, "random.yaml", &Limits::default())
            .unwrap_or_else(|e| panic!("{e:?}\n{src}"));
        let scene = Scene::new(&model);
        assert_layout_invariants(&format!("random #{i}"), &scene, &layout(&scene));
        // Text output never panics and is the same twice.
        assert_eq!(text(&scene, false), text(&scene, false));
    }
    for size in [100, 1000, 3000] {
        let src = generate::model(size, 7);
        let model = load_str(&src, "generated.yaml", &Limits::default()).unwrap();
        let scene = Scene::new(&model);
        assert_layout_invariants(&format!("generated {size}"), &scene, &layout(&scene));
    }
}

#[test]
fn every_format_is_byte_identical_across_runs() {
    let src = generate::model(600, 3);
    let model = load_str(&src, "generated.yaml", &Limits::default()).unwrap();
    let again = load_str(&src, "generated.yaml", &Limits::default()).unwrap();
    let findings = ModelReport::check(&model).findings;
    let (a, b) = (Scene::new(&model), Scene::new(&again));
    assert_eq!(svg(&a, &findings), svg(&b, &findings));
    assert_eq!(text(&a, false), text(&b, false));
    assert_eq!(text(&a, true), text(&b, true));
    assert_eq!(dot(&a), dot(&b));
    assert_eq!(mermaid(&a), mermaid(&b));
}

#[test]
fn wide_models_fold_identical_servers_and_fit_the_page() {
    let src = generate::model(3000, 11);
    let model = load_str(&src, "generated.yaml", &Limits::default()).unwrap();
    let a = text(&Scene::new(&model), false);
    assert!(a.contains(" x "), "{a}");
    assert!(a.lines().count() < 200, "{} lines", a.lines().count());
    for line in a.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
    // Each folded box says how many it stands for; together they count every host.
    let hosts: usize = a
        .lines()
        .flat_map(|l| l.split("[ ").skip(1))
        .filter_map(|part| {
            let count = part.split(" ] x ").nth(1)?;
            count.split_whitespace().next()?.parse::<usize>().ok()
        })
        .sum();
    assert!(
        hosts > model.hosts.len() / 2,
        "{hosts} of {}",
        model.hosts.len()
    );
}

/// A pool whose members call each other in a chain puts each member in a row of its own,
/// and each one's requests would run down the margin beside all the others': the drawing
/// grew with the square of the pool (4,000 members: 192 MB of text, 2.9 GB of memory).
/// Past the page it is an outline of the rows instead, within the width and the row budget,
/// at any `--width`.
#[test]
fn a_chain_of_pool_members_is_outlined_within_the_page() {
    let n = 600;
    let mut src = String::from("name: chain\ncomponents:\n  user: { kind: client }\n");
    let members: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
    src.push_str(&format!(
        "  lb: {{ kind: load_balancer, pool: [{}] }}\n",
        members.join(", ")
    ));
    for m in &members {
        src.push_str(&format!("  {m}: {{ kind: app_server }}\n"));
    }
    src.push_str("  db: { kind: database, role: primary }\nlinks:\n  - { from: user, to: lb }\n");
    for i in 0..n {
        src.push_str(&format!(
            "  - {{ from: w{i}, to: w{}, protocol: http }}\n",
            (i + 1) % n
        ));
        src.push_str(&format!("  - {{ from: w{i}, to: db, protocol: mysql }}\n"));
    }
    let model = load_str(&src, "chain.yaml", &Limits::default()).unwrap();
    let scene = Scene::new(&model);
    for width in [60, 100, 160] {
        let a = whiteboard(
            &scene,
            &TextOptions {
                unicode: false,
                width,
            },
        );
        assert!(
            a.starts_with(&format!("Too large for a {width}-column whiteboard")),
            "{a}"
        );
        assert!(a.lines().count() < 220, "{} lines", a.lines().count());
        for line in a.lines() {
            assert!(line.chars().count() <= width, "wider than {width}: {line}");
        }
        // The rows left out are counted, with their boxes.
        assert!(a.contains("more rows ("), "{a}");
    }
}

#[test]
fn user_text_is_escaped_in_svg_dot_and_mermaid() {
    let model = common::model(
        r#"
name: "<script>alert('x')</script> & co"
hosts:
  h1: { label: "Host <b>\"one\"</b>" }
components:
  user: { kind: client, label: "User <img src=x onerror=alert(1)>" }
  web: { kind: web_server, host: h1, label: "Web | ] } # `tick`" }
links:
  - { from: user, to: web, label: "a\"b --> c" }
"#,
    );
    let scene = Scene::new(&model);
    let s = svg(&scene, &[]);
    assert!(
        !s.contains("<script>") && !s.contains("<img") && !s.contains("<b>"),
        "{s}"
    );
    assert!(s.contains("&lt;script&gt;"));
    roxmltree_like_check(&s);
    let d = dot(&scene);
    assert!(d.contains(r#"\"one\""#), "{d}");
    let mm = mermaid(&scene);
    for line in mm.lines().skip(1) {
        // Inside a quoted label nothing may close the quote or the shape early.
        if let Some(start) = line.find("[\"") {
            let inner = &line[start + 2..line.rfind("\"]").unwrap()];
            assert!(
                !inner.contains('"') && !inner.contains(']') && !inner.contains('|'),
                "{line}"
            );
        }
    }
}

/// A well-formedness check without an XML dependency: tags balance.
fn roxmltree_like_check(s: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or("").to_owned();
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn svgs_render_to_png_for_review() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("draw-png");
    std::fs::create_dir_all(&dir).unwrap();
    let mut fonts = resvg::usvg::fontdb::Database::new();
    fonts.load_system_fonts();
    let options = resvg::usvg::Options {
        fontdb: std::sync::Arc::new(fonts),
        ..Default::default()
    };
    for (name, model) in example_models() {
        let scene = Scene::new(&model);
        let findings = ModelReport::check(&model).findings;
        let text = svg(&scene, &findings);
        let tree = resvg::usvg::Tree::from_str(&text, &options)
            .unwrap_or_else(|e| panic!("{name}: resvg cannot read our SVG: {e}"));
        let size = tree.size().to_int_size();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::default(),
            &mut pixmap.as_mut(),
        );
        // Something was drawn: boxes and edges leave non-white pixels.
        let inked = pixmap
            .pixels()
            .iter()
            .filter(|p| p.red() < 200 || p.green() < 200 || p.blue() < 200)
            .count();
        assert!(inked > 1000, "{name}: only {inked} inked pixels");
        pixmap.save_png(dir.join(format!("{name}.png"))).unwrap();
    }
}

#[test]
fn graphviz_accepts_the_dot_export_when_installed() {
    let has_dot = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dot {
        // Graphviz not installed (CI installs it): nothing to compare against.
        return;
    }
    let mut sources: Vec<String> = example_models()
        .into_iter()
        .map(|(_, m)| m.source.to_string())
        .collect();
    sources.push(generate::model(300, 5));
    for src in sources {
        let model = load_str(&src, "m.yaml", &Limits::default()).unwrap();
        let text = dot(&Scene::new(&model));
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{}: {}",
            model.name,
            err.chars().take(300).collect::<String>()
        );
    }
}

/// A single tier too wide for the page wraps onto a second band right under it: the wrapped
/// part stays with its tier, above the rows that follow (it used to land after the security
/// groups' row, at the bottom).
#[test]
fn a_wrapped_row_stays_with_its_tier() {
    let mut src = String::from(
        "name: wide data\ncomponents:\n  user: {kind: client}\n  app: {kind: app_server}\n",
    );
    for i in 0..8 {
        src.push_str(&format!(
            "  bucket-{i}: {{kind: object_storage, label: \"a long bucket name for the data of part {i}\"}}\n"
        ));
    }
    src.push_str("  sg: {kind: firewall, protects: [app], allow: [443]}\nlinks:\n  - {from: user, to: app}\n");
    for i in 0..8 {
        src.push_str(&format!("  - {{from: app, to: bucket-{i}}}\n"));
    }
    let model = load_str(&src, "wide.yaml", &Limits::default()).expect("loads");
    let scene = Scene::new(&model);
    let lay = layout(&scene);
    let comp = |id: &str| model.components.iter().position(|c| c.id == id).unwrap();
    let bottom_of_buckets = (0..8)
        .map(|i| lay.components[comp(&format!("bucket-{i}"))].bottom())
        .max()
        .unwrap();
    let tops: BTreeSet<i32> = (0..8)
        .map(|i| lay.components[comp(&format!("bucket-{i}"))].y)
        .collect();
    assert!(tops.len() > 1, "the row wraps: {tops:?}");
    assert!(
        lay.components[comp("sg")].y > bottom_of_buckets,
        "the security group's row comes after every bucket"
    );
}

/// Crossings in Graphviz `dot`'s drawing of the same graphs (`archdoc draw --format dot | dot
/// -Tsvg`, Graphviz 2.43, counted by `../shared/checks/crossings.py`), measured 2026-12-02;
/// where the export gained failure-domain clusters that made dot cross more, the lower
/// figure from before them. archdoc must not cross more; where it still does, the ceiling is
/// today's figure and the gap is written beside it.
const CROSSING_CEILINGS: &[(&str, usize)] = &[
    ("aws-three-tier", 3),
    ("foobar", 0),
    ("scale-up", 14),
    ("secured-and-monitored", 3),
    ("simple-web-stack", 0),
    ("split-writes", 0),
    // dot: 29 with its racks as clusters, 11 without. The monitoring server sits in a host in
    // the application row, so every agent's report and every check it makes share the
    // right-hand lane; 26 before transposition, 22 with it, 20 with lanes in gaps, 18 with
    // the monitoring server's checks leaving on the outer lane above the agents' reports
    // coming in from below; not yet down to 11.
    ("workers-and-queue", 18),
];

#[test]
fn drawings_cross_no_more_than_graphviz() {
    for (name, model) in example_models() {
        let lay = layout(&Scene::new(&model));
        let ceiling = CROSSING_CEILINGS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| panic!("{name}: add its dot figure"), |c| c.1);
        let n = crossings(&lay);
        assert!(n <= ceiling, "{name}: {n} crossings, dot has {ceiling}");
        // Nor does an order that saves a crossing push a label off the drawing.
        assert!(
            lay.legend.is_empty(),
            "{name}: labels in the legend: {:?}",
            lay.legend
        );
    }
    // Generated models (dot on the same graphs: 264 at 100 components without zone clusters,
    // 358 with; 4,050 at 300 with them, 13,390 without).
    for (size, dot_crossings) in [(100, 264), (300, 4_050)] {
        let model = load_str(&generate::model(size, 42), "gen.yaml", &Limits::default())
            .expect("generated model loads");
        let n = crossings(&layout(&Scene::new(&model)));
        assert!(
            n <= dot_crossings,
            "{size} components: {n} crossings, dot has {dot_crossings}"
        );
    }
    // At 1,000 components dot gives up. The issue's target is 1.5 crossings per edge; archdoc
    // draws 0.56 (627 over 1,120; 2.94 before margin lanes nested and tracks weighed edge
    // pairs, 1.80 before the front fans took both margins and agents in other cells became
    // connectors). The test holds 0.6, well inside the target.
    let model = load_str(&generate::model(1000, 42), "gen.yaml", &Limits::default())
        .expect("generated model loads");
    let lay = layout(&Scene::new(&model));
    let (n, edges) = (crossings(&lay), lay.edges.len());
    assert!(
        n * 10 <= edges * 6,
        "1,000 components: {n} crossings over {edges} edges"
    );
}

/// Real projects imported (the vendored Compose, Kubernetes and Terraform fixtures) cross no
/// more than the figures measured on 2026-12-07, next to Graphviz `dot` on archdoc's DOT export
/// of the same model (`../shared/checks/crossings.py`): where archdoc still crosses more, the
/// gap is written beside it.
#[test]
fn imported_real_projects_cross_little() {
    use archdoc::import::{self, Format};
    let cases: &[(Format, &str, usize)] = &[
        // Edges inside the one Docker host take the right inner lane, clear of the entries
        // that come in on the left: 6 before, dot 1.
        (
            Format::Compose,
            "compose/nginx-nodejs-redis/compose.yaml",
            0,
        ),
        (Format::Compose, "compose/voting-app/docker-compose.yml", 0),
        (
            Format::Compose,
            "compose/wasmedge-kafka-mysql/compose.yml",
            0,
        ),
        // dot 6; 8 before twin fans took both margins.
        (
            Format::Terraform,
            "terraform/checkov/vulnerable-web-and-data.plan.json",
            2,
        ),
        // dot 3: 9 before.
        (Format::Kubernetes, "kubernetes/online-boutique", 5),
        // dot 23: 80 before twin fans, lanes in gaps (an edge leaving a shared lane for a
        // gap of its own) and a second round of transposition with the lanes in their gaps.
        (Format::Kubernetes, "kubernetes/opentelemetry-demo-helm", 22),
        // dot 5: 10 before the load balancer's two edges took the gaps on either side of
        // the build server between them and their targets.
        (
            Format::Threagile,
            "threagile/threagile-example-model.yaml",
            8,
        ),
    ];
    for (format, path, ceiling) in cases {
        let full = Path::new("tests/fixtures/import").join(path);
        let draft = import::import(*format, &[full.as_path()], &Limits::default())
            .unwrap_or_else(|e| panic!("{path}: {e:?}"));
        let model = import::load_draft(&draft, &Limits::default())
            .unwrap_or_else(|e| panic!("{path}: {e:?}"));
        let n = crossings(&layout(&Scene::new(&model)));
        assert!(n <= *ceiling, "{path}: {n} crossings, ceiling {ceiling}");
    }
}

/// Two load balancers in front of every cell fan out down the margins: one on the left, the
/// other on the right, so their edges cross only where two cells share a row (down one
/// margin, the 33 cells of the 1,000-component model gave 528 crossings).
#[test]
fn twin_fans_take_opposite_margins_and_do_not_cross() {
    let model = load_str(&generate::model(1000, 42), "gen.yaml", &Limits::default())
        .expect("generated model loads");
    let lay = layout(&Scene::new(&model));
    let from = |e: &archdoc::render::svg::EdgePath| match e.kind {
        EdgeKind::Flow(l) => Some(model.components[model.links[l].from].id.as_str()),
        _ => None,
    };
    let mut fans = lay.clone();
    fans.edges
        .retain(|e| matches!(from(e), Some("front-lb-a" | "front-lb-b")));
    assert_eq!(fans.edges.len(), 66, "both fans reach all 33 cells");
    // Where two small cells share a stripe (c19 and c20, c22 and c23), both fans reach both
    // VIPs along the one channel above them and cross once there: 2, not 528.
    assert_eq!(
        crossings(&fans),
        2,
        "the two fans cross only where two cells share a stripe"
    );
    let far_x = |id: &str, pick: fn(i32, i32) -> i32| {
        fans.edges
            .iter()
            .filter(|e| from(e) == Some(id))
            .flat_map(|e| e.points.iter().map(|p| p.0))
            .reduce(pick)
            .expect("edges")
    };
    let content = lay.boxes.iter().map(|r| (r.x, r.right()));
    let (left, right) = content.fold((i32::MAX, i32::MIN), |(l, r), (a, b)| (l.min(a), r.max(b)));
    assert!(
        far_x("front-lb-a", i32::min) < left,
        "front-lb-a runs down the left margin"
    );
    assert!(
        far_x("front-lb-b", i32::max) > right,
        "front-lb-b runs down the right margin"
    );
}

/// In a drawing stacked in cells, an agent in another cell than the monitoring server is a
/// connector: a stub a few pixels long out of its host ending at a badge, numbered like the
/// badge on the server, and one legend line (escaped) says what the number is; agents in the
/// server's own cell keep their lines.
#[test]
fn agents_in_other_stripes_are_numbered_connectors() {
    let src = generate::model(1000, 42).replace(
        "monitoring: { kind: monitoring, software: Prometheus }",
        "monitoring: { kind: monitoring, software: Prometheus, label: \"<Prom & co>\" }",
    );
    let model = load_str(&src, "gen.yaml", &Limits::default()).expect("generated model loads");
    let scene = Scene::new(&model);
    let lay = layout(&scene);
    let stubs: Vec<_> = lay.edges.iter().filter(|e| e.connector.is_some()).collect();
    let lines = lay
        .edges
        .iter()
        .filter(|e| {
            e.connector.is_none()
                && matches!(e.kind, EdgeKind::Side(i) if model.components[scene.side[i].from].id.ends_with("-agent"))
        })
        .count();
    assert!(stubs.len() > 200, "{} stubs", stubs.len());
    assert!(
        lines > 0 && lines < 20,
        "{lines} agents of the server's cell keep lines"
    );
    for e in &stubs {
        assert_eq!(e.connector, Some(1));
        let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
        assert!(
            (first.0 - last.0).abs() + (first.1 - last.1).abs() <= 20,
            "a stub, not a line across the page: {:?}",
            e.points
        );
    }
    assert_eq!(lay.connectors.len(), 1);
    let c = &lay.connectors[0];
    assert_eq!(
        c.badges.len(),
        stubs.len() + 1,
        "one badge per stub and one on the server"
    );
    let server = lay.components[model
        .components
        .iter()
        .position(|c| c.id == "monitoring")
        .expect("server")];
    assert_eq!(
        c.badges[0],
        (server.right(), server.y),
        "the server's badge is on its corner"
    );
    assert!(c.text.starts_with("(1) <Prom & co> ("), "{}", c.text);
    let drawn = svg(&scene, &[]);
    assert!(drawn.contains("(1) &lt;Prom &amp; co&gt; ("));
    assert!(!drawn.contains("<Prom"));
    // A hub meeting one or two edges between stripes keeps them as lines: a replica in the
    // last cell of a primary in the first is drawn as a line to it.
    let src = generate::model(1000, 42).replace(
        "  c32-redis:",
        "  far-replica: { kind: database, software: MySQL, host: c32-db-b, replica_of: c0-mysql-a }\n  c32-redis:",
    );
    let model = load_str(&src, "gen.yaml", &Limits::default()).expect("generated model loads");
    let scene = Scene::new(&model);
    let lay = layout(&scene);
    let far = lay
        .edges
        .iter()
        .find(|e| matches!(e.kind, EdgeKind::Side(i) if model.components[scene.side[i].to.unwrap_or(0)].id == "far-replica"))
        .expect("the replication edge is drawn");
    assert_eq!(far.connector, None);
    let ys = far.points.iter().map(|p| p.1);
    assert!(
        ys.clone().max().unwrap_or(0) - ys.min().unwrap_or(0) > 10_000,
        "{:?}",
        far.points
    );
    assert_eq!(lay.connectors.len(), 1, "the agents' connector only");
    // Not stacked (one stripe): every agent keeps its line.
    for (name, model) in example_models() {
        assert!(layout(&Scene::new(&model)).connectors.is_empty(), "{name}");
    }
}

/// The whiteboard draws failure domains as one heading per group of neighbouring boxes in
/// the same domain (not a line under every box), with the arrows into the row passing through
/// it to their boxes.
#[test]
fn the_whiteboard_heads_each_column_group_with_its_zone() {
    let src = "name: z
domains:
  eu: {kind: region}
  a: {kind: zone, parent: eu}
  b: {kind: zone, parent: eu}
hosts:
  h1: {domain: a}
  h2: {domain: a}
  h3: {domain: b}
components:
  user: {kind: client}
  lb: {kind: load_balancer, pool: [w1, w2, w3]}
  w1: {kind: web_server, host: h1}
  w2: {kind: web_server, host: h2}
  w3: {kind: web_server, host: h3}
links:
  - {from: user, to: lb}
";
    let model = load_str(src, "z.yaml", &Limits::default()).unwrap();
    let board = text(&Scene::new(&model), false);
    let lines: Vec<&str> = board.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.contains("zone a in region eu"))
        .unwrap_or_else(|| panic!("{board}"));
    assert_eq!(
        lines[heading].matches("zone a").count(),
        1,
        "one heading for both hosts in zone a:\n{board}"
    );
    assert!(lines[heading].contains("zone b in region eu"), "{board}");
    // Zone a's rule runs over both of its columns, up to zone b's heading.
    let a_at = lines[heading].find("zone a").unwrap();
    let b_at = lines[heading].find("zone b").unwrap();
    let boxes = lines[heading + 2];
    let w2_at = boxes.find("[ h2").unwrap_or_else(|| panic!("{board}"));
    assert!(a_at < w2_at && w2_at < b_at, "{board}");
    assert!(lines[heading][a_at..b_at].contains(" --"), "{board}");
    // The arrows pass the heading and point at the boxes.
    assert!(lines[heading + 1].contains('v'), "{board}");
    assert!(!board.contains("(in "), "{board}");
}
