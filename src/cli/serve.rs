//! `archdoc serve`: the site on 127.0.0.1, rebuilt on every change and reloaded in the
//! browser. Built on well-kept crates rather than by hand: hyper (bounded request heads,
//! header timeouts) with axum and tower-http's `ServeDir` (paths, types, ranges), a Host check
//! that admits only the loopback names (no DNS rebinding), a cap on open connections, and
//! `notify` with a debouncer so one save is one rebuild. Live reload is pushed over
//! server-sent events.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{Notify, Semaphore, watch};

use super::err;

/// The script added to every served page: reload when the server says the site changed.
pub(crate) const RELOAD_SCRIPT: &str = "(function(){if(!window.EventSource){return;}var s=new EventSource('/__archdoc/events');var v=null;s.onmessage=function(e){if(v!==null&&e.data!==v){location.reload();}v=e.data;};})();";

/// The largest request head (request line and headers) read from a client.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a client may take to send its request head, and how long an idle connection
/// stays open.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
struct Shared {
    version: watch::Receiver<u64>,
}

/// Only requests addressed to the loopback names are answered: a page on another site that
/// rebinds its DNS name to 127.0.0.1 sends its own name as `Host`.
fn host_is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(n, _)| n)
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "::1"
    )
}

async fn host_check(req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(host_is_loopback);
    if !ok {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            "archdoc serve answers only requests for 127.0.0.1 or localhost\n",
        )
            .into_response();
    }
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn version(State(s): State<Shared>) -> impl IntoResponse {
    let v = *s.version.borrow();
    ([(header::CONTENT_TYPE, "text/plain")], v.to_string())
}

async fn events(State(s): State<Shared>) -> Response {
    use futures_util::StreamExt;
    let stream = tokio_stream::wrappers::WatchStream::new(s.version.clone())
        .map(|v| Ok::<_, Infallible>(format!("data: {v}\n\n")));
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn router(out: &Path, version: watch::Receiver<u64>) -> Router {
    Router::new()
        .route("/__archdoc/version", get(version_route))
        .route("/__archdoc/events", get(events))
        .fallback_service(tower_http::services::ServeDir::new(out))
        .with_state(Shared { version })
        .layer(middleware::from_fn(host_check))
}

async fn version_route(s: State<Shared>) -> impl IntoResponse {
    version(s).await
}

/// The most connections open at once, whatever the file limit.
const MAX_CONNECTIONS: usize = 8192;

/// How many connections may be open at once: well under the process's file limit, so the
/// server never runs out of descriptors for the files it serves.
fn connection_cap() -> usize {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we own and reads nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut lim) } == 0 {
            let soft = usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX);
            return soft.saturating_sub(64).clamp(16, MAX_CONNECTIONS);
        }
    }
    512
}

/// One open connection, as the accept loop sees it.
struct Slot {
    /// Whether a request has come in on it (a connection that never sent one is a client
    /// that only holds a place: idle, or too slow to finish its request head).
    asked: Arc<AtomicBool>,
    /// Set when it has closed.
    closed: Arc<AtomicBool>,
    /// Closes it.
    close: Arc<Notify>,
}

/// The open connections, oldest first.
#[derive(Default)]
struct Slots(Mutex<VecDeque<Slot>>);

impl Slots {
    /// Closes the oldest connection that has not sent a request, so a place is free for a
    /// real one; true when there was one. (Closed connections are forgotten on the way.)
    fn close_oldest_silent(&self) -> bool {
        let Ok(mut slots) = self.0.lock() else {
            return false;
        };
        slots.retain(|s| !s.closed.load(Ordering::Relaxed));
        let Some(i) = slots.iter().position(|s| !s.asked.load(Ordering::Relaxed)) else {
            return false;
        };
        if let Some(slot) = slots.remove(i) {
            slot.close.notify_one();
        }
        true
    }

