//! Terraform plan JSON (`terraform show -json plan.out`, or of a state) → archdoc, AWS
//! resources first. Each resource block becomes one component whose id is its Terraform
//! address (`aws_lb.web`), so a finding reads back to the code; `count` and `for_each`
//! instances of one block become a replica group. Who is connected to whom comes from the
//! plan's `configuration` references (a listener's target group, an autoscaling group's
//! target groups, a CloudFront origin, a security group's members); networking plumbing
//! (subnets, target groups, listeners, rules, launch templates) is folded into the
//! components it describes, and availability zones are read from the subnets a resource is
//! placed in. What a plan cannot say (which application calls which data store) is written
//! as an assumption, and resource types archdoc does not know are listed as skipped.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value as Json;

use super::draft::{Draft, DraftLink, Element, Origin, SourceFile, Value, safe_id};
use crate::model::{Limits, ModelError, Span};

/// One resource block of the plan (its `count`/`for_each` instances together).
struct Block {
    /// The address without an instance key: `module.app.aws_lb.web`.
    address: String,
    /// The resource type: `aws_lb`.
    ty: String,
    /// The planned values of each instance.
    values: Vec<Json>,
    /// Addresses (without instance keys) this block's configuration refers to.
    refs: BTreeSet<String>,
    /// The same, by the top-level argument that refers to them (`security_group_id`).
    keyed: BTreeMap<String, BTreeSet<String>>,
    /// Where the block's first instance is in the JSON text.
    offset: usize,
}

impl Block {
    fn first(&self) -> &Json {
        self.values.first().unwrap_or(&Json::Null)
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.first().get(key).and_then(Json::as_str)
    }

    fn bool(&self, key: &str) -> bool {
        self.first().get(key).and_then(Json::as_bool) == Some(true)
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.first().get(key).and_then(Json::as_i64)
    }
}

/// What a security group becomes: what it protects, its ingress, and the sources that are
/// not address ranges (left out, and said).
struct GroupSettings {
    id: String,
    protects: Vec<String>,
    allow: Vec<Value>,
    unread: Vec<String>,
    /// Ingress rules not written as ports ("every port (protocol -1)").
    left_out: Vec<String>,
}

/// Whether `s` is an address range (`10.0.0.0/16`, `2001:db8::/32`).
fn is_cidr(s: &str) -> bool {
    s.split_once('/').is_some_and(|(ip, len)| {
        ip.parse::<std::net::IpAddr>().is_ok() && len.parse::<u8>().is_ok_and(|l| l <= 128)
    })
}

/// The values in which a resource names its own availability zones.
const ZONE_KEYS: [&str; 3] = [
    "availability_zone",
    "availability_zones",
    "preferred_cache_cluster_azs",
];

/// Resource types folded into the components they describe (not failure units of their own).
const FOLDED: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_route_table",
    "aws_route_table_association",
    "aws_route",
    "aws_eip",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_autoscaling_attachment",
    "aws_elb_attachment",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener_rule",
    "aws_lb_listener_certificate",
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_db_subnet_group",
    "aws_elasticache_subnet_group",
    "aws_route53_zone",
    "aws_key_pair",
];

/// The address of a block: instance keys (`[0]`, `["a"]`) dropped.
fn block_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A module of the plan's `configuration`, where a reference is read: its address prefix
/// (`module.app.`), its body, the call that made it (whose arguments its `var.*` are) and
/// the module that called it.
struct Scope<'a> {
    prefix: String,
    module: &'a Json,
    call: Option<&'a Json>,
    parent: Option<&'a Scope<'a>>,
}

/// The resources an expression names, and the references followed to find them.
#[derive(Default)]
struct Resolved {
    resources: BTreeSet<String>,
    seen: HashSet<(String, String)>,
}

/// How many module boundaries (`var.*` up, `module.*` outputs down) one reference may cross.
const MODULE_HOPS: usize = 16;

impl<'a> Scope<'a> {
    /// The module called `name` from this one.
    fn child(&'a self, name: &str) -> Option<Scope<'a>> {
        let call = self.module.get("module_calls")?.get(name)?;
        Some(Scope {
            prefix: format!("{}module.{name}.", self.prefix),
            module: call.get("module")?,
            call: Some(call),
            parent: Some(self),
        })
    }

    /// The resources `reference` names, read in this module: `aws_lb.web.arn` →
    /// `aws_lb.web`; `var.x` → what the caller passed as `x`; `module.m.out` → what the
    /// output `out` of module `m` refers to. Locals and data sources name no resource.
    fn resolve(&self, reference: &str, hops: usize, out: &mut Resolved) {
        let r = block_address(reference);
        // A reference already followed from this module adds nothing (and a hostile plan
        // that names one output many times over does not multiply the work).
        if !out.seen.insert((self.prefix.clone(), r.clone())) {
            return;
        }
        let mut parts = r.split('.');
        let (Some(ty), Some(name)) = (parts.next(), parts.next()) else {
            return;
        };
        match ty {
            "var" if hops < MODULE_HOPS => {
                if let (Some(call), Some(parent)) = (self.call, self.parent)
                    && let Some(arg) = call.pointer("/expressions").and_then(|e| e.get(name))
                {
                    parent.collect(arg, hops + 1, out);
                }
            }
            "module" if hops < MODULE_HOPS => {
                let Some(child) = self.child(name) else {
                    return;
                };
                let outputs = child.module.get("outputs").and_then(Json::as_object);
                match parts.next() {
                    // `module.m.out` (and `module.m.out[0]`): what that output refers to.
                    Some(output) => {
                        if let Some(e) = outputs
                            .and_then(|o| o.get(output))
                            .and_then(|o| o.get("expression"))
                        {
                            child.collect(e, hops + 1, out);
                        }
                    }
                    // The whole module: every output.
                    None => {
                        for o in outputs.into_iter().flat_map(|o| o.values()) {
                            if let Some(e) = o.get("expression") {
                                child.collect(e, hops + 1, out);
                            }
                        }
                    }
                }
            }
            "var" | "module" | "local" | "data" | "each" | "count" | "path" | "self"
            | "terraform" => {}
            _ => {
                out.resources.insert(format!("{}{ty}.{name}", self.prefix));
            }
        }
    }

    /// The resources an expression (any JSON holding `references` lists) names.
    fn collect(&self, v: &Json, hops: usize, out: &mut Resolved) {
        match v {
            Json::Object(m) => {
                for (k, x) in m {
                    if k == "references" {
                        for r in x.as_array().into_iter().flatten().filter_map(Json::as_str) {
                            self.resolve(r, hops, out);
                        }
                    } else {
                        self.collect(x, hops, out);
                    }
                }
            }
            Json::Array(xs) => {
                for x in xs {
                    self.collect(x, hops, out);
                }
            }
            _ => {}
        }
    }
}

/// The references of every resource in the plan's `configuration`, by block address.
type Refs = (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>);

fn configuration_refs(scope: &Scope, depth: usize, out: &mut BTreeMap<String, Refs>) {
    for r in scope
        .module
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let Some(addr) = r.get("address").and_then(Json::as_str) else {
            continue;
        };
        let entry = out.entry(format!("{}{addr}", scope.prefix)).or_default();
        for (key, e) in r
            .get("expressions")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let mut refs = Resolved::default();
            scope.collect(e, 0, &mut refs);
            entry.0.extend(refs.resources.iter().cloned());
            entry
                .1
                .entry(key.clone())
                .or_default()
                .extend(refs.resources);
        }
    }
    if depth >= MODULE_HOPS * 4 {
        return;
    }
    for name in scope
        .module
        .get("module_calls")
        .and_then(Json::as_object)
        .into_iter()
        .flat_map(|calls| calls.keys())
    {
        if let Some(child) = scope.child(name) {
            configuration_refs(&child, depth + 1, out);
        }
    }
}

