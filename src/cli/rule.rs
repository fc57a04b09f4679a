//! `archdoc rule`: a rule's documentation, or the list of rules.

use clap::Args;

use archdoc::lint::registry;

use super::{EXIT_TROUBLE, err, out};

#[derive(Debug, Args)]
pub(crate) struct RuleArgs {
    /// The rule's id, e.g. `single-point-of-failure`.
    name: Option<String>,
    /// List every rule with its category and default severity.
    #[arg(long)]
    list: bool,
}

pub(crate) fn run(args: &RuleArgs) -> u8 {
    if args.list || args.name.is_none() {
        for r in registry::ALL {
            let m = r.meta();
            out(&format!(
                "{:<30} {:<14} {:<8} {}\n",
                m.id,
                m.category.as_str(),
                m.default_severity.as_str(),
                m.summary()
            ));
        }
        return 0;
    }
    let name = args.name.as_deref().unwrap_or_default();
    match registry::find(name) {
        Some(r) => {
            let m = r.meta();
            out(&format!(
                "# {}\n\nCategory: {}. Default severity: {}.\n\n{}",
                m.id,
                m.category.as_str(),
                m.default_severity.as_str(),
                m.markdown()
            ));
            0
        }
        None => {
            let ids = registry::ALL.iter().map(|r| r.meta().id);
            let hint = archdoc::model::suggest::did_you_mean(name, ids)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            err(&format!(
                "error: no rule named `{name}`{hint}; `archdoc rule --list` lists them\n"
            ));
            EXIT_TROUBLE
        }
    }
}
