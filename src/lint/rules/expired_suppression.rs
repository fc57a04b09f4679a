use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta, registry};

declare_rule! {
    /// ## What it does
    /// Finds `ignore:` entries whose `until:` date has passed. The finding they accepted is
    /// reported again, and this rule says why it came back.
    ///
    /// ## Why is this bad?
    /// An expiry date turns "we accept this for now" into a promise to look again. When the
    /// day comes, the risk is back on the table: either it was fixed (delete the entry), or
    /// it is still accepted (write a new date and, ideally, a new reason).
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// components:
    ///   user: { kind: client }
    ///   web:
    ///     kind: web_server
    ///     ignore:
    ///       - { rule: single-point-of-failure, reason: "until the second server arrives", until: 2020-01-31 }
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
    ///       - { rule: single-point-of-failure, reason: "until the second server arrives", until: 2999-12-31 }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Fix what the entry accepted and delete it, or review the decision and write a new
    /// `until:` date.
    pub struct ExpiredSuppression;
    id = "expired-suppression",
    category = Model,
    severity = Warning,
}

impl Rule for ExpiredSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        let today = cx.options.today;
        for i in &model.ignores {
            let Some(until) = i.until else {
                continue;
            };
            if until >= today || registry::find(&i.rule).is_none() || i.reason.is_none() {
                continue;
            }
            let message = format!(
                "this suppression of `{}` expired on {:04}-{:02}-{:02}: the finding is reported again",
                i.rule, until.0, until.1, until.2
            );
            cx.report(&Self::META, &i.element, i.span, message)
                .discriminator(i.rule.clone())
                .help("fix the finding and delete the entry, or review it and set a new `until:`");
        }
    }
}