/// The resources of `resource_changes` that exist after the plan (not deleted), each as a
/// planned resource: address, mode, type, name, and its values after the change.
fn resources_from_changes(plan: &Json) -> Vec<Json> {
    plan.get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter(|c| {
            let actions = c.pointer("/change/actions").and_then(Json::as_array);
            !actions.is_some_and(|a| a.len() == 1 && a[0] == "delete")
        })
        .map(|c| {
            let mut r = serde_json::Map::new();
            for k in ["address", "mode", "type", "name", "index"] {
                if let Some(v) = c.get(k) {
                    r.insert(k.to_owned(), v.clone());
                }
            }
            let after = c.pointer("/change/after").cloned().unwrap_or(Json::Null);
            r.insert("values".to_owned(), after);
            Json::Object(r)
        })
        .collect()
}

fn planned_resources<'a>(module: &'a Json, out: &mut Vec<&'a Json>) {
    out.extend(
        module
            .get("resources")
            .and_then(Json::as_array)
            .into_iter()
            .flatten(),
    );
    for m in module
        .get("child_modules")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        planned_resources(m, out);
    }
}

/// Where `"address"` first appears as a JSON string at or after `cursor` (for a finding's
/// line and column; a plan is often one line, and the column then finds it), else at or
/// after `from`. Resources are read in the order the text holds them, so the cursor moves
/// forward and the whole plan is scanned about once, not once per resource.
fn locate(text: &str, address: &str, from: usize, cursor: &mut usize) -> usize {
    let quoted = serde_json::to_string(address).unwrap_or_default();
    let find = |at: usize| text.get(at..).and_then(|t| t.find(&quoted)).map(|i| at + i);
    match find((*cursor).max(from)).or_else(|| find(from)) {
        Some(at) => {
            *cursor = at + quoted.len();
            at
        }
        None => 0,
    }
}

/// Builds the draft from a Terraform plan (or state) in JSON.
///
/// # Errors
/// The file is not valid JSON, or holds no resources.
pub fn import(sources: &[SourceFile], _limits: &Limits) -> Result<Draft, Box<ModelError>> {
    let src = &sources[0];
    let plan: Json = serde_json::from_str(&src.text).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        Box::new(
            ModelError::file(
                "import::json",
                &src.display,
                format!(
                    "`{}` is not valid JSON (line {line}, column {column}): {e}",
                    src.display
                ),
            )
            .with_help("write the plan with `terraform show -json plan.out > plan.json`"),
        )
    })?;
    let root = plan
        .pointer("/planned_values/root_module")
        .or_else(|| plan.pointer("/values/root_module"));
    let mut planned = Vec::new();
    if let Some(root) = root {
        planned_resources(root, &mut planned);
    }
    // A plan whose planned values were cut (trimmed for a bug report, or a tool that keeps
    // only the changes): the resources its changes leave in place, with their values after.
    let from_changes: Vec<Json> = if planned.is_empty() {
        resources_from_changes(&plan)
    } else {
        Vec::new()
    };
    planned.extend(from_changes.iter());
    let mut config_refs = BTreeMap::new();
    if let Some(c) = plan.pointer("/configuration/root_module") {
        let root = Scope {
            prefix: String::new(),
            module: c,
            call: None,
            parent: None,
        };
        configuration_refs(&root, 0, &mut config_refs);
    }
    // Blocks in the plan's order, instances folded.
    let mut blocks: Vec<Block> = Vec::new();
    let mut block_of: HashMap<String, usize> = HashMap::new();
    let values_at = text_offset_of_values(&src.text);
    let mut cursor = values_at;
    for r in planned {
        if r.get("mode").and_then(Json::as_str) == Some("data") {
            continue;
        }
        let (Some(address), Some(ty)) = (
            r.get("address").and_then(Json::as_str),
            r.get("type").and_then(Json::as_str),
        ) else {
            continue;
        };
        let base = block_address(address);
        let values = r.get("values").cloned().unwrap_or(Json::Null);
        if let Some(&i) = block_of.get(&base) {
            blocks[i].values.push(values);
            continue;
        }
        let (refs, keyed) = config_refs.remove(&base).unwrap_or_default();
        block_of.insert(base.clone(), blocks.len());
        blocks.push(Block {
            refs,
            keyed,
            offset: locate(&src.text, address, values_at, &mut cursor),
            address: base,
            ty: ty.to_owned(),
            values: vec![values],
        });
    }
    if blocks.is_empty() {
        return Err(Box::new(
            ModelError::file(
                "import::empty",
                &src.display,
                format!("`{}` plans no resources", src.display),
            )
            .with_help(
                "import the JSON of a plan that creates or keeps resources: `terraform plan -out plan.out && terraform show -json plan.out`",
            ),
        ));
    }
    Ok(Importer::new(blocks, &plan).run())
}

/// Where the planned values begin in the text (resource addresses also appear in
/// `resource_changes` and `configuration`; a finding points at the planned resource).
fn text_offset_of_values(text: &str) -> usize {
    text.find("\"planned_values\"")
        .or_else(|| text.find("\"values\""))
        .unwrap_or(0)
}

struct Importer {
    blocks: Vec<Block>,
    /// Block address → its place in `blocks`.
    block_at: HashMap<String, usize>,
    /// Component id → its place in `draft.components`, once every component is made.
    component_at: HashMap<String, usize>,
    draft: Draft,
    /// Availability zone name → domain id, in the order first seen.
    zones: std::cell::RefCell<Vec<String>>,
    /// Zones made up for single-zone resources whose zone the plan does not name (by the
    /// name used in `zones`): each is its own zone, labelled as not known.
    unnamed_zones: std::cell::RefCell<BTreeSet<String>>,
    region: Option<String>,
}

