//! `quietwire live --http ADDR:PORT`: the dashboard and a read-only API.
//!
//! | path | what |
//! |---|---|
//! | `/` | the dashboard: the report page, updating itself from `api/view` |
//! | `/api/view` | the page's data (rendered summary, charts, health, and devices); `ETag` |
//! | `/api/inventory` | the JSON contract, as in a snapshot (`capture.stats`, `capture.live`) |
//! | `/api/events` | the event stream (see [`super::events`]) as server-sent events, one event line per `data:` |
//! | `/metrics` | Prometheus text format, every metric named `quietwire_…` |
//!
//! Only `GET` (and `HEAD`) are answered. The listener is bound in [`bind`], before
//! privileges are dropped and the seccomp filter is installed: accepting on it needs no
//! new socket, and the filter forbids `socket` and `connect`, so nothing here can open
//! an outbound connection. When bound to a loopback address, requests must name a
//! loopback host (`Host: localhost`, `127.x.x.x`, `[::1]`), which keeps a web page from
//! reading the dashboard through DNS rebinding.
//!
//! Reports are not built per request: a request finding the published report older than
//! [`FRESH_FOR`] asks the publisher for a new one and waits for it (at most
//! [`WAIT_FOR_FRESH`]). The publisher asks the parser thread for a report at most every
//! [`MIN_INTERVAL`] (or four times as long as the last one took to build), and not at
//! all when no frame arrived since a report that had caught up. Nobody watching costs
//! nothing; each format is rendered once per report, off the runtime thread.

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{Notify, broadcast, watch};

use super::process::Control;
use super::snapshot::{self, Counters, LiveInfo};
use crate::output::html::{self, LiveHealth};
use crate::output::report::Report;

/// A published report younger than this is served as it is.
pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// Longest wait for a fresh report before serving the last one.
pub const WAIT_FOR_FRESH: Duration = Duration::from_secs(5);
/// Shortest time between two reports asked of the parser thread.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// Event batches kept for slow `/api/events` clients; a client further behind is told
/// how many it missed (`event: lagged`).
pub const EVENT_BACKLOG: usize = 256;
/// Most `/api/events` clients at once; more get 503.
pub const MAX_EVENT_CLIENTS: usize = 32;

/// Binds the listener (call before the sandbox is installed).
pub fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let l = std::net::TcpListener::bind(addr)?;
    l.set_nonblocking(true)?;
    Ok(l)
}

/// The warning to print when the dashboard is reachable from other hosts.
pub fn exposure_warning(addr: SocketAddr) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    Some(format!(
        "--http {addr} is not a loopback address: the dashboard and the inventory are readable by any host that can reach it \
         (no authentication); prefer 127.0.0.1 and an SSH tunnel"
    ))
}

/// One published report and its renderings, made once each when first asked for.
pub struct Content {
    pub version: u64,
    pub report: Report,
    pub stats: BTreeMap<&'static str, u64>,
    pub live: LiveInfo,
    view: OnceLock<Bytes>,
    inventory: OnceLock<Bytes>,
    metrics: OnceLock<Bytes>,
}

impl Content {
    pub fn new(version: u64, report: Report, stats: BTreeMap<&'static str, u64>, live: LiveInfo) -> Content {
        Content { version, report, stats, live, view: OnceLock::new(), inventory: OnceLock::new(), metrics: OnceLock::new() }
    }

    fn health(&self) -> LiveHealth<'_> {
        LiveHealth { interface: &self.live.interface, filter: self.live.filter, started: self.live.started, stats: &self.stats }
    }

    pub fn view(&self) -> Bytes {
        self.view.get_or_init(|| html::view_json(&self.report, &self.health()).map(Bytes::from).unwrap_or_default()).clone()
    }

    pub fn inventory(&self) -> Bytes {
        self.inventory
            .get_or_init(|| snapshot::render(&self.report, &self.stats, &self.live).map(Bytes::from).unwrap_or_default())
            .clone()
    }

    pub fn metrics(&self) -> Bytes {
        self.metrics.get_or_init(|| Bytes::from(metrics(&self.report, &self.stats, &self.live))).clone()
    }
}

#[derive(Clone)]
struct Published {
    built: Instant,
    content: Arc<Content>,
}

/// Where event batches go for `/api/events`.
pub type EventFanout = broadcast::Sender<Bytes>;

/// What the server shares: the latest report, the demand for a new one, the events.
pub struct Hub {
    current: watch::Sender<Published>,
    demand: Notify,
    events: broadcast::Sender<Bytes>,
    /// Bound to loopback: only loopback host names are accepted.
    loopback_only: bool,
    page: Bytes,
}

