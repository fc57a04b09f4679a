//! `archdoc lsp` driven over stdio as an editor drives it: initialize, open a model with a
//! single point of failure, read its diagnostic at the right range, go to the definition of a
//! pool member, complete a host id, shut down.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdout, Command, Stdio};

use serde_json::{Value, json};

fn send(w: &mut impl Write, msg: &Value) {
    let body = msg.to_string();
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    w.flush().unwrap();
}

fn recv(r: &mut BufReader<ChildStdout>) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        assert!(
            r.read_line(&mut line).unwrap() > 0,
            "the server closed its output"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Reads messages until the response to request `id`.
fn response(r: &mut BufReader<ChildStdout>, id: i64) -> Value {
    loop {
        let m = recv(r);
        if m.get("id") == Some(&json!(id)) {
            return m;
        }
    }
}

const MODEL: &str = "\
name: shop
hosts:
  lb-1: {}
  web-1: {}
  web-2: {}
components:
  user: { kind: client }
  haproxy: { kind: load_balancer, host: lb-1, pool: [web-a, web-b] }
  web-a: { kind: web_server, host: web-1 }
  web-b: { kind: web_server, host: web-2 }
links:
  - { from: user, to: haproxy, protocol: https, port: 443 }
";

#[test]
fn an_editor_session() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut w = child.stdin.take().unwrap();
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let uri = "file:///project/models/shop.yaml";

    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": null, "rootUri": null}}),
    );
    let init = response(&mut r, 1);
    assert_eq!(
        init["result"]["capabilities"]["definitionProvider"],
        json!(true),
        "{init}"
    );
    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );

    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": MODEL}}}),
    );
    let diags = loop {
        let m = recv(&mut r);
        if m["method"] == "textDocument/publishDiagnostics" {
            break m;
        }
    };
    let list = diags["params"]["diagnostics"].as_array().unwrap();
    let spof = list
        .iter()
        .find(|d| {
            d["code"] == "single-point-of-failure"
                && d["message"].as_str().unwrap().starts_with("`haproxy`")
        })
        .unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(spof["severity"], json!(1));
    // `haproxy` is declared on line 7 (0-based), columns 2..9.
    assert_eq!(
        spof["range"]["start"],
        json!({"line": 7, "character": 2}),
        "{spof}"
    );
    assert_eq!(
        spof["range"]["end"],
        json!({"line": 7, "character": 9}),
        "{spof}"
    );

    // Go to the definition of the pool member `web-b` (line 7, inside `[web-a, web-b]`).
    let col = MODEL.lines().nth(7).unwrap().find("web-b").unwrap();
    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/definition", "params": {"textDocument": {"uri": uri}, "position": {"line": 7, "character": col + 1}}}),
    );
    let def = response(&mut r, 2);
    assert_eq!(
        def["result"]["range"]["start"],
        json!({"line": 9, "character": 2}),
        "{def}"
    );

    // Complete the host of `web-a`: after `host: `.
    let col = MODEL.lines().nth(8).unwrap().find("web-1").unwrap();
    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": 8, "character": col}}}),
    );
    let done = response(&mut r, 3);
    let labels: Vec<&str> = done["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["lb-1", "web-1", "web-2"], "{done}");

    // Hover on a rule id in a comment or an ignore entry shows the rule's docs.
    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 7, "character": 4}}}),
    );
    let hover = response(&mut r, 4);
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("single-point-of-failure"),
        "{hover}"
    );

    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "id": 5, "method": "shutdown", "params": null}),
    );
    let _ = response(&mut r, 5);
    send(
        &mut w,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    drop(w);
    assert!(child.wait().unwrap().success());
}