    fn add(&self, slot: Slot) {
        if let Ok(mut slots) = self.0.lock() {
            if slots.len() > 4 * MAX_CONNECTIONS {
                slots.retain(|s| !s.closed.load(Ordering::Relaxed));
            }
            slots.push_back(slot);
        }
    }
}

/// Serves `out` on `listener` until the process ends; `version` changes when the site was
/// rebuilt. When every place is taken, the oldest connection that has not sent a request
/// is closed for the newcomer: idle connections cannot lock real requests out (they would
/// otherwise hold their places until the head timeout).
pub(crate) fn run_server(
    listener: std::net::TcpListener,
    out: PathBuf,
    version: watch::Receiver<u64>,
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let app = router(&out, version);
        let permits = Arc::new(Semaphore::new(connection_cap()));
        let slots = Arc::new(Slots::default());
        loop {
            let (stream, _addr): (tokio::net::TcpStream, SocketAddr) = match listener.accept().await
            {
                Ok(x) => x,
                Err(_) => {
                    // Out of descriptors or a connection reset before accept: wait and go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let permit = match Arc::clone(&permits).try_acquire_owned() {
                Ok(p) => p,
                Err(_) => {
                    slots.close_oldest_silent();
                    let Ok(p) = Arc::clone(&permits).acquire_owned().await else {
                        return Ok(());
                    };
                    p
                }
            };
            let asked = Arc::new(AtomicBool::new(false));
            let closed = Arc::new(AtomicBool::new(false));
            let close = Arc::new(Notify::new());
            slots.add(Slot {
                asked: Arc::clone(&asked),
                closed: Arc::clone(&closed),
                close: Arc::clone(&close),
            });
            let noted = tower::ServiceExt::map_request(
                app.clone(),
                move |req: hyper::Request<hyper::body::Incoming>| {
                    asked.store(true, Ordering::Relaxed);
                    req
                },
            );
            let service = hyper_util::service::TowerToHyperService::new(noted);
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEAD_TIMEOUT)
                    .max_buf_size(MAX_HEAD_BYTES)
                    .keep_alive(true)
                    .serve_connection(io, service);
                tokio::select! {
                    _ = conn => {}
                    () = close.notified() => {}
                }
                closed.store(true, Ordering::Relaxed);
                drop(permit);
            });
        }
    })
}

/// Watches `paths` (files or directories) and calls `changed` with the paths of each burst of
/// changes, once per burst, leaving out anything under `ignore_under` or named by
/// `ignore_name`; returns when `changed` returns false.
pub(crate) fn watch_changes(
    paths: &[PathBuf],
    ignore_under: &Path,
    ignore_name: &dyn Fn(&str) -> bool,
    mut changed: impl FnMut(Vec<PathBuf>) -> bool,
) -> Result<(), String> {
    use notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(150), None, tx)
        .map_err(|e| format!("cannot watch files: {e}"))?;
    let mut watching = 0;
    for p in paths {
        if p.exists() && debouncer.watch(p, RecursiveMode::Recursive).is_ok() {
            watching += 1;
        }
    }
    if watching == 0 {
        err("warning: nothing to watch; edits will not rebuild the site\n");
    }
    for result in rx {
        let Ok(events) = result else {
            continue;
        };
        let mut paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            .flat_map(|e| e.event.paths.clone())
            .filter(|p| {
                !p.starts_with(ignore_under)
                    && !p
                        .file_name()
                        .is_some_and(|n| ignore_name(&n.to_string_lossy()))
            })
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() && !changed(paths) {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::host_is_loopback;

    #[test]
    fn only_loopback_hosts_are_admitted() {
        for ok in [
            "localhost",
            "localhost:3000",
            "127.0.0.1:8",
            "[::1]:3000",
            "LOCALHOST",
        ] {
            assert!(host_is_loopback(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:3000",
            "127.0.0.1.evil.example",
            "localhost.evil",
            "",
            "[::2]:3000",
        ] {
            assert!(!host_is_loopback(bad), "{bad}");
        }
    }
}
