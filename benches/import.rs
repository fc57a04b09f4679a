//! Speed of `archdoc import terraform` on generated plans: a VPC with subnets in three
//! zones, then `services` copies of a small AWS service (a security group with a rule from
//! the previous service's group, a launch template, an autoscaling group behind an ALB with
//! its listener and target group, an RDS instance, a CloudWatch alarm). Prints the plan's
//! size, the import time and the time per resource; the figures are never asserted.
//! Run with `cargo bench --bench import [resources...]`.
#![allow(clippy::print_stdout)]

#[path = "../bench/timing.rs"]
mod timing;

use std::sync::Arc;

use archdoc::import::{SourceFile, terraform};
use archdoc::model::Limits;
use serde_json::{Value, json};
use timing::{best_of, sizes_or};

const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
/// Resources per generated service.
const PER_SERVICE: usize = 9;

fn resource(address: &str, values: Value) -> Value {
    let (ty, name) = address.split_once('.').unwrap_or((address, ""));
    json!({"address": address, "mode": "managed", "type": ty, "name": name, "values": values})
}

fn configured(address: &str, expressions: Value) -> Value {
    let (ty, name) = address.split_once('.').unwrap_or((address, ""));
    json!({"address": address, "mode": "managed", "type": ty, "name": name, "expressions": expressions})
}

fn refs(to: &[String]) -> Value {
    json!({ "references": to })
}

/// The JSON text of a plan of about `resources` resources.
fn plan(resources: usize) -> String {
    let mut planned = vec![resource(
        "aws_vpc.main",
        json!({"cidr_block": "10.0.0.0/16"}),
    )];
    let mut config = vec![configured("aws_vpc.main", json!({}))];
    let subnets: Vec<String> = (0..ZONES.len())
        .map(|z| format!("aws_subnet.private_{z}"))
        .collect();
    for (z, s) in subnets.iter().enumerate() {
        planned.push(resource(s, json!({"availability_zone": ZONES[z]})));
        config.push(configured(
            s,
            json!({"vpc_id": refs(&["aws_vpc.main.id".into()])}),
        ));
    }
    for i in 0..(resources / PER_SERVICE).max(1) {
        let sg = format!("aws_security_group.s{i}");
        let rule = format!("aws_security_group_rule.s{i}_in");
        let lt = format!("aws_launch_template.s{i}");
        let asg = format!("aws_autoscaling_group.s{i}");
        let tg = format!("aws_lb_target_group.s{i}");
        let lb = format!("aws_lb.s{i}");
        let listener = format!("aws_lb_listener.s{i}");
        let db = format!("aws_db_instance.s{i}");
        let alarm = format!("aws_cloudwatch_metric_alarm.s{i}");
        let previous_sg = format!("aws_security_group.s{}", i.saturating_sub(1));
        planned.extend([
            resource(&sg, json!({"name": format!("s{i}"), "ingress": []})),
            resource(
                &rule,
                json!({"type": "ingress", "from_port": 8080, "to_port": 8080, "protocol": "tcp"}),
            ),
            resource(&lt, json!({"name": format!("s{i}")})),
            resource(
                &asg,
                json!({"name": format!("s{i}"), "desired_capacity": 3, "min_size": 2, "max_size": 6}),
            ),
            resource(
                &tg,
                json!({"port": 8080, "health_check": [{"enabled": true, "path": "/health"}]}),
            ),
            resource(&lb, json!({"name": format!("s{i}"), "internal": i > 0})),
            resource(&listener, json!({"port": 443, "protocol": "HTTPS"})),
            resource(
                &db,
                json!({"identifier": format!("s{i}"), "engine": "postgres", "multi_az": i % 2 == 0, "backup_retention_period": 7}),
            ),
            resource(
                &alarm,
                json!({"alarm_name": format!("s{i}-5xx"), "metric_name": "HTTPCode_ELB_5XX_Count"}),
            ),
        ]);
        let subnet_refs: Vec<String> = subnets.iter().map(|s| format!("{s}.id")).collect();
        config.extend([
            configured(&sg, json!({"vpc_id": refs(&["aws_vpc.main.id".into()])})),
            configured(
                &rule,
                json!({"security_group_id": refs(&[format!("{sg}.id")]),
                       "source_security_group_id": refs(&[format!("{previous_sg}.id")])}),
            ),
            configured(
                &lt,
                json!({"vpc_security_group_ids": refs(&[format!("{sg}.id")]),
                       "user_data": refs(&[format!("{db}.address")])}),
            ),
            configured(
                &asg,
                json!({"vpc_zone_identifier": refs(&subnet_refs),
                       "target_group_arns": refs(&[format!("{tg}.arn")]),
                       "launch_template": [{"id": refs(&[format!("{lt}.id")])}]}),
            ),
            configured(&tg, json!({"vpc_id": refs(&["aws_vpc.main.id".into()])})),
            configured(&lb, json!({"subnets": refs(&subnet_refs)})),
            configured(
                &listener,
                json!({"load_balancer_arn": refs(&[format!("{lb}.arn")]),
                       "default_action": [{"target_group_arn": refs(&[format!("{tg}.arn")])}]}),
            ),
            configured(
                &db,
                json!({"vpc_security_group_ids": refs(&[format!("{sg}.id")])}),
            ),
            configured(
                &alarm,
                json!({"dimensions": {"references": [format!("{lb}.arn_suffix")]}}),
            ),
        ]);
    }
    let plan = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {
            "provider_config": {"aws": {"expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": config}
        }
    });
    serde_json::to_string(&plan).unwrap_or_default()
}

fn main() {
    let sizes = sizes_or(&[100, 1_000, 10_000]);
    println!(
        "{:>10} {:>11} {:>10} {:>10} {:>11} {:>13}",
        "resources", "components", "MB", "import ms", "µs/res", "yaml ms"
    );
    for n in sizes {
        let text = plan(n);
        let sources = [SourceFile {
            display: "generated.plan.json".to_owned(),
            text: Arc::from(text.as_str()),
        }];
        let runs = if n >= 10_000 { 1 } else { 3 };
        let (import, draft) = best_of(runs, || {
            terraform::import(&sources, &Limits::default()).expect("the generated plan imports")
        });
        let (yaml, _) = best_of(runs, || draft.to_yaml());
        let resources = (n / PER_SERVICE).max(1) * PER_SERVICE + 4;
        println!(
            "{:>10} {:>11} {:>10.2} {:>10.1} {:>11.2} {:>13.1}",
            resources,
            draft.components.len(),
            text.len() as f64 / 1e6,
            import.as_secs_f64() * 1e3,
            import.as_secs_f64() * 1e6 / resources as f64,
            yaml.as_secs_f64() * 1e3
        );
    }
}
