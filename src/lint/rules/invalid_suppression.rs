use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta, registry};
use crate::model::suggest::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Finds `ignore:` entries that cannot apply: they name no rule archdoc has, or give no
    /// `reason:`. Such an entry suppresses nothing; the finding it meant to accept is still
    /// reported.
    ///
    /// ## Why is this bad?
    /// A suppression is a decision someone has to be able to review: which risk, and why it
    /// is accepted. Without a reason it is just a way to make a red build green; with a
    /// misspelt rule it does nothing at all while looking like it does.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// components:
    ///   user: { kind: client }
    ///   web:
    ///     kind: web_server
    ///     ignore:
    ///       - { rule: single-point-of-failure }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// components:
    ///   user: { kind: client }
    ///   web:
    ///     kind: web_server
    ///     ignore:
    ///       - { rule: single-point-of-failure, reason: "an internal tool; a day of downtime is fine" }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Name a rule from `archdoc rule --list` and say why the finding is accepted in
    /// `reason:`.
    pub struct InvalidSuppression;
    id = "invalid-suppression",
    category = Model,
    severity = Warning,
}

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for i in &model.ignores {
            if registry::find(&i.rule).is_none() {
                let ids = registry::ALL.iter().map(|r| r.meta().id);
                let help = match did_you_mean(&i.rule, ids) {
                    Some(s) => {
                        format!("did you mean `{s}`? (`archdoc rule --list` lists every rule)")
                    }
                    None => "`archdoc rule --list` lists every rule".to_owned(),
                };
                let message = format!(
                    "`{}` is not a rule: this suppression applies to nothing",
                    i.rule
                );
                cx.report(&Self::META, &i.element, i.rule_span, message)
                    .discriminator(format!("unknown:{}", i.rule))
                    .help(help);
            } else if i.reason.is_none() {
                let message = format!(
                    "this suppression of `{}` gives no reason, so it does not apply",
                    i.rule
                );
                cx.report(&Self::META, &i.element, i.span, message)
                    .discriminator(format!("no-reason:{}", i.rule))
                    .help("say why the finding is accepted in `reason:`");
            }
        }
    }
}