impl Hub {
    pub fn new(initial: Content, bound: SocketAddr) -> Arc<Hub> {
        let (current, _) = watch::channel(Published { built: Instant::now(), content: Arc::new(initial) });
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        Arc::new(Hub {
            current,
            demand: Notify::new(),
            events,
            loopback_only: bound.ip().is_loopback(),
            page: Bytes::from(html::live_page()),
        })
    }

    /// Publishes a new report.
    pub fn publish(&self, content: Content) {
        self.current.send_replace(Published { built: Instant::now(), content: Arc::new(content) });
    }

    /// The current report is still true now.
    fn touch(&self) {
        self.current.send_modify(|p| p.built = Instant::now());
    }

    /// The current report's version.
    pub fn version(&self) -> u64 {
        self.current.borrow().content.version
    }

    /// Event lines (NDJSON batches) for `/api/events`.
    pub fn events(&self) -> EventFanout {
        self.events.clone()
    }

    /// The current report, after asking for a fresh one when it is old.
    async fn fresh(&self) -> Arc<Content> {
        let mut rx = self.current.subscribe();
        let p = rx.borrow_and_update().clone();
        if p.built.elapsed() <= FRESH_FOR {
            return p.content;
        }
        self.demand.notify_one();
        let _ = tokio::time::timeout(WAIT_FOR_FRESH, rx.changed()).await;
        let p = rx.borrow().clone();
        p.content
    }
}

/// Where the publisher gets reports: the parser thread, through [`Control::Report`].
pub struct Source {
    pub control: mpsc::Sender<Control>,
    pub counters: Arc<Counters>,
    pub interface: String,
    pub filter: &'static str,
    pub started: crate::timestamp::Timestamp,
}

impl Source {
    /// Frames received and frames dropped before parsing: when neither moved since a
    /// report that had parsed every frame received, the inventory has not changed.
    fn progress(&self) -> (u64, u64) {
        let s = self.counters.stats();
        (s["received"], s["dropped_quietwire"])
    }
}

/// Publishes reports on demand until the parser thread is gone.
pub async fn publish(hub: Arc<Hub>, source: Source, mut version: u64) {
    let mut interval = MIN_INTERVAL;
    let mut last = Instant::now();
    let mut settled: Option<(u64, u64)> = None;
    loop {
        hub.demand.notified().await;
        tokio::time::sleep_until((last + interval).into()).await;
        let progress = source.progress();
        if settled == Some(progress) {
            hub.touch();
            last = Instant::now();
            continue;
        }
        let t0 = Instant::now();
        let (tx, rx) = tokio::sync::oneshot::channel();
        if source.control.send(Control::Report(tx)).is_err() {
            return;
        }
        let Ok(data) = rx.await else { return };
        let caught_up = data.report.capture.packets == progress.0.saturating_sub(progress.1);
        settled = caught_up.then_some(progress);
        version += 1;
        let live = LiveInfo {
            interface: source.interface.clone(),
            filter: source.filter,
            filter_terms: data.filter_terms,
            filter_terms_dropped: data.filter_terms_dropped,
            started: source.started,
        };
        hub.publish(Content::new(version, data.report, source.counters.stats(), live));
        interval = MIN_INTERVAL.max(t0.elapsed() * 4);
        last = Instant::now();
    }
}

/// Serves until the runtime stops.
pub async fn serve(listener: std::net::TcpListener, hub: Arc<Hub>) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    axum::serve(listener, router(hub)).await
}

pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/api/view", get(view))
        .route("/api/inventory", get(inventory))
        .route("/api/events", get(events))
        .route("/metrics", get(metrics_handler))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .layer(middleware::from_fn_with_state(Arc::clone(&hub), guard))
        .with_state(hub)
}

/// Whether `host` (a Host header: name or address, optional port) names this machine.
fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Read-only, loopback names on a loopback listener, and the same safe headers on every
/// response.
async fn guard(State(hub): State<Arc<Hub>>, req: Request, next: Next) -> Response {
    let mut resp = if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = (StatusCode::METHOD_NOT_ALLOWED, "read-only: GET only\n").into_response();
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    } else if hub.loopback_only
        && req.headers().get(header::HOST).is_some_and(|h| !h.to_str().is_ok_and(loopback_host))
    {
        (StatusCode::FORBIDDEN, "this dashboard answers only to localhost names\n").into_response()
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

async fn index(State(hub): State<Arc<Hub>>) -> Response {
    let mut r = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], hub.page.clone()).into_response();
    r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(html::CSP_LIVE));
    r
}

