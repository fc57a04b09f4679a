use crate::analysis::availability::{HOURS_PER_YEAR, percent};
use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Compares each journey's availability, computed from its units (shared units counted
    /// once), with the model's `slo:`, and reports the journeys that fall short, naming the
    /// units that cost the most downtime.
    ///
    /// ## Why is this bad?
    /// An SLO the design cannot meet even when everything is operated perfectly is a promise
    /// broken before launch: the error budget is spent by the architecture alone. Removing the
    /// single points of failure is often not enough either; the figure says how far off the
    /// design is and where the hours go.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// slo: 99.99
    /// hosts:
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: web-host }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// slo: 99
    /// hosts:
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: web-host }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Make the units at the top of the list redundant (or give them a better
    /// `availability:` where a provider guarantees one), or set an SLO the design can meet.
    pub struct AvailabilityBelowSlo;
    id = "availability-below-slo",
    category = Reliability,
    severity = Error,
}

impl Rule for AvailabilityBelowSlo {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        let Some(slo) = model.slo else {
            return;
        };
        for (j, av) in cx.analysis.availability.iter().enumerate() {
            let a = av.availability * 100.0;
            if a >= slo {
                continue;
            }
            let journey = &model.journeys[j];
            let budget = (1.0 - slo / 100.0) * HOURS_PER_YEAR;
            let top: Vec<String> = av
                .limiting
                .iter()
                .take(3)
                .map(|&(n, h)| format!("`{}` ({h:.1} h)", cx.graph.id(n)))
                .collect();
            let top = if top.is_empty() {
                String::new()
            } else {
                format!("; most of it from {}", top.join(", "))
            };
            let message = format!(
                "journey `{}` is available {}, below the {slo}% SLO: {:.1} h a year down against a budget of {budget:.1} h{top}",
                journey.id,
                percent(a),
                av.downtime_hours()
            );
            cx.report(&Self::META, "", model.name_span, message)
                .discriminator(journey.id.clone())
                .journeys(vec![journey.id.clone()])
                .help("make the units that cost the most hours redundant, or set an SLO the design can meet");
        }
    }
}
