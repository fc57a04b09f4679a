//! `archdoc lsp`: a language server over stdio (lsp-server, rust-analyzer's transport). The
//! answers come from `archdoc::editor`; this file only speaks the protocol.

use std::collections::HashMap;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{Completion, GotoDefinition, HoverRequest, References, Request as _};
use serde_json::{Value, json};

use archdoc::editor::{self, Position};
use archdoc::lint::Severity;

use super::{EXIT_TROUBLE, err};

fn capabilities() -> Value {
    json!({
        "textDocumentSync": 1,
        "definitionProvider": true,
        "referencesProvider": true,
        "hoverProvider": true,
        "completionProvider": { "triggerCharacters": [":", " ", "[", ","] }
    })
}

fn lsp_range(r: editor::Range) -> Value {
    json!({
        "start": { "line": r.start.line, "character": r.start.column },
        "end": { "line": r.end.line, "character": r.end.column },
    })
}

/// The file name a document's URI stands for, for messages.
fn display_name(uri: &str) -> String {
    uri.strip_prefix("file://").unwrap_or(uri).to_owned()
}

/// Checks the document, sends its diagnostics, and keeps them for hover.
fn publish(conn: &Connection, uri: &str, text: &str) -> Vec<editor::Diagnostic> {
    let found = editor::diagnostics(text, &display_name(uri));
    let diags: Vec<Value> = found
        .iter()
        .map(|d| {
            json!({
                "range": lsp_range(d.range),
                "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2, Severity::Info => 3 },
                "code": d.code,
                "source": "archdoc",
                "message": d.message,
            })
        })
        .collect();
    let _ = conn.sender.send(Message::Notification(Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        json!({ "uri": uri, "diagnostics": diags }),
    )));
    found
}

/// An open document: its text and the diagnostics last published for it.
struct Document {
    text: String,
    diagnostics: Vec<editor::Diagnostic>,
}

/// The document and position a request is about.
fn at(params: &Value) -> Option<(String, Position)> {
    let uri = params.pointer("/textDocument/uri")?.as_str()?.to_owned();
    let line = usize::try_from(params.pointer("/position/line")?.as_u64()?).ok()?;
    let column = usize::try_from(params.pointer("/position/character")?.as_u64()?).ok()?;
    Some((uri, Position { line, column }))
}

fn answer(docs: &HashMap<String, Document>, req: &Request) -> Value {
    let Some((uri, pos)) = at(&req.params) else {
        return Value::Null;
    };
    let Some(doc) = docs.get(&uri) else {
        return Value::Null;
    };
    let text = &doc.text;
    match req.method.as_str() {
        GotoDefinition::METHOD => editor::definition(text, pos).map_or(
            Value::Null,
            |r| json!({ "uri": uri, "range": lsp_range(r) }),
        ),
        References::METHOD => Value::Array(
            editor::references(text, pos)
                .into_iter()
                .map(|r| json!({ "uri": uri, "range": lsp_range(r) }))
                .collect(),
        ),
        HoverRequest::METHOD => editor::hover(text, &doc.diagnostics, pos).map_or(
            Value::Null,
            |md| json!({ "contents": { "kind": "markdown", "value": md } }),
        ),
        Completion::METHOD => Value::Array(
            editor::completions(text, pos)
                .into_iter()
                .map(|c| json!({ "label": c.label, "detail": c.detail, "kind": 12 }))
                .collect(),
        ),
        _ => Value::Null,
    }
}

fn serve(conn: &Connection) -> Result<(), String> {
    let (id, _params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let result = json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "archdoc", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut docs: HashMap<String, Document> = HashMap::new();
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let known = matches!(
                    req.method.as_str(),
                    GotoDefinition::METHOD
                        | References::METHOD
                        | HoverRequest::METHOD
                        | Completion::METHOD
                );
                let resp = if known {
                    Response::new_ok(req.id.clone(), answer(&docs, &req))
                } else {
                    Response::new_err(
                        req.id.clone(),
                        lsp_server::ErrorCode::MethodNotFound as i32,
                        format!("archdoc does not answer `{}`", req.method),
                    )
                };
                let _ = conn.sender.send(Message::Response(resp));
            }
            Message::Notification(n) => match n.method.as_str() {
                DidOpenTextDocument::METHOD | DidChangeTextDocument::METHOD => {
                    let uri = n
                        .params
                        .pointer("/textDocument/uri")
                        .and_then(Value::as_str);
                    // Full sync: an open carries the text, a change carries it whole as its
                    // last content change.
                    let text = n
                        .params
                        .pointer("/textDocument/text")
                        .or_else(|| {
                            n.params
                                .get("contentChanges")
                                .and_then(Value::as_array)
                                .and_then(|c| c.last())
                                .and_then(|c| c.get("text"))
                        })
                        .and_then(Value::as_str);
                    if let (Some(uri), Some(text)) = (uri, text) {
                        let diagnostics = publish(conn, uri, text);
                        docs.insert(
                            uri.to_owned(),
                            Document {
                                text: text.to_owned(),
                                diagnostics,
                            },
                        );
                    }
                }
                DidCloseTextDocument::METHOD => {
                    if let Some(uri) = n
                        .params
                        .pointer("/textDocument/uri")
                        .and_then(Value::as_str)
                    {
                        docs.remove(uri);
                        let _ = conn.sender.send(Message::Notification(Notification::new(
                            PublishDiagnostics::METHOD.to_owned(),
                            json!({ "uri": uri, "diagnostics": [] }),
                        )));
                    }
                }
                _ => {}
            },
            Message::Response(_) => {}
        }
    }
    Ok(())
}

pub(crate) fn run() -> u8 {
    let (conn, io) = Connection::stdio();
    let result = serve(&conn);
    drop(conn); // closes the writer, so everything sent is flushed before exit
    let _ = io.join();
    match result {
        Ok(()) => 0,
        Err(e) => {
            err(&format!("archdoc lsp: {e}\n"));
            EXIT_TROUBLE
        }
    }
}
