//! `archdoc draw`: one model as a diagram (text, SVG, DOT or Mermaid).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use archdoc::model::{Limits, load_file};
use archdoc::render::{self, Scene, TextOptions};
use archdoc::report::{self, HumanStyle, ModelReport};

use super::check::display_path;
use super::{EXIT_TROUBLE, err, out, use_color};

#[derive(Debug, Args)]
pub(crate) struct DrawArgs {
    /// The model file to draw.
    model: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DrawFormat::Ascii)]
    format: DrawFormat,
    /// Write the diagram to this file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Page width in columns for the text formats.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(20..))]
    width: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DrawFormat {
    /// The whiteboard diagram in plain ASCII.
    Ascii,
    /// The whiteboard diagram with box-drawing characters.
    Unicode,
    /// A tiered SVG picture, hosts as boxes.
    Svg,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (GitHub renders it in Markdown).
    Mermaid,
}

pub(crate) fn run(args: &DrawArgs) -> u8 {
    let style = HumanStyle {
        color: use_color(&std::io::stderr()),
        width: 100,
    };
    let name = display_path(&args.model);
    let model = match load_file(&args.model, &name, &Limits::default()) {
        Ok(m) => m,
        Err(errors) => {
            for e in &errors {
                err(&report::human_error(e, style));
            }
            return EXIT_TROUBLE;
        }
    };
    let scene = Scene::new(&model);
    let text = match args.format {
        DrawFormat::Ascii | DrawFormat::Unicode => render::whiteboard(
            &scene,
            &TextOptions {
                unicode: args.format == DrawFormat::Unicode,
                width: usize::from(args.width),
            },
        ),
        DrawFormat::Svg => {
            let findings = ModelReport::check(&model).findings;
            render::svg::svg(&scene, &findings)
        }
        DrawFormat::Dot => render::dot::dot(&scene),
        DrawFormat::Mermaid => render::mermaid::mermaid(&scene),
    };
    match &args.output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => 0,
            Err(e) => {
                err(&format!(
                    "error: cannot write `{}`: {e}\n",
                    display_path(path)
                ));
                EXIT_TROUBLE
            }
        },
        None => {
            out(&text);
            0
        }
    }
}
