//! `archdoc rule`: a rule's documentation, or the list of rules.

use clap::Args;

use archdoc::lint::registry;

use super::EXIT_TROUBLE;

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
            println!(
                "{:<28} {:<14} {:<8} {}",
                m.id,
                m.category.as_str(),
                m.default_severity.as_str(),
                m.summary()
            );
        }
        return 0;
    }
    let name = args.name.as_deref().unwrap_or_default();
    match registry::find(name) {
        Some(r) => {
            let m = r.meta();
            println!("# {}\n", m.id);
            println!(
                "Category: {}. Default severity: {}.\n",
                m.category.as_str(),
                m.default_severity.as_str()
            );
            print!("{}", m.docs);
            0
        }
        None => {
            let ids = registry::ALL.iter().map(|r| r.meta().id);
            let hint = archdoc::model::suggest::did_you_mean(name, ids)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            eprintln!("error: no rule named `{name}`{hint}; `archdoc rule --list` lists them");
            EXIT_TROUBLE
        }
    }
}
