//! A generator of realistic web-infrastructure models of any size, deterministic from a seed.
//!
//! The model is a front tier (a VIP over two load balancers) over `cells`, each cell being a
//! small site of its own: a VIP over two HAProxy, web servers with their app servers and files,
//! a cache, a MySQL primary and replica with automatic failover, host firewalls and monitoring
//! agents, spread over two zones. About 30 components per cell.

/// The YAML of a model with roughly `components` components.
pub(crate) fn model(components: usize, seed: u64) -> String {
    let mut rng = seed | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let cells = (components / 30).max(1);
    let mut s = String::with_capacity(components * 160);
    s.push_str(&format!(
        "name: generated-{components}\ndescription: A generated model of {cells} cells.\ndomains:\n"
    ));
    s.push_str("  zone-a: { kind: zone }\n  zone-b: { kind: zone }\n");
    let mut hosts = String::from(
        "hosts:\n  front-a: { domain: zone-a, public: true }\n  front-b: { domain: zone-b, public: true }\n",
    );
    let mut comps = String::from(
        "components:\n  user: { kind: client }\n  dns:\n    kind: dns\n    records: [{ name: www.example.com, target: front-vip }]\n  monitoring: { kind: monitoring, software: Prometheus }\n",
    );
    comps.push_str("  front-vip: { kind: virtual_ip, members: [front-lb-a, front-lb-b], failover: automatic }\n");
    let mut links = String::from(
        "links:\n  - { from: user, to: front-vip, protocol: http, port: 443, tls: true }\n",
    );
    let vips: Vec<String> = (0..cells).map(|c| format!("c{c}-vip")).collect();
    for side in ["a", "b"] {
        comps.push_str(&format!(
            "  front-lb-{side}: {{ kind: load_balancer, software: HAProxy, host: front-{side}, health_checks: true, certificate: www.example.com, pool: [{}], backend: {{ protocol: http, port: 443, tls: true }} }}\n",
            vips.join(", ")
        ));
        comps.push_str(&format!(
            "  front-{side}-fw: {{ kind: firewall, host: front-{side}, allow: [443] }}\n"
        ));
        comps.push_str(&format!("  front-{side}-agent: {{ kind: monitoring, role: agent, host: front-{side}, reports_to: monitoring }}\n"));
    }
    for c in 0..cells {
        let webs = 2 + (next() % 3) as usize;
        let p = format!("c{c}");
        comps.push_str(&format!("  {p}-vip: {{ kind: virtual_ip, members: [{p}-lb-a, {p}-lb-b], failover: automatic }}\n"));
        let web_ids: Vec<String> = (0..webs).map(|w| format!("{p}-nginx-{w}")).collect();
        for side in ["a", "b"] {
            hosts.push_str(&format!("  {p}-lbh-{side}: {{ domain: zone-{side} }}\n  {p}-db-{side}: {{ domain: zone-{side} }}\n"));
            comps.push_str(&format!(
                "  {p}-lb-{side}: {{ kind: load_balancer, software: HAProxy, host: {p}-lbh-{side}, algorithm: round_robin, health_checks: true, pool: [{}], backend: {{ protocol: http, port: 443, tls: true }} }}\n",
                web_ids.join(", ")
            ));
            for h in [format!("{p}-lbh-{side}"), format!("{p}-db-{side}")] {
                comps.push_str(&format!("  {h}-fw: {{ kind: firewall, host: {h}, allow: [443, 3306] }}\n  {h}-agent: {{ kind: monitoring, role: agent, host: {h}, reports_to: monitoring }}\n"));
            }
        }
        comps.push_str(&format!("  {p}-mysql-a: {{ kind: database, software: MySQL, host: {p}-db-a, failover: automatic }}\n"));
        comps.push_str(&format!("  {p}-mysql-b: {{ kind: database, software: MySQL, host: {p}-db-b, replica_of: {p}-mysql-a, replication: semi_sync }}\n"));
        hosts.push_str(&format!("  {p}-cache: {{ domain: zone-a }}\n"));
        comps.push_str(&format!("  {p}-redis: {{ kind: cache, software: Redis, host: {p}-cache }}\n  {p}-cache-agent: {{ kind: monitoring, role: agent, host: {p}-cache, reports_to: monitoring }}\n"));
        for w in 0..webs {
            let h = format!("{p}-web-{w}");
            let zone = if w % 2 == 0 { "a" } else { "b" };
            hosts.push_str(&format!("  {h}: {{ domain: zone-{zone} }}\n"));
            comps.push_str(&format!(
                "  {p}-nginx-{w}: {{ kind: web_server, software: Nginx, host: {h} }}\n  {p}-app-{w}: {{ kind: app_server, host: {h} }}\n  {p}-files-{w}: {{ kind: app_files, host: {h} }}\n  {h}-fw: {{ kind: firewall, host: {h}, allow: [443] }}\n  {h}-agent: {{ kind: monitoring, role: agent, host: {h}, reports_to: monitoring }}\n"
            ));
            links.push_str(&format!(
                "  - {{ from: {p}-nginx-{w}, to: {p}-app-{w}, protocol: http, port: 8000 }}\n"
            ));
            links.push_str(&format!(
                "  - {{ from: {p}-app-{w}, to: {p}-files-{w}, protocol: file }}\n"
            ));
            links.push_str(&format!("  - {{ from: {p}-app-{w}, to: {p}-mysql-a, protocol: mysql, port: 3306, tls: true }}\n"));
            links.push_str(&format!("  - {{ from: {p}-app-{w}, to: {p}-mysql-b, protocol: mysql, port: 3306, tls: true }}\n"));
            links.push_str(&format!("  - {{ from: {p}-app-{w}, to: {p}-redis, protocol: redis, port: 6379, tls: true, optional: true }}\n"));
        }
    }
    s.push_str(&hosts);
    s.push_str(&comps);
    s.push_str(&links);
    s
}
