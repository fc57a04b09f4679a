use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds `ignore:` entries that accept nothing: the rule they name finds nothing on that
    /// element (any more).
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it was written for: the replica was added, the
    /// firewall installed. Left in place, it silently accepts the next, unrelated finding of
    /// that rule on that element, which nobody reviewed.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// components:
    ///   user: { kind: client }
    ///   web:
    ///     kind: web_server
    ///     ignore:
    ///       - { rule: single-backend-pool, reason: "a second server is on order" }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Delete the entry.
    pub struct UnusedSuppression;
    id = "unused-suppression",
    category = Model,
    severity = Warning,
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        let unused: Vec<&crate::model::Ignore> = model
            .ignores
            .iter()
            .filter(|i| cx.ignore_applies(i))
            .filter(|i| {
                !cx.findings()
                    .iter()
                    .any(|f| f.rule == i.rule && f.element == i.element)
            })
            .collect();
        for i in unused {
            let on = if i.element.is_empty() {
                "the model".to_owned()
            } else {
                format!("`{}`", i.element)
            };
            let message = format!(
                "`{}` finds nothing on {on}: this suppression is unused",
                i.rule
            );
            cx.report(&Self::META, &i.element, i.span, message)
                .discriminator(i.rule.clone())
                .help("delete this `ignore:` entry");
        }
    }
}
