//! The theme: minijinja templates, a stylesheet and a script. The default theme is compiled
//! into the binary, so an installed archdoc works anywhere; a project's `themes/NAME/`
//! overrides it file by file.

use std::path::{Path, PathBuf};

use crate::model::ModelError;

/// The default theme's files: (name, contents).
pub const DEFAULT_FILES: [(&str, &str); 8] = [
    ("base.html", include_str!("../../themes/default/base.html")),
    (
        "index.html",
        include_str!("../../themes/default/index.html"),
    ),
    (
        "model.html",
        include_str!("../../themes/default/model.html"),
    ),
    ("page.html", include_str!("../../themes/default/page.html")),
    ("rule.html", include_str!("../../themes/default/rule.html")),
    (
        "rules.html",
        include_str!("../../themes/default/rules.html"),
    ),
    ("style.css", include_str!("../../themes/default/style.css")),
    (
        "archdoc.js",
        include_str!("../../themes/default/archdoc.js"),
    ),
];

/// A loaded theme.
#[derive(Debug)]
pub struct Theme {
    env: minijinja::Environment<'static>,
    /// Where each file came from, for error messages (`themes/x/model.html` or
    /// `(built in) model.html`).
    origins: Vec<(String, String)>,
    /// The stylesheet.
    pub style: String,
    /// The script.
    pub script: String,
}

impl Theme {
    /// The default theme with the files of `dir` (when it exists) in place of its own.
    ///
    /// # Errors
    /// An override cannot be read, or a template does not compile (with file and line).
    pub fn load(dir: Option<&Path>) -> Result<Theme, Box<ModelError>> {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_filter("inline_code", inline_code);
        let mut origins = Vec::new();
        let mut style = String::new();
        let mut script = String::new();
        for (name, builtin) in DEFAULT_FILES {
            let path: Option<PathBuf> = dir
                .map(|d| d.join(name))
                .filter(|p| p.exists() || p.is_symlink());
            if let Some(p) = &path
                && std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(Box::new(
                    ModelError::file(
                        "theme::symlink",
                        &p.to_string_lossy(),
                        "the theme file is a symlink; archdoc reads only files inside the project",
                    )
                    .with_help("copy the file into the theme directory instead of linking it"),
                ));
            }
            let (text, origin) = match &path {
                Some(p) => (
                    crate::model::files::read_bounded_text(p, crate::model::files::MAX_PAGE_BYTES)
                        .map_err(|e| {
                            Box::new(ModelError::file(
                                "theme::io",
                                &p.to_string_lossy(),
                                format!("cannot read the theme file: {e}"),
                            ))
                        })?,
                    p.to_string_lossy().replace('\\', "/"),
                ),
                None => (builtin.to_owned(), format!("(built-in theme) {name}")),
            };
            origins.push((name.to_owned(), origin.clone()));
            match name {
                "style.css" => style = text,
                "archdoc.js" => script = text,
                _ => env
                    .add_template_owned(name.to_owned(), text)
                    .map_err(|e| template_error(&e, &origin))?,
            }
        }
        Ok(Theme {
            env,
            origins,
            style,
            script,
        })
    }

    /// Renders a template with a context.
    ///
    /// # Errors
    /// The template fails (an unknown variable, a bad filter), with its file and line.
    pub fn render(&self, name: &str, ctx: &minijinja::Value) -> Result<String, Box<ModelError>> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(&e, name))?;
        template.render(ctx).map_err(|e| {
            let origin = e
                .name()
                .and_then(|n| self.origins.iter().find(|(k, _)| k == n))
                .map_or(name.to_owned(), |(_, o)| o.clone());
            template_error(&e, &origin)
        })
    }
}

fn template_error(e: &minijinja::Error, origin: &str) -> Box<ModelError> {
    let line = e.line().map_or(String::new(), |l| format!(":{l}"));
    let detail = e.detail().map_or(String::new(), |d| format!(": {d}"));
    Box::new(
        ModelError::file(
            "theme::template",
            &format!("{origin}{line}"),
            format!("template error in {origin}{line}: {}{detail}", e.kind()),
        )
        .with_help("fix the template, or delete it from your theme to use the built-in one"),
    )
}

/// A finding's message as HTML: escaped, with each `backticked` part set as code (the
/// messages quote ids that way). Everything from the model is escaped first.
fn inline_code(text: &str) -> minijinja::Value {
    let escaped = crate::escape::xml(text);
    let mut out = String::with_capacity(escaped.len() + 16);
    let mut parts = escaped.split('`').peekable();
    let mut inside = false;
    while let Some(part) = parts.next() {
        if inside && parts.peek().is_some() {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else if inside {
            // An unpaired backtick stays as written.
            out.push('`');
            out.push_str(part);
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    minijinja::Value::from_safe_string(out)
}

#[cfg(test)]
mod inline_code_tests {
    #[test]
    fn backticks_become_code_and_html_is_escaped() {
        let v = super::inline_code("`<b>` is a single point of failure for `all` and `x");
        assert_eq!(
            v.to_string(),
            "<code>&lt;b&gt;</code> is a single point of failure for <code>all</code> and `x"
        );
    }
}