/// Renders one format of the fresh report off the runtime thread.
async fn rendered(hub: &Hub, f: fn(&Content) -> Bytes) -> (Arc<Content>, Bytes) {
    let c = hub.fresh().await;
    let c2 = Arc::clone(&c);
    let bytes = tokio::task::spawn_blocking(move || f(&c2)).await.unwrap_or_default();
    (c, bytes)
}

async fn view(State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Response {
    let c = hub.fresh().await;
    let etag = format!("\"{}\"", c.version);
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let bytes = tokio::task::spawn_blocking(move || c.view()).await.unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json".to_string()), (header::ETAG, etag)], bytes).into_response()
}

async fn inventory(State(hub): State<Arc<Hub>>) -> Response {
    let (_, bytes) = rendered(&hub, Content::inventory).await;
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

async fn metrics_handler(State(hub): State<Arc<Hub>>) -> Response {
    let (_, bytes) = rendered(&hub, Content::metrics).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], bytes).into_response()
}

async fn events(State(hub): State<Arc<Hub>>) -> Response {
    if hub.events.receiver_count() >= MAX_EVENT_CLIENTS {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many event streams\n").into_response();
    }
    let rx = hub.events.subscribe();
    let stream = futures_util::stream::unfold((rx, VecDeque::<Bytes>::new()), |(mut rx, mut pending)| async move {
        loop {
            if let Some(line) = pending.pop_front() {
                let text = String::from_utf8_lossy(&line).into_owned();
                return Some((Ok::<Event, Infallible>(Event::default().data(text)), (rx, pending)));
            }
            match rx.recv().await {
                Ok(batch) => {
                    pending.extend(batch.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(Bytes::copy_from_slice));
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    let e = Event::default().event("lagged").data(format!("{{\"missed_batches\":{n}}}"));
                    return Some((Ok(e), (rx, pending)));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// A Prometheus label value.
fn label(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The Prometheus text exposition of a report and the capture counters.
pub fn metrics(report: &Report, stats: &BTreeMap<&'static str, u64>, live: &LiveInfo) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let c = &report.capture;
    let get = |k: &str| stats.get(k).copied().unwrap_or(0);
    family(&mut out, "quietwire_packets_total", "counter", "Frames parsed since start.");
    let _ = writeln!(out, "quietwire_packets_total {}", c.packets);
    family(&mut out, "quietwire_bytes_total", "counter", "Bytes of the frames parsed since start.");
    let _ = writeln!(out, "quietwire_bytes_total {}", c.bytes);
    family(&mut out, "quietwire_received_total", "counter", "Frames libpcap handed to quietwire since start.");
    let _ = writeln!(out, "quietwire_received_total {}", get("received"));
    family(&mut out, "quietwire_dropped_total", "counter", "Frames dropped since start, by where: kernel (ring full), interface, quietwire (queue to the parser full).");
    for (k, name) in [("dropped_kernel", "kernel"), ("dropped_interface", "interface"), ("dropped_quietwire", "quietwire")] {
        let _ = writeln!(out, "quietwire_dropped_total{{where=\"{name}\"}} {}", get(k));
    }
    family(&mut out, "quietwire_devices", "gauge", "Devices in the inventory.");
    let _ = writeln!(out, "quietwire_devices {}", report.devices.len());
    let mut flagged: BTreeMap<(&str, &str, &str), u64> = BTreeMap::new();
    let mut risks: BTreeMap<&str, u64> = BTreeMap::new();
    for d in &report.devices {
        let mut lists: Vec<&str> = d.flags.iter().map(|f| f.watchlist.as_str()).collect();
        lists.dedup();
        for w in lists {
            if let Some(f) = d.flags.iter().filter(|f| f.watchlist == w).max_by_key(|f| f.confidence) {
                *flagged.entry((w, f.brand.as_str(), f.confidence.name())).or_default() += 1;
            }
        }
        for r in &d.risks {
            *risks.entry(r.kind).or_default() += 1;
        }
    }
    family(&mut out, "quietwire_flagged_devices", "gauge", "Devices flagged on a watchlist, by brand and confidence (the strongest flag per watchlist).");
    for ((w, b, conf), n) in &flagged {
        let _ = writeln!(out, "quietwire_flagged_devices{{watchlist=\"{}\",brand=\"{}\",confidence=\"{conf}\"}} {n}", label(w), label(b));
    }
    family(&mut out, "quietwire_risk_findings", "gauge", "Known-exploited models and signs of compromise on flagged devices, by kind.");
    for kind in ["known-exploited", "possible-compromise"] {
        let _ = writeln!(out, "quietwire_risk_findings{{kind=\"{kind}\"}} {}", risks.get(kind).copied().unwrap_or(0));
    }
    family(&mut out, "quietwire_limits_hit_total", "counter", "Times a named limit was hit since start.");
    for (k, v) in &c.limits_hit {
        let _ = writeln!(out, "quietwire_limits_hit_total{{limit=\"{}\"}} {v}", label(k));
    }
    family(&mut out, "quietwire_malformed_total", "counter", "Messages that failed to parse, by protocol.");
    for (k, v) in &c.malformed {
        let _ = writeln!(out, "quietwire_malformed_total{{protocol=\"{}\"}} {v}", label(k));
    }
    family(&mut out, "quietwire_skipped_total", "counter", "Frames not decoded, by reason.");
    for (k, v) in &c.skipped {
        let _ = writeln!(out, "quietwire_skipped_total{{reason=\"{}\"}} {v}", label(k));
    }
    family(&mut out, "quietwire_filter_terms", "gauge", "Learned endpoints in the capture filter.");
    let _ = writeln!(out, "quietwire_filter_terms {}", live.filter_terms);
    family(&mut out, "quietwire_start_time_seconds", "gauge", "When this sensor started (Unix time).");
    let _ = writeln!(out, "quietwire_start_time_seconds {}", live.started.as_nanos() / 1_000_000_000);
    out
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;
    use crate::analyze::Analyzer;
    use crate::classify::rules;
    use crate::inventory::Limits;
    use crate::output::report::{self, Filter};
    use crate::timestamp::Timestamp;

    fn report_of(files: &[&str]) -> Report {
        let mut a = Analyzer::new(Limits::default());
        for f in files {
            a.read_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures").join(f)).unwrap();
        }
        a.finish();
        let lists = rules::load(&["tp-link".to_string()], &[]).unwrap();
        report::build(&a.inventory, &a.stats, &lists, Filter::default())
    }

    fn info() -> LiveInfo {
        LiveInfo { interface: "eth1".into(), filter: "default", filter_terms: 2, filter_terms_dropped: 0, started: Timestamp(1_700_000_000_000_000_000) }
    }

    fn stats() -> BTreeMap<&'static str, u64> {
        BTreeMap::from([("received", 60), ("dropped_kernel", 1), ("dropped_interface", 0), ("dropped_quietwire", 2)])
    }

    #[test]
    fn metrics_name_every_series_quietwire() {
        let r = report_of(&["real/iot-sentinel-hs110-setup-a-1.pcap", "crafted/quad7.pcap", "crafted/ssdp-hostile.pcap"]);
        let m = metrics(&r, &stats(), &info());
        for line in m.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("quietwire_"), "{line}");
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
        for want in [
            "quietwire_packets_total 66",
            "quietwire_received_total 60",
            "quietwire_dropped_total{where=\"kernel\"} 1",
            "quietwire_dropped_total{where=\"quietwire\"} 2",
            &format!("quietwire_devices {}", r.devices.len()),
            "quietwire_flagged_devices{watchlist=\"tp-link\",brand=\"Kasa\",confidence=\"high\"} 1",
            "quietwire_risk_findings{kind=\"possible-compromise\"} 3",
            "quietwire_risk_findings{kind=\"known-exploited\"} 0",
            "quietwire_malformed_total{protocol=\"ssdp\"} 5",
            "quietwire_skipped_total{reason=\"snaplen\"} 1",
            "quietwire_filter_terms 2",
            "quietwire_start_time_seconds 1700000000",
        ] {
            assert!(m.lines().any(|l| l == want), "{want} not in\n{m}");
        }
        let tplink: u64 = m
            .lines()
            .filter(|l| l.starts_with("quietwire_flagged_devices{watchlist=\"tp-link\""))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(tplink as usize, r.devices.iter().filter(|d| d.flags.iter().any(|f| f.watchlist == "tp-link")).count());
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn loopback_host_names() {
        for ok in ["localhost", "localhost:8080", "LOCALHOST:1", "127.0.0.1:9", "127.1.2.3", "[::1]:8080", "[::1]"] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in ["evil.example:8080", "192.168.1.2:80", "localhost.evil.example", "[::2]:80", "", "127.0.0.1.nip.io"] {
            assert!(!loopback_host(bad), "{bad}");
        }
        assert!(exposure_warning("127.0.0.1:1".parse().unwrap()).is_none());
        assert!(exposure_warning("[::1]:1".parse().unwrap()).is_none());
        assert!(exposure_warning("0.0.0.0:8080".parse().unwrap()).unwrap().contains("not a loopback address"));
    }

    /// One HTTP/1.1 request on a fresh connection; the whole response.
    fn get(addr: SocketAddr, request: &str) -> String {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn req(method: &str, path: &str, host: &str) -> String {
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    }

    /// The server on a loopback port, driven by published reports (no capture).
    #[test]
    fn serves_page_api_metrics_events_read_only() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let hub = Hub::new(Content::new(1, report_of(&["crafted/vlan-dhcp-arp.pcap"]), stats(), info()), addr);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let h = Arc::clone(&hub);
        std::thread::spawn(move || rt.block_on(serve(listener, h)));
        let host = addr.to_string();

        let page = get(addr, &req("GET", "/", &host));
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("content-security-policy: default-src 'none'"), "{page}");
        assert!(page.contains("<body data-mode=\"live\">"));

        let v = get(addr, &req("GET", "/api/view", &host));
        assert!(v.contains("etag: \"1\""), "{v}");
        let body = v.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["data"]["devices"].as_array().unwrap().len(), 6);
        assert!(json["fragments"]["charts"].as_str().unwrap().contains("Devices per VLAN"));
        let not_modified = get(addr, &format!("GET /api/view HTTP/1.1\r\nHost: {host}\r\nIf-None-Match: \"1\"\r\nConnection: close\r\n\r\n"));
        assert!(not_modified.starts_with("HTTP/1.1 304"), "{not_modified}");

        let inv = get(addr, &req("GET", "/api/inventory", &host));
        let body = inv.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["schema"], "quietwire.inventory/1");
        assert_eq!(json["capture"]["stats"]["received"], 60);
        assert_eq!(json["capture"]["live"]["interface"], "eth1");

        let m = get(addr, &req("GET", "/metrics", &host));
        assert!(m.contains("content-type: text/plain; version=0.0.4"), "{m}");
        assert!(m.contains("\nquietwire_devices 6\n"), "{m}");

        // A new report is picked up; the ETag moves.
        hub.publish(Content::new(2, report_of(&["real/iot-sentinel-hs110-setup-a-1.pcap"]), stats(), info()));
        let v = get(addr, &req("GET", "/api/view", &host));
        assert!(v.contains("etag: \"2\"") && v.contains("HS110(EU)"), "{v}");

        // Events: each line of a batch is one server-sent event.
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(req("GET", "/api/events", &host).as_bytes()).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        let deadline = Instant::now() + Duration::from_secs(10);
        while !String::from_utf8_lossy(&got).contains("\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        while hub.events.receiver_count() == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        hub.events().send(Bytes::from_static(b"{\"type\":\"device_new\",\"n\":1}\n{\"type\":\"ip_new\",\"n\":2}\n")).unwrap();
        while !String::from_utf8_lossy(&got).contains("ip_new") && Instant::now() < deadline {
            let n = s.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&got);
        assert!(text.contains("content-type: text/event-stream"), "{text}");
        assert!(text.contains("data: {\"type\":\"device_new\",\"n\":1}\n\n") && text.contains("data: {\"type\":\"ip_new\",\"n\":2}\n\n"), "{text}");

        // Read-only, and loopback names only.
        let post = get(addr, &req("POST", "/api/inventory", &host));
        assert!(post.starts_with("HTTP/1.1 405") && post.contains("allow: GET, HEAD"), "{post}");
        assert!(get(addr, &req("DELETE", "/", &host)).starts_with("HTTP/1.1 405"));
        let rebound = get(addr, &req("GET", "/api/inventory", "attacker.example:8080"));
        assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
        assert!(get(addr, &req("GET", "/", "localhost")).starts_with("HTTP/1.1 200"));
        assert!(get(addr, &req("GET", "/nope", &host)).starts_with("HTTP/1.1 404"));
        let head = get(addr, &req("HEAD", "/metrics", &host));
        assert!(head.starts_with("HTTP/1.1 200") && head.contains("nosniff"), "{head}");
    }

    /// A stale report makes the request ask the publisher and wait for the new one.
    #[test]
    fn stale_reports_are_refreshed_on_demand() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let hub = Hub::new(Content::new(1, report_of(&[]), stats(), info()), "127.0.0.1:1".parse().unwrap());
            assert_eq!(hub.fresh().await.version, 1, "fresh: served as it is");
            // Age the report.
            hub.current.send_modify(|p| p.built = Instant::now() - FRESH_FOR * 2);
            let h2 = Arc::clone(&hub);
            let publisher = tokio::spawn(async move {
                h2.demand.notified().await;
                h2.publish(Content::new(7, report_of(&[]), BTreeMap::new(), info()));
            });
            assert_eq!(hub.fresh().await.version, 7);
            publisher.await.unwrap();
        });
    }
}