impl Importer {
    fn new(blocks: Vec<Block>, plan: &Json) -> Self {
        let region = plan
            .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
            .and_then(Json::as_str)
            .map(str::to_owned);
        let block_at = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.address.clone(), i))
            .collect();
        Importer {
            blocks,
            block_at,
            component_at: HashMap::new(),
            draft: Draft {
                name: "Terraform plan".to_owned(),
                ..Draft::default()
            },
            zones: std::cell::RefCell::new(Vec::new()),
            unnamed_zones: std::cell::RefCell::new(BTreeSet::new()),
            region,
        }
    }

    fn block(&self, address: &str) -> Option<&Block> {
        self.block_at.get(address).map(|&i| &self.blocks[i])
    }

    /// Indexes the components by id (after they are all made, before they are looked up).
    fn index_components(&mut self) {
        self.component_at = self
            .draft
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
    }

    fn component_mut(&mut self, id: &str) -> Option<&mut Element> {
        let i = *self.component_at.get(id)?;
        self.draft.components.get_mut(i)
    }

    /// The kind of the component `id`, if there is one.
    fn kind_of(&self, id: &str) -> Option<&Value> {
        let i = *self.component_at.get(id)?;
        self.draft.components.get(i)?.get("kind")
    }

    /// Availability zones a block is placed in: its own `availability_zone(s)`, and those of
    /// the subnets (directly, or through a subnet group or launch template) it refers to.
    fn zones_of(&self, b: &Block) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |z: &str| {
            if !z.is_empty() && !out.iter().any(|x| x == z) {
                out.push(z.to_owned());
            }
        };
        for v in &b.values {
            if let Some(z) = v.get("availability_zone").and_then(Json::as_str) {
                push(z);
            }
            for key in &ZONE_KEYS[1..] {
                for z in v
                    .get(key)
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                {
                    push(z);
                }
            }
        }
        for r in &b.refs {
            let Some(t) = self.block(r) else { continue };
            if t.ty == "aws_subnet" {
                for v in &t.values {
                    if let Some(z) = v.get("availability_zone").and_then(Json::as_str) {
                        push(z);
                    }
                }
            } else if matches!(
                t.ty.as_str(),
                "aws_db_subnet_group" | "aws_elasticache_subnet_group"
            ) {
                for z in self.zones_of(t) {
                    push(&z);
                }
            }
        }
        out
    }

    /// The domain ids of `zones`, each once (names alike once made safe are one zone).
    fn zone_ids(&self, zones: &[String]) -> Vec<String> {
        let mut seen = self.zones.borrow_mut();
        let mut ids: Vec<String> = Vec::with_capacity(zones.len());
        for z in zones {
            if !seen.contains(z) {
                seen.push(z.clone());
            }
            let id = safe_id(z);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    fn origin(&self, b: &Block) -> Option<Origin> {
        Some(Origin {
            file: 0,
            span: Span::new(b.offset, b.address.len() + 2),
        })
    }

    fn component(&self, b: &Block, kind: &str) -> Element {
        let mut c = Element::new(safe_id(&b.address));
        c.origin = self.origin(b);
        c.set("kind", Value::word(kind));
        let name = b
            .str("name")
            .or_else(|| b.str("identifier"))
            .or_else(|| b.str("bucket"))
            .or_else(|| b.str("replication_group_id"))
            .or_else(|| b.str("broker_name"))
            .or_else(|| b.str("alarm_name"))
            .or_else(|| b.first().pointer("/tags/Name").and_then(Json::as_str))
            .or_else(|| {
                // An autoscaling group's tags are a list of `{key, value}`.
                b.first()
                    .get("tags")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .find(|t| t.get("key").and_then(Json::as_str) == Some("Name"))
                    .and_then(|t| t.get("value"))
                    .and_then(Json::as_str)
            })
            .or_else(|| b.str("name_prefix"));
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            c.set("label", Value::str(n));
        }
        c
    }

    /// The zones of a managed service whose `nodes` nodes run in different zones: those the
    /// resource names itself, else the first `nodes` zones of its subnets, else (two or more
    /// nodes) the region's first; an assumption is said on the component, since the plan
    /// does not say which of its subnets' zones AWS picks.
    fn placed(&self, c: &mut Element, b: &Block, regional: &[String], nodes: usize) -> Vec<String> {
        let known = self.zones_of(b);
        let named = b.values.iter().any(|v| {
            ZONE_KEYS
                .iter()
                .any(|k| v.get(*k).is_some_and(|z| !z.is_null()))
        });
        if known.len() >= nodes {
            let kept = known[..nodes].to_vec();
            if known.len() > nodes && !named {
                c.note(format!(
                    "assumed: in {} (its subnets span {} zones; the plan does not say which AWS picks)",
                    kept.join(", "),
                    known.len()
                ));
            }
            return kept;
        }
        if nodes > 1 && known.len() < 2 && regional.len() >= 2 {
            let kept: Vec<String> = regional.iter().take(nodes).cloned().collect();
            c.note(format!(
                "assumed: in {} (its zones are not in the plan)",
                kept.join(", ")
            ));
            return kept;
        }
        if nodes == 1 && known.is_empty() {
            // One instance runs in one zone, named or not: without one, a single-zone
            // service would read as spanning several.
            if let Some(z) = regional.first() {
                c.note(format!("assumed: in {z} (its zone is not in the plan)"));
                return vec![z.clone()];
            }
            let z = format!("{}-zone", b.address);
            c.note("its zone is not in the plan: placed in a zone of its own (one zone, so a single point of failure); name it in `zones:`");
            self.unnamed_zones.borrow_mut().insert(z.clone());
            return vec![z];
        }
        known
    }

    /// The database a read replica copies: the id of a database in the plan, or the name
    /// its `replicate_source_db` gives when that is not in the plan. `None` for a primary.
    /// The source is a reference in the configuration when it is known only after apply.
    fn replica_source(&self, b: &Block) -> Option<Result<String, String>> {
        let is_db = |t: &Block| t.ty == "aws_db_instance" && t.address != b.address;
        let referenced = b
            .keyed
            .get("replicate_source_db")
            .into_iter()
            .flatten()
            .filter_map(|r| self.block(r))
            .find(|t| is_db(t));
        if let Some(t) = referenced {
            return Some(Ok(safe_id(&t.address)));
        }
        let named = b.str("replicate_source_db").filter(|n| !n.is_empty())?;
        // An identifier, or an ARN ending in one (`arn:aws:rds:…:db:shop-db`).
        let identifier = named.rsplit(':').next().unwrap_or(named);
        let found = self
            .blocks
            .iter()
            .find(|t| is_db(t) && t.str("identifier") == Some(identifier));
        Some(found.map_or_else(|| Err(named.to_owned()), |t| Ok(safe_id(&t.address))))
    }

    /// A managed AWS service: its SLA, and the zones it spans (none known: regional, said).
    fn managed(&self, c: &mut Element, availability: f64, zones: &[String], sla: &str) {
        c.set("managed", Value::Bool(true));
        c.set("provider", Value::str("AWS"));
        c.set("availability", Value::Float(availability));
        c.note(format!("availability: {sla}"));
        if !zones.is_empty() {
            let ids = self.zone_ids(zones);
            c.set("zones", Value::words(ids));
        }
    }

    /// Every known zone of the region (a regional service spans them all).
    fn all_zones(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for b in &self.blocks {
            if b.ty == "aws_subnet" {
                for v in &b.values {
                    if let Some(z) = v.get("availability_zone").and_then(Json::as_str)
                        && !all.iter().any(|x| x == z)
                    {
                        all.push(z.to_owned());
                    }
                }
            }
        }
        all
    }

    #[allow(clippy::too_many_lines)]
    fn run(mut self) -> Draft {
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let mut apps: Vec<String> = Vec::new();
        let mut data: Vec<String> = Vec::new();
        let mut entries: Vec<String> = Vec::new();
        let mut cdns: Vec<String> = Vec::new();
        let mut monitors: Vec<usize> = Vec::new();
        let regional = self.all_zones();
        let log_sinks = self.log_sinks();
        let mut log_buckets: Vec<String> = Vec::new();
        for i in 0..self.blocks.len() {
            let b = &self.blocks[i];
            let ty = b.ty.clone();
            let instances = b.values.len();
            let mut c = match ty.as_str() {
                "aws_lb" | "aws_alb" | "aws_elb" => {
                    let mut c = self.component(b, "load_balancer");
                    let zones = self.zones_of(b);
                    let internal = b.bool("internal");
                    self.managed(&mut c, 99.99, &zones, "the ELB SLA (99.99%)");
                    if zones.is_empty() {
                        c.note("assumed: spans the zones of its subnets (not known in the plan); an ALB always spans at least two");
                    }
                    if internal {
                        c.note("internal: reached only from inside the VPC");
                    } else {
                        entries.push(c.id.clone());
                    }
                    c
                }
                "aws_autoscaling_group" | "aws_instance" => {
                    let mut c = self.component(b, "app_server");
                    let replicas = if ty == "aws_instance" {
                        i64::try_from(instances).unwrap_or(1)
                    } else {
                        b.int("desired_capacity")
                            .or_else(|| b.int("min_size"))
                            .unwrap_or(1)
                    };
                    if replicas < 1 {
                        c.note(format!("desired capacity {replicas}: nothing runs until it scales out; counted as one instance"));
                    }
                    let replicas = replicas.max(1);
                    let zones = self.zones_of(b);
                    if ty == "aws_autoscaling_group" {
                        c.note(format!(
                            "replicas: desired capacity {replicas} (min {}, max {})",
                            b.int("min_size").unwrap_or(0),
                            b.int("max_size").unwrap_or(0)
                        ));
                    }
                    if replicas > 1 {
                        c.set("replicas", Value::Int(replicas));
                        c.note("assumed: one instance carries the load (`min_healthy: 1`); say how many the peak needs");
                    }
                    if !zones.is_empty() {
                        // `spread` places the instances of a group: a single instance is a
                        // group of one, so its zone is said too.
                        if replicas <= 1 {
                            c.set("replicas", Value::Int(1));
                        }
                        let ids = self.zone_ids(&zones);
                        c.set("spread", Value::words(ids));
                    } else if replicas > 1 {
                        c.note("placement not known in the plan: assumed one zone");
                    }
                    apps.push(c.id.clone());
                    if ty == "aws_instance"
                        && b.first()
                            .get("associate_public_ip_address")
                            .and_then(Json::as_bool)
                            == Some(true)
                    {
                        c.note("has a public IP address");
                    }
                    c
                }
                "aws_db_instance" => {
                    let mut c = self.component(b, "database");
                    if let Some(e) = b.str("engine") {
                        c.set("software", Value::str(e));
                    }
                    let multi = b.bool("multi_az");
                    match self.replica_source(b) {
                        Some(Ok(primary)) => {
                            c.set("role", Value::word("replica"));
                            c.set("replica_of", Value::word(primary));
                        }
                        Some(Err(named)) => {
                            c.set("role", Value::word("primary"));
                            c.note(format!("a read replica of `{named}`, which is not in this plan: judged on its own"));
                        }
                        None => {
                            c.set("role", Value::word("primary"));
                        }
                    }
                    match b.first().get("backup_retention_period") {
                        Some(Json::Number(d)) if d.as_f64().is_some_and(|d| d > 0.0) => {
                            c.set("backup", Value::Bool(true));
                        }
                        Some(Json::Number(_)) => {
                            c.note("backup_retention_period is 0: no automated backups");
                        }
                        _ => {
                            // Left to AWS: the API's default keeps a day of automated backups.
                            c.set("backup", Value::Bool(true));
                            c.note("assumed: automated backups (backup_retention_period is not set; AWS's default keeps 1 day)");
                        }
                    }
                    let zones = self.placed(&mut c, b, &regional, if multi { 2 } else { 1 });
                    if multi {
                        self.managed(&mut c, 99.95, &zones, "the RDS Multi-AZ SLA (99.95%)");
                        c.set("failover", Value::word("automatic"));
                        c.note("multi_az: a standby in a second zone, promoted by RDS");
                    } else {
                        self.managed(&mut c, 99.5, &zones, "the RDS single-AZ SLA (99.5%)");
                        c.note("multi_az is not set: one instance in one zone");
                    }
                    data.push(c.id.clone());
                    c
                }
                "aws_rds_cluster" => {
                    let mut c = self.component(b, "database");
                    if let Some(e) = b.str("engine") {
                        c.set("software", Value::str(e));
                    }
                    let zones = self.zones_of(b);
                    c.set("role", Value::word("primary"));
                    self.managed(&mut c, 99.99, &zones, "the Aurora Multi-AZ SLA (99.99%)");
                    c.note("an Aurora cluster: multi-zone only when it has instances in two zones (not known from the cluster alone)");
                    data.push(c.id.clone());
                    c
                }
                "aws_elasticache_replication_group" | "aws_elasticache_cluster" => {
                    let mut c = self.component(b, "cache");
                    if let Some(e) = b.str("engine") {
                        c.set("software", Value::str(e));
                    }
                    let nodes = b
                        .int("num_cache_clusters")
                        .or_else(|| b.int("number_cache_clusters"))
                        .or_else(|| b.int("num_cache_nodes"))
                        .unwrap_or(1);
                    let multi = ty == "aws_elasticache_replication_group"
                        && nodes > 1
                        && (b.bool("automatic_failover_enabled") || b.bool("multi_az_enabled"));
                    if b.int("snapshot_retention_limit").is_some_and(|d| d > 0) {
                        c.set("backup", Value::Bool(true));
                    }
                    let in_zones = if multi {
                        usize::try_from(nodes).unwrap_or(2)
                    } else {
                        1
                    };
                    let zones = self.placed(&mut c, b, &regional, in_zones);
                    if multi {
                        self.managed(
                            &mut c,
                            99.99,
                            &zones,
                            "the ElastiCache Multi-AZ SLA (99.99%)",
                        );
                    } else {
                        self.managed(&mut c, 99.9, &zones, "the ElastiCache SLA (99.9%)");
                        c.note(
                            "no automatic failover to a replica in another zone: one node's zone",
                        );
                    }
                    data.push(c.id.clone());
                    c
                }
                "aws_s3_bucket" if log_sinks.contains_key(&b.address) => {
                    let from = &log_sinks[&b.address];
                    log_buckets.push(format!(
                        "bucket `{}`: receives the logs of `{from}`, off the request path",
                        b.address
                    ));
                    continue;
                }
                "aws_s3_bucket" => {
                    let mut c = self.component(b, "object_storage");
                    self.managed(&mut c, 99.9, &regional, "the S3 Standard SLA (99.9%)");
                    c.note("regional: stored across the region's zones");
                    data.push(c.id.clone());
                    c
                }
                "aws_sqs_queue" => {
                    let mut c = self.component(b, "queue");
                    self.managed(&mut c, 99.9, &regional, "the SQS SLA (99.9%)");
                    c.note("regional: stored across the region's zones");
                    data.push(c.id.clone());
                    c
                }
                "aws_mq_broker" => {
                    let mut c = self.component(b, "queue");
                    if let Some(e) = b.str("engine_type") {
                        c.set("software", Value::str(e));
                    }
                    let mode = b.str("deployment_mode").unwrap_or("SINGLE_INSTANCE");
                    // Active/standby: two brokers; a RabbitMQ cluster: three.
                    let brokers = match mode {
                        m if m.starts_with("CLUSTER") => 3,
                        m if m.contains("MULTI_AZ") => 2,
                        _ => 1,
                    };
                    let zones = self.placed(&mut c, b, &regional, brokers);
                    if brokers > 1 {
                        self.managed(&mut c, 99.9, &zones, "the Amazon MQ SLA (99.9%)");
                    } else {
                        self.managed(&mut c, 99.9, &zones, "the Amazon MQ SLA (99.9%)");
                        c.note(format!("deployment mode {mode}: one broker"));
                    }
                    data.push(c.id.clone());
                    c
                }
                "aws_cloudfront_distribution" => {
                    let mut c = self.component(b, "cdn");
                    self.managed(&mut c, 99.9, &[], "the CloudFront SLA (99.9%)");
                    let policy = b
                        .first()
                        .pointer("/default_cache_behavior/0/viewer_protocol_policy")
                        .and_then(Json::as_str)
                        .unwrap_or("");
                    if policy != "allow-all" {
                        c.set("certificate", Value::str("(CloudFront viewer certificate)"));
                    } else {
                        c.note("viewer_protocol_policy allow-all: plain HTTP is served");
                    }
                    cdns.push(c.id.clone());
                    c
                }
                "aws_route53_record" => {
                    let mut c = self.component(b, "dns");
                    self.managed(&mut c, 100.0, &[], "the Route 53 SLA (100%)");
                    c
                }
                "aws_cloudwatch_metric_alarm" => {
                    let mut c = self.component(b, "monitoring");
                    c.set("managed", Value::Bool(true));
                    c.set("provider", Value::str("AWS"));
                    c.note("a CloudWatch alarm: what it watches is read from its dimensions");
                    monitors.push(i);
                    c
                }
                "aws_security_group" => {
                    let mut c = self.component(b, "firewall");
                    if let Some(Value::Str(name)) = c.get("label").cloned() {
                        c.set("label", Value::str(format!("{name} (security group)")));
                    }
                    c.note("a security group: a rule set, not a failure unit");
                    c
                }
                t if FOLDED.contains(&t) => continue,
                t => {
                    *skipped.entry(t.to_owned()).or_default() += 1;
                    continue;
                }
            };
            if c.get("label").is_none() {
                c.set("label", Value::str(self.blocks[i].address.clone()));
            }
            self.draft.components.push(c);
        }
        self.distinct_labels();
        self.index_components();
        self.connect(&apps, &data, &cdns, &mut entries);
        for i in monitors {
            let b = &self.blocks[i];
            let id = safe_id(&b.address);
            let watched: Vec<String> = b
                .refs
                .iter()
                .map(|r| safe_id(r))
                .filter(|r| *r != id && self.has(r))
                .collect();
            if let Some(c) = self.component_mut(&id) {
                if watched.is_empty() {
                    c.note("its dimensions name nothing in the plan: say what it `monitors:`");
                } else {
                    c.set("monitors", Value::words(watched));
                }
            }
        }
        self.security_groups();
        self.domains();
        // The user and the ways in.
        let mut user = Element::new("user");
        user.set("kind", Value::word("client"));
        user.set("label", Value::str("Users"));
        self.draft.components.insert(0, user);
        let ways_in: Vec<String> = if cdns.is_empty() { entries } else { cdns };
        if ways_in.is_empty() {
            self.draft.notes.push(
                "no internet-facing load balancer or CloudFront distribution in the plan: say how users reach the application (a link from `user`)".to_owned(),
            );
        }
        for w in &ways_in {
            let tls = self
                .draft
                .components
                .iter()
                .any(|c| &c.id == w && c.get("certificate").is_some());
            let mut fields = vec![(
                "protocol".to_owned(),
                Value::word(if tls { "https" } else { "http" }),
            )];
            fields.push(("port".to_owned(), Value::Int(if tls { 443 } else { 80 })));
            self.draft.link(DraftLink {
                from: "user".to_owned(),
                to: w.clone(),
                fields,
                comment: None,
            });
        }
        self.draft.entry_journeys(&ways_in);
        self.draft.skipped.extend(log_buckets);
        for (ty, n) in skipped {
            self.draft.skipped.push(format!(
                "{n} resource{} of type {ty}",
                if n == 1 { "" } else { "s" }
            ));
        }
        self.draft
    }

    /// Buckets that receive logs (a flow log's destination, another bucket's or a load
    /// balancer's access logs, a trail's, a distribution's), with the first resource that
    /// sends them: not data the applications are assumed to use.
    fn log_sinks(&self) -> BTreeMap<String, String> {
        let mut sinks: BTreeMap<String, String> = BTreeMap::new();
        for b in &self.blocks {
            let keys: &[&str] = match b.ty.as_str() {
                "aws_flow_log" => &["log_destination"],
                "aws_s3_bucket" => &["logging"],
                "aws_s3_bucket_logging" => &["target_bucket"],
                "aws_lb" | "aws_alb" | "aws_elb" => &["access_logs"],
                "aws_cloudfront_distribution" => &["logging_config"],
                "aws_cloudtrail" => &["s3_bucket_name"],
                _ => continue,
            };
            for key in keys {
                for r in b.keyed.get(*key).into_iter().flatten() {
                    if *r != b.address && self.block(r).is_some_and(|t| t.ty == "aws_s3_bucket") {
                        sinks.entry(r.clone()).or_insert_with(|| b.address.clone());
                    }
                }
            }
        }
        sinks
    }

    /// How an application talks to a data store: the engine's protocol, HTTPS for AWS APIs.
    fn protocol_to(&self, address: &str) -> String {
        let Some(b) = self.block(address) else {
            return "tcp".to_owned();
        };
        let engine = b
            .str("engine")
            .or_else(|| b.str("engine_type"))
            .unwrap_or("");
        match b.ty.as_str() {
            "aws_s3_bucket" | "aws_sqs_queue" => "https",
            _ if engine.contains("postgres") => "postgres",
            _ if engine.contains("mysql") || engine.contains("mariadb") => "mysql",
            _ if engine.contains("redis") || engine.contains("valkey") => "redis",
            _ if engine.contains("memcached") => "memcached",
            _ => "tcp",
        }
        .to_owned()
    }

    /// Resources that share a name (one naming module tags a balancer, its group and an
    /// instance alike) get their type, then their address, after it: two boxes with one
    /// label cannot be told apart in a diagram.
    fn distinct_labels(&mut self) {
        let ty_of: HashMap<String, (&str, &str)> = self
            .blocks
            .iter()
            .map(|b| (safe_id(&b.address), (b.ty.as_str(), b.address.as_str())))
            .collect();
        for round in 0..2 {
            let mut count: HashMap<String, usize> = HashMap::new();
            for c in &self.draft.components {
                if let Some(Value::Str(l)) = c.get("label") {
                    *count.entry(l.clone()).or_default() += 1;
                }
            }
            for c in &mut self.draft.components {
                let Some(Value::Str(l)) = c.get("label") else {
                    continue;
                };
                if count.get(l).copied().unwrap_or(0) < 2 {
                    continue;
                }
                let Some(&(ty, address)) = ty_of.get(&c.id) else {
                    continue;
                };
                let what = if round == 0 {
                    ty.strip_prefix("aws_").unwrap_or(ty)
                } else {
                    address
                };
                let label = format!("{l} ({what})");
                c.set("label", Value::str(label));
            }
        }
    }

    fn has(&self, id: &str) -> bool {
        self.component_at.contains_key(id)
    }

    /// Links from the configuration's references.
    fn connect(
        &mut self,
        apps: &[String],
        data: &[String],
        cdns: &[String],
        entries: &mut Vec<String>,
    ) {
        // Target group → its members (autoscaling groups and instances).
        let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for b in &self.blocks {
            match b.ty.as_str() {
                "aws_autoscaling_group" => {
                    for r in &b.refs {
                        if r.contains("target_group") {
                            members
                                .entry(r.clone())
                                .or_default()
                                .push(safe_id(&b.address));
                        }
                    }
                }
                "aws_lb_target_group_attachment"
                | "aws_alb_target_group_attachment"
                | "aws_autoscaling_attachment" => {
                    let tg = b.refs.iter().find(|r| r.contains("target_group"));
                    let m = b.refs.iter().find(|r| {
                        r.contains("aws_instance") || r.contains("aws_autoscaling_group")
                    });
                    if let (Some(tg), Some(m)) = (tg, m) {
                        members.entry(tg.clone()).or_default().push(safe_id(m));
                    }
                }
                _ => {}
            }
        }
        let mut links: Vec<(String, String, String)> = Vec::new();
        // Listeners: load balancer → the members of the target groups it forwards to.
        let mut listener_tls: Vec<String> = Vec::new();
        let mut health_checked: Vec<String> = Vec::new();
        for b in &self.blocks {
            if !matches!(
                b.ty.as_str(),
                "aws_lb_listener"
                    | "aws_alb_listener"
                    | "aws_lb_listener_rule"
                    | "aws_alb_listener_rule"
            ) {
                continue;
            }
            let lb = b.refs.iter().find(|r| {
                self.block(r)
                    .is_some_and(|t| matches!(t.ty.as_str(), "aws_lb" | "aws_alb"))
            });
            // A rule names its listener, which names the load balancer.
            let lb = lb.cloned().or_else(|| {
                b.refs
                    .iter()
                    .filter_map(|r| self.block(r))
                    .filter(|t| t.ty.ends_with("_listener"))
                    .flat_map(|t| t.refs.iter())
                    .find(|r| {
                        self.block(r)
                            .is_some_and(|t| matches!(t.ty.as_str(), "aws_lb" | "aws_alb"))
                    })
                    .cloned()
            });
            let Some(lb) = lb else { continue };
            if matches!(b.str("protocol"), Some("HTTPS" | "TLS")) {
                listener_tls.push(safe_id(&lb));
            }
            // Target groups check their members unless told not to.
            let checked = b.refs.iter().filter_map(|r| self.block(r)).any(|t| {
                t.ty.ends_with("_target_group")
                    && t.first()
                        .pointer("/health_check/0/enabled")
                        .and_then(Json::as_bool)
                        != Some(false)
            });
            if checked {
                health_checked.push(safe_id(&lb));
            }
            for r in &b.refs {
                for m in members.get(r).into_iter().flatten() {
                    links.push((safe_id(&lb), m.clone(), "http".to_owned()));
                }
            }
        }
        // Classic load balancers (`aws_elb`): members named by the balancer (`instances`), by
        // an autoscaling group (`load_balancers`), or by an attachment; listeners and the
        // health check are blocks of the balancer itself.
        let is_elb = |r: &String| self.block(r).is_some_and(|t| t.ty == "aws_elb");
        let is_member = |r: &String| {
            self.block(r)
                .is_some_and(|t| matches!(t.ty.as_str(), "aws_instance" | "aws_autoscaling_group"))
        };
        for b in &self.blocks {
            match b.ty.as_str() {
                "aws_elb" => {
                    let lb = safe_id(&b.address);
                    for m in b.keyed.get("instances").into_iter().flatten() {
                        if is_member(m) {
                            links.push((lb.clone(), safe_id(m), "http".to_owned()));
                        }
                    }
                    let listeners = b.first().get("listener").and_then(Json::as_array);
                    let tls = listeners.into_iter().flatten().any(|l| {
                        l.get("lb_protocol")
                            .and_then(Json::as_str)
                            .is_some_and(|p| {
                                p.eq_ignore_ascii_case("https") || p.eq_ignore_ascii_case("ssl")
                            })
                    });
                    if tls {
                        listener_tls.push(lb.clone());
                    }
                    let checks = b
                        .first()
                        .get("health_check")
                        .and_then(Json::as_array)
                        .is_some_and(|h| !h.is_empty());
                    if checks {
                        health_checked.push(lb);
                    }
                }
                "aws_autoscaling_group" => {
                    for lb in b.keyed.get("load_balancers").into_iter().flatten() {
                        if is_elb(lb) {
                            links.push((safe_id(lb), safe_id(&b.address), "http".to_owned()));
                        }
                    }
                }
                "aws_elb_attachment" | "aws_autoscaling_attachment" => {
                    let lb = b.refs.iter().find(|r| is_elb(r));
                    let m = b.refs.iter().find(|r| is_member(r));
                    if let (Some(lb), Some(m)) = (lb, m) {
                        links.push((safe_id(lb), safe_id(m), "http".to_owned()));
                    }
                }
                _ => {}
            }
        }
        for lb in listener_tls {
            if let Some(c) = self.component_mut(&lb) {
                c.set("certificate", Value::str("(HTTPS listener)"));
            }
        }
        // CloudFront origins, Route 53 aliases, and references from applications.
        let app_set: HashSet<&String> = apps.iter().collect();
        let data_set: HashSet<&String> = data.iter().collect();
        let cdn_set: HashSet<&String> = cdns.iter().collect();
        for b in &self.blocks {
            let from = safe_id(&b.address);
            let is_cdn = cdn_set.contains(&from);
            let is_dns = b.ty == "aws_route53_record";
            let is_app = app_set.contains(&from);
            if !(is_cdn || is_dns || is_app) {
                continue;
            }
            let mut targets: BTreeSet<String> = BTreeSet::new();
            for r in &b.refs {
                targets.insert(r.clone());
                // An autoscaling group's launch template is part of it.
                if let Some(t) = self.block(r)
                    && matches!(
                        t.ty.as_str(),
                        "aws_launch_template" | "aws_launch_configuration"
                    )
                {
                    targets.extend(t.refs.iter().cloned());
                }
            }
            for t in targets {
                let to = safe_id(&t);
                if to == from || !self.has(&to) {
                    continue;
                }
                if is_dns {
                    // (the field itself: `self.blocks` is borrowed by the loop)
                    let at = self.component_at.get(&from).copied();
                    if let Some(c) = at.and_then(|i| self.draft.components.get_mut(i)) {
                        let name = c.get("label").cloned().unwrap_or(Value::str(&from));
                        c.set(
                            "records",
                            Value::List(vec![Value::Map(vec![
                                ("name".to_owned(), name),
                                ("type".to_owned(), Value::word("ALIAS")),
                                ("target".to_owned(), Value::word(&to)),
                            ])]),
                        );
                    }
                    break;
                }
                if is_cdn {
                    links.push((from.clone(), to, "https".to_owned()));
                } else if data_set.contains(&to) {
                    let protocol = self.protocol_to(&t);
                    links.push((from.clone(), to, protocol));
                }
            }
        }
        // What the plan cannot say: which application calls which data store.
        let linked: HashSet<&String> = links.iter().map(|(_, to, _)| to).collect();
        for d in data {
            if linked.contains(d) {
                continue;
            }
            for a in apps {
                self.draft.link(DraftLink {
                    from: a.clone(),
                    to: d.clone(),
                    fields: vec![("protocol".to_owned(), Value::word("tcp"))],
                    comment: Some(
                        "assumed: the application uses it (a plan does not say who connects to what)"
                            .to_owned(),
                    ),
                });
            }
        }
        // An internal load balancer that a CDN reaches is a way in too, through the CDN.
        let behind_cdn: HashSet<&String> = links
            .iter()
            .filter(|(f, _, _)| cdn_set.contains(f))
            .map(|(_, t, _)| t)
            .collect();
        entries.retain(|e| !behind_cdn.contains(e));
        let mut pools: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (from, to, protocol) in links {
            if self.kind_of(&from) == Some(&Value::word("load_balancer")) {
                let p = pools.entry(from).or_default();
                if !p.contains(&to) {
                    p.push(to);
                }
                continue;
            }
            let tls = protocol == "https";
            let mut fields = vec![("protocol".to_owned(), Value::word(protocol))];
            if tls {
                fields.push(("tls".to_owned(), Value::Bool(true)));
            }
            self.draft.link(DraftLink {
                from,
                to,
                fields,
                comment: None,
            });
        }
        // Health checks describe a pool: a balancer whose members are not in the plan says so.
        for lb in health_checked {
            let has_pool = pools.contains_key(&lb);
            if let Some(c) = self.component_mut(&lb) {
                if has_pool {
                    c.set("health_checks", Value::Bool(true));
                } else {
                    c.note("its target group checks health, but what it holds is not in the plan");
                }
            }
        }
        let classic: HashSet<String> = self
            .blocks
            .iter()
            .filter(|b| b.ty == "aws_elb")
            .map(|b| safe_id(&b.address))
            .collect();
        for (lb, pool) in pools {
            let classic = classic.contains(&lb);
            if let Some(c) = self.component_mut(&lb) {
                c.set("pool", Value::words(pool));
                c.note(if classic {
                    "assumed: least outstanding requests (a Classic Load Balancer's default on HTTP; round robin on TCP)"
                } else {
                    "assumed: round robin (a target group's default)"
                });
            }
        }
    }

    /// What every security group protects: the components that name it, directly or through
    /// the launch template of an autoscaling group (firewalls and DNS records aside), in the
    /// plan's order. One pass over the blocks, not one per group.
    fn protected_by_group(&self) -> HashMap<&str, Vec<String>> {
        let mut protects: HashMap<&str, Vec<String>> = HashMap::new();
        for b in &self.blocks {
            let own = safe_id(&b.address);
            let protectable = self
                .kind_of(&own)
                .is_some_and(|k| !matches!(k, Value::Word(k) if k == "firewall" || k == "dns"));
            if !protectable {
                continue;
            }
            let templates = b.refs.iter().filter_map(|r| self.block(r)).filter(|t| {
                matches!(
                    t.ty.as_str(),
                    "aws_launch_template" | "aws_launch_configuration"
                )
            });
            let named: BTreeSet<&str> = b
                .refs
                .iter()
                .chain(templates.flat_map(|t| t.refs.iter()))
                .map(String::as_str)
                .filter(|sg| *sg != b.address)
                .collect();
            for sg in named {
                let list = protects.entry(sg).or_default();
                if !list.contains(&own) {
                    list.push(own.clone());
                }
            }
        }
        protects
    }

    /// The ingress rules of every security group: its own `ingress` blocks, then the
    /// separate rule resources naming it, each with the group its traffic comes from.
    fn ingress_by_group(&self) -> HashMap<&str, Vec<(&Json, Option<&str>)>> {
        let mut rules: HashMap<&str, Vec<(&Json, Option<&str>)>> = HashMap::new();
        for b in self.blocks.iter().filter(|b| b.ty == "aws_security_group") {
            let own = rules.entry(b.address.as_str()).or_default();
            own.extend(
                b.first()
                    .get("ingress")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .map(|r| (r, None)),
            );
        }
        for b in &self.blocks {
            let separate = (b.ty == "aws_security_group_rule" && b.str("type") == Some("ingress"))
                || b.ty == "aws_vpc_security_group_ingress_rule";
            if !separate {
                continue;
            }
            let source = ["source_security_group_id", "referenced_security_group_id"]
                .iter()
                .filter_map(|k| b.keyed.get(*k))
                .flatten()
                .next()
                .map(String::as_str);
            for sg in b.keyed.get("security_group_id").into_iter().flatten() {
                rules
                    .entry(sg.as_str())
                    .or_default()
                    .push((b.first(), source));
            }
        }
        rules
    }

    /// Security groups: what they protect (the components that name them) and their ingress.
    fn security_groups(&mut self) {
        let protects_of = self.protected_by_group();
        let ingress_of = self.ingress_by_group();
        // Per group: its id, what it protects, its ingress, the sources left out.
        let mut settings: Vec<GroupSettings> = Vec::new();
        for b in self.blocks.iter().filter(|b| b.ty == "aws_security_group") {
            let sg = b.address.as_str();
            let protects = protects_of.get(sg).cloned().unwrap_or_default();
            let mut allow: Vec<Value> = Vec::new();
            let mut unread: Vec<String> = Vec::new();
            let mut left_out: Vec<String> = Vec::new();
            for (r, source_group) in ingress_of.get(sg).into_iter().flatten() {
                let from_port = r.get("from_port").and_then(Json::as_i64);
                let protocol = r
                    .get("protocol")
                    .or_else(|| r.get("ip_protocol"))
                    .and_then(Json::as_str)
                    .unwrap_or("tcp");
                // Protocol -1 (or ports 0 to 0) is every port: the model lists ports, so such
                // a rule is said in a comment, not turned into a port it does not name.
                let port = match from_port {
                    Some(p @ 1..=65_535) if !matches!(protocol, "-1" | "all") => p,
                    _ => {
                        let what = if matches!(protocol, "-1" | "all") || from_port == Some(0) {
                            "every port (protocol -1)".to_owned()
                        } else {
                            match from_port {
                                Some(p) => format!("port {p} (not a port)"),
                                None => "no port".to_owned(),
                            }
                        };
                        if !left_out.contains(&what) {
                            left_out.push(what);
                        }
                        continue;
                    }
                };
                let mut sources: Vec<String> = Vec::new();
                let mut cidr = |c: &str| {
                    if c == "0.0.0.0/0" || c == "::/0" {
                        sources.push("internet".to_owned());
                    } else if is_cidr(c) {
                        sources.push(c.to_owned());
                    } else if !unread.iter().any(|u| u == c) {
                        unread.push(c.to_owned());
                    }
                };
                for key in ["cidr_blocks", "ipv6_cidr_blocks"] {
                    r.get(key)
                        .and_then(Json::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Json::as_str)
                        .for_each(&mut cidr);
                }
                for key in ["cidr_ipv4", "cidr_ipv6"] {
                    if let Some(c) = r.get(key).and_then(Json::as_str) {
                        cidr(c);
                    }
                }
                if let Some(src) = source_group.filter(|_| r.is_object()) {
                    sources.extend(protects_of.get(src).into_iter().flatten().cloned());
                }
                sources.dedup();
                for s in sources {
                    let v = Value::Map(vec![
                        ("port".to_owned(), Value::Int(port)),
                        ("from".to_owned(), Value::word(s)),
                    ]);
                    if !allow.contains(&v) {
                        allow.push(v);
                    }
                }
            }
            settings.push(GroupSettings {
                id: safe_id(sg),
                protects,
                allow,
                unread,
                left_out,
            });
        }
        drop((protects_of, ingress_of));
        let mut unattached: HashSet<String> = HashSet::new();
        for GroupSettings {
            id,
            protects,
            allow,
            unread,
            left_out,
        } in settings
        {
            let Some(c) = self.component_mut(&id) else {
                continue;
            };
            for u in unread {
                c.note(format!("ingress from `{u}` left out: not an address range"));
            }
            for w in left_out {
                c.note(format!(
                    "ingress on {w} left out: the model lists ports; add the ones it admits to `allow`"
                ));
            }
            if protects.is_empty() {
                c.note("protects nothing the plan shows");
            } else {
                c.set("protects", Value::words(protects));
            }
            if !allow.is_empty() {
                c.set("allow", Value::List(allow));
            }
        }
        // A security group that protects nothing is not part of the design.
        for c in &self.draft.components {
            if c.get("kind") == Some(&Value::word("firewall")) && c.get("protects").is_none() {
                unattached.insert(c.id.clone());
                self.draft.skipped.push(format!(
                    "security group `{}`: attached to nothing in the plan",
                    c.id
                ));
            }
        }
        self.draft
            .components
            .retain(|c| !unattached.contains(&c.id));
        self.index_components();
    }

    /// The region and the zones components were placed in.
    fn domains(&mut self) {
        let zones = self.zones.borrow().clone();
        let unnamed = self.unnamed_zones.borrow().clone();
        if zones.is_empty() {
            return;
        }
        let named_zone = zones.iter().find(|z| !unnamed.contains(*z));
        let region = self.region.clone().or_else(|| {
            // us-east-1a → us-east-1
            named_zone.map(|z| {
                z.trim_end_matches(|c: char| c.is_ascii_lowercase())
                    .to_owned()
            })
        });
        let (rid, region) = match region {
            Some(r) => (safe_id(&r), r),
            None => (
                "aws-region".to_owned(),
                "region (not in the plan)".to_owned(),
            ),
        };
        let mut r = Element::new(rid.clone());
        r.set("kind", Value::word("region"));
        r.set("label", Value::str(&region));
        self.draft.domains.push(r);
        for z in zones {
            // Zone names alike once made safe, or a zone named as the region, are one domain.
            let id = safe_id(&z);
            if self.draft.domains.iter().any(|d| d.id == id) {
                continue;
            }
            let mut d = Element::new(id);
            d.set("kind", Value::word("zone"));
            d.set("parent", Value::word(&rid));
            if unnamed.contains(&z) {
                let of = z.strip_suffix("-zone").unwrap_or(&z);
                d.set(
                    "label",
                    Value::str(format!("zone of {of} (not in the plan)")),
                );
            } else {
                d.set("label", Value::str(&z));
            }
            self.draft.domains.push(d);
        }
    }
}
