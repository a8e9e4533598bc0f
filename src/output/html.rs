//! `--format html`: one self-contained page, and the live dashboard's page and data.
//!
//! The page is a template (`html/page.html`) with the style and script inlined
//! (`html/style.css`, `html/app.js`). quietwire renders the summary, the SVG charts and
//! capture health as HTML; the device table and the per-device details are drawn by the
//! script from JSON embedded in `<script type="application/json">`.
//!
//! Nothing from a capture can reach markup or make a request:
//! - text is escaped with [`escape`], which also escapes `=` and `(`, so no packet text
//!   can even look like `src=…`, `href=…` or `url(…)`;
//! - embedded JSON ([`script_json`]) has `<`, `>`, `&`, `=` and `(` as `\u00XX`, so it
//!   cannot close its `<script>` element;
//! - the script puts values in the page with `textContent` only;
//! - device URLs (SSDP LOCATION …) are text, never links; the page references no URL;
//! - a Content-Security-Policy forbids every fetch (the live page: its own origin only).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::report::{DeviceReport, FactReport, Report};
use super::svg::{self, Bar};
use crate::mac::MacKind;
use crate::timestamp::Timestamp;

const TEMPLATE: &str = include_str!("html/page.html");
const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/app.js");

/// The watchlist whose devices the page puts first and counts by brand.
pub const TPLINK: &str = "tp-link";

/// Bars in the vendor and VLAN charts; the rest are summed into one "other" bar.
const MAX_BARS: usize = 12;
/// Bins of the first-seen timeline.
const TIMELINE_BINS: usize = 40;
/// Files named in the summary; more are counted.
const MAX_FILES_LISTED: usize = 20;
/// Risk findings listed in the summary; more are counted (all are in the details).
const MAX_FINDINGS_LISTED: usize = 50;

/// No fetch of any kind; inline style and script only.
const CSP_FILE: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
/// The live page may fetch from its own origin.
pub const CSP_LIVE: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Escapes text for HTML element content and quoted attribute values. Besides the
/// markup characters it escapes `=` and `(`, so text from packets never forms
/// `src=`, `href=` or `url(`; control characters are shown as `\u{…}`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '=' => out.push_str("&#61;"),
            '(' => out.push_str("&#40;"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Serializes `v` as JSON that is safe inside `<script type="application/json">`.
pub fn script_json<T: Serialize>(v: &T) -> io::Result<String> {
    let text = serde_json::to_string(v)?;
    // These characters only occur inside JSON strings, where \u escapes mean the same.
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003d"),
            '(' => out.push_str("\\u0028"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Fills `{{name}}` slots of `template` in one pass: text put into a slot is never
/// searched for slots again.
fn fill(template: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = &after[..end];
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a device goes in the default order: TP-Link family first, then devices flagged
/// on other watchlists, then the rest.
pub fn rank(d: &DeviceReport) -> u8 {
    if d.flags.iter().any(|f| f.watchlist == TPLINK) {
        0
    } else if d.is_flagged() {
        1
    } else {
        2
    }
}

/// What the live dashboard adds to capture health.
#[derive(Debug)]
pub struct LiveHealth<'a> {
    pub interface: &'a str,
    pub filter: &'a str,
    pub started: Timestamp,
    /// The capture counters (`received`, `dropped_kernel` …).
    pub stats: &'a BTreeMap<&'static str, u64>,
}

#[derive(Serialize)]
struct PageDevice<'a> {
    #[serde(flatten)]
    device: &'a DeviceReport,
    facts: &'a [FactReport],
    rank: u8,
    /// Times as milliseconds since 1970, for sorting.
    first_ms: f64,
    last_ms: f64,
}

#[derive(Serialize)]
struct PageData<'a> {
    tplink_watchlist: &'static str,
    devices: Vec<PageDevice<'a>>,
}

fn page_data(report: &Report) -> PageData<'_> {
    let mut devices: Vec<PageDevice<'_>> = report
        .devices
        .iter()
        .map(|d| PageDevice {
            device: d,
            facts: &d.facts,
            rank: rank(d),
            first_ms: d.first_seen.as_nanos() as f64 / 1e6,
            last_ms: d.last_seen.as_nanos() as f64 / 1e6,
        })
        .collect();
    devices.sort_by_key(|p| (p.rank, p.device.mac));
    PageData { tplink_watchlist: TPLINK, devices }
}

/// The server-rendered parts of the page.
#[derive(Debug, Serialize)]
pub struct Fragments {
    pub headline: String,
    pub charts: String,
    pub health: String,
}

pub fn fragments(report: &Report, live: Option<&LiveHealth<'_>>) -> Fragments {
    Fragments { headline: headline(report), charts: charts(report), health: health(report, live) }
}

/// "1 h 5 min" and the like.
fn duration(nanos: i64) -> String {
    let s = nanos.max(0) / 1_000_000_000;
    match s {
        0 => format!("{} ms", nanos.max(0) / 1_000_000),
        1..=119 => format!("{s} s"),
        120..=7199 => format!("{} min {} s", s / 60, s % 60),
        7200..=172_799 => format!("{} h {} min", s / 3600, s / 60 % 60),
        _ => format!("{} d {} h", s / 86_400, s / 3600 % 24),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A time to the second, for summaries (`2016-09-01 11:28:27Z`); details keep every digit.
fn short_time(t: Timestamp) -> String {
    let full = t.to_string();
    match (full.get(..10), full.get(11..19)) {
        (Some(day), Some(time)) if full.len() >= 20 => format!("{day} {time}Z"),
        _ => full,
    }
}

fn span_text(report: &Report) -> String {
    let c = &report.capture;
    match (c.first_seen, c.last_seen) {
        (Some(a), Some(b)) => format!("{} to {} ({})", short_time(a), short_time(b), duration(b.as_nanos().saturating_sub(a.as_nanos()))),
        _ => "no timestamped frame".into(),
    }
}

fn card(out: &mut String, class: &str, num: &str, what: &str) {
    let _ = write!(out, r#"<div class="card {class}"><div class="num">{}</div><div class="what">{}</div></div>"#, escape(num), escape(what));
}

fn headline(report: &Report) -> String {
    let devices = &report.devices;
    let tplink: Vec<&DeviceReport> = devices.iter().filter(|d| rank(d) == 0).collect();
    let risks: Vec<(&DeviceReport, &crate::classify::RiskFinding)> =
        devices.iter().flat_map(|d| d.risks.iter().map(move |r| (d, r))).collect();
    let known = risks.iter().filter(|(_, r)| r.kind == "known-exploited").count();
    let compromise = risks.iter().filter(|(_, r)| r.kind == "possible-compromise").count();
    let mut out = String::from(r#"<div class="cards">"#);
    card(&mut out, "", &devices.len().to_string(), "devices");
    card(&mut out, "tplink", &tplink.len().to_string(), "TP-Link family devices");
    card(&mut out, if known > 0 { "risk some" } else { "risk" }, &known.to_string(), "known-exploited model findings");
    card(&mut out, if compromise > 0 { "risk some" } else { "risk" }, &compromise.to_string(), "possible-compromise findings");
    let _ = write!(
        out,
        r#"<div class="card"><div class="num small">{}</div><div class="what">{}</div></div>"#,
        escape(&span_text(report)),
        escape(&match report.capture.sources.len() {
            0 => "capture span".to_string(),
            n => format!("capture span, {}", plural(n, "file", "files")),
        })
    );
    out.push_str("</div>");

    out.push_str(r#"<div class="headline-tables">"#);
    // TP-Link family by brand and confidence (the strongest flag on the watchlist).
    let mut brands: BTreeMap<&str, [usize; 2]> = BTreeMap::new();
    for d in &tplink {
        if let Some(f) = d.flags.iter().filter(|f| f.watchlist == TPLINK).max_by_key(|f| f.confidence) {
            let e = brands.entry(f.brand.as_str()).or_default();
            e[usize::from(f.confidence != crate::classify::Confidence::High)] += 1;
        }
    }
    if !brands.is_empty() {
        out.push_str(r#"<table class="plain brands"><thead><tr><th>TP-Link family brand</th><th class="num">high</th><th class="num">medium</th><th class="num">devices</th></tr></thead><tbody>"#);
        for (b, [h, m]) in &brands {
            let _ = write!(out, r#"<tr><td>{}</td><td class="num">{h}</td><td class="num">{m}</td><td class="num">{}</td></tr>"#, escape(b), h + m);
        }
        out.push_str("</tbody></table>");
    }
    let mut others: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for d in devices {
        for f in d.flags.iter().filter(|f| f.watchlist != TPLINK) {
            *others.entry((f.watchlist.as_str(), f.brand.as_str())).or_default() += 1;
        }
    }
    if !others.is_empty() {
        out.push_str(r#"<table class="plain"><thead><tr><th>other watchlist</th><th>brand</th><th class="num">devices</th></tr></thead><tbody>"#);
        for ((w, b), n) in &others {
            let _ = write!(out, r#"<tr><td>{}</td><td>{}</td><td class="num">{n}</td></tr>"#, escape(w), escape(b));
        }
        out.push_str("</tbody></table>");
    }
    if !risks.is_empty() {
        out.push_str(r#"<table class="plain findings"><thead><tr><th>finding</th><th>device</th><th>model / name</th><th>id</th><th>what</th></tr></thead><tbody>"#);
        for (d, r) in risks.iter().take(MAX_FINDINGS_LISTED) {
            let name = d.model.as_deref().or(d.hostnames.first().map(String::as_str)).unwrap_or("");
            let _ = write!(
                out,
                r#"<tr><td class="kind-{k}">{k}</td><td class="mono">{}</td><td>{}</td><td>{}</td><td>{}<br><span class="muted">{}</span></td></tr>"#,
                d.mac,
                escape(name),
                escape(&r.id),
                escape(&r.title),
                escape(&r.evidence),
                k = escape(r.kind)
            );
        }
        if risks.len() > MAX_FINDINGS_LISTED {
            let _ = write!(out, r#"<tr><td colspan="5" class="muted">and {} more (see each device)</td></tr>"#, risks.len() - MAX_FINDINGS_LISTED);
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</div>");
    let files: Vec<String> = report
        .capture
        .sources
        .iter()
        .take(MAX_FILES_LISTED)
        .map(|s| {
            let cut = s.truncated_at.map_or(String::new(), |o| format!(", cut at byte {o}"));
            format!("{} ({}, {} packets{cut})", s.path, s.format, s.packets)
        })
        .collect();
    if !files.is_empty() {
        let more = report.capture.sources.len().saturating_sub(MAX_FILES_LISTED);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        let _ = write!(out, r#"<p class="files">Files: {}{}</p>"#, escape(&files.join("; ")), escape(&more));
    }
    out
}

fn figure(out: &mut String, class: &str, caption: &str, svg: &str) {
    let _ = write!(out, r#"<figure class="{class}"><figcaption>{}</figcaption>{svg}</figure>"#, escape(caption));
}

/// Keeps the `MAX_BARS − 1` largest bars and sums the rest into "other (N)".
fn top_bars(mut bars: Vec<Bar>, parts: usize) -> Vec<Bar> {
    bars.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.label.cmp(&b.label)));
    if bars.len() > MAX_BARS {
        let rest = bars.split_off(MAX_BARS - 1);
        let mut sum = vec![0u64; parts];
        for b in &rest {
            for (s, p) in sum.iter_mut().zip(&b.parts) {
                *s += p;
            }
        }
        bars.push(Bar { label: format!("other ({})", rest.len()), parts: sum });
    }
    bars
}

fn charts(report: &Report) -> String {
    let devices = &report.devices;
    let family = |d: &DeviceReport| usize::from(rank(d) != 0);
    let series = ["TP-Link family", "other"];
    let mut out = String::new();

    let mut vendors: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for d in devices {
        let name = match (d.vendor, d.mac_kind) {
            (Some(v), _) => v,
            (None, MacKind::Local) => "(locally administered)",
            (None, _) => "(not registered)",
        };
        vendors.entry(name).or_insert_with(|| vec![0, 0])[family(d)] += 1;
    }
    let bars = top_bars(vendors.into_iter().map(|(k, v)| Bar { label: k.to_string(), parts: v }).collect(), 2);
    figure(&mut out, "vendors", "Devices by vendor", &svg::bars("Devices by vendor", &series, &bars, "no devices"));

    let mut brands: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for d in devices {
        if let Some(f) = d.flags.iter().filter(|f| f.watchlist == TPLINK).max_by_key(|f| f.confidence) {
            brands.entry(f.brand.as_str()).or_insert_with(|| vec![0, 0])[usize::from(f.confidence != crate::classify::Confidence::High)] += 1;
        }
    }
    let bars = top_bars(brands.into_iter().map(|(k, v)| Bar { label: k.to_string(), parts: v }).collect(), 2);
    figure(&mut out, "brands conf", "TP-Link family by brand", &svg::bars("TP-Link family by brand", &["high", "medium"], &bars, "no TP-Link family device"));

    let times: Vec<(i64, usize)> = devices.iter().map(|d| (d.first_seen.as_nanos(), family(d))).collect();
    let (bins, range) = svg::bin(&times, TIMELINE_BINS, |t| t, 2);
    let (start, end) = range.map_or((String::new(), String::new()), |(a, b)| (short_time(Timestamp(a)), short_time(Timestamp(b))));
    figure(&mut out, "timeline", "When devices were first seen", &svg::histogram("When devices were first seen", &series, &bins, &start, &end, "no devices"));

    let mut vlans: BTreeMap<Option<u16>, Vec<u64>> = BTreeMap::new();
    for d in devices {
        let tags: BTreeSet<u16> = d.vlans.iter().chain(&d.outer_vlans).copied().collect();
        if tags.is_empty() {
            vlans.entry(None).or_insert_with(|| vec![0, 0])[family(d)] += 1;
        }
        for v in tags {
            vlans.entry(Some(v)).or_insert_with(|| vec![0, 0])[family(d)] += 1;
        }
    }
    let bars: Vec<Bar> = vlans
        .into_iter()
        .map(|(k, v)| Bar { label: k.map_or_else(|| "untagged".to_string(), |v| format!("VLAN {v}")), parts: v })
        .collect();
    let bars = top_bars(bars, 2);
    figure(&mut out, "vlans", "Devices per VLAN", &svg::bars("Devices per VLAN", &series, &bars, "no devices"));
    out
}

fn counts_table<K: AsRef<str>>(out: &mut String, title: &str, what: &str, map: impl IntoIterator<Item = (K, u64)>, none: &str) {
    let _ = write!(out, r#"<div><h3>{}</h3>"#, escape(title));
    let map: Vec<(K, u64)> = map.into_iter().collect();
    if map.is_empty() {
        let _ = write!(out, r#"<p class="muted">{}</p></div>"#, escape(none));
        return;
    }
    let _ = write!(out, r#"<table class="plain"><thead><tr><th>{}</th><th class="num">count</th></tr></thead><tbody>"#, escape(what));
    for (k, v) in &map {
        let _ = write!(out, r#"<tr><td>{}</td><td class="num">{v}</td></tr>"#, escape(k.as_ref()));
    }
    out.push_str("</tbody></table></div>");
}

fn health(report: &Report, live: Option<&LiveHealth<'_>>) -> String {
    let c = &report.capture;
    let mut out = String::from(r#"<h2>Capture health</h2><div class="health-grid">"#);
    let mut totals: Vec<(String, u64)> = vec![("packets processed".into(), c.packets), ("bytes".into(), c.bytes)];
    if let Some(l) = live {
        // received, then the drops.
        let mut stats: Vec<(&&str, &u64)> = l.stats.iter().collect();
        stats.sort_by_key(|(k, _)| (**k != "received", **k));
        totals.extend(stats.into_iter().map(|(k, v)| (k.replace('_', " "), *v)));
    }
    for s in &c.sources {
        if let Some(at) = s.truncated_at {
            totals.push((format!("{} cut short at byte", s.path), at));
        }
    }
    let pairs = |m: &BTreeMap<&'static str, u64>| m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>();
    counts_table(&mut out, "Totals", "counter", totals, "");
    counts_table(&mut out, "Link types", "link type", c.link_types.iter().map(|(k, v)| (k.as_str(), *v)), "no frames");
    counts_table(&mut out, "Malformed messages", "protocol", pairs(&c.malformed), "none");
    counts_table(&mut out, "Frames skipped", "reason", pairs(&c.skipped), "none");
    counts_table(&mut out, "Limits hit", "limit", pairs(&c.limits_hit), "none");
    if let Some(l) = live {
        let _ = write!(
            out,
            r#"<div><h3>Sensor</h3><table class="plain"><tbody><tr><th>capture interface</th><td class="mono">{}</td></tr><tr><th>filter</th><td>{}</td></tr><tr><th>started</th><td class="mono">{}</td></tr></tbody></table></div>"#,
            escape(l.interface),
            escape(l.filter),
            l.started
        );
    }
    out.push_str("</div>");
    out
}

fn title(report: &Report) -> String {
    let flagged = report.devices.iter().filter(|d| rank(d) == 0).count();
    format!("quietwire: {}, {flagged} TP-Link family", plural(report.devices.len(), "device", "devices"))
}

/// The one-line description under the title.
fn subtitle(report: &Report, live: Option<&LiveHealth<'_>>) -> String {
    match live {
        Some(l) => format!(
            "live on {}: {}, {} packets processed; updated {}",
            l.interface,
            plural(report.devices.len(), "device", "devices"),
            report.capture.packets,
            wall_clock()
        ),
        None => {
            let files: Vec<&str> = report.capture.sources.iter().take(3).map(|s| s.path.as_str()).collect();
            let more = report.capture.sources.len().saturating_sub(3);
            format!("{}{} · {}", files.join(", "), if more > 0 { format!(" and {more} more") } else { String::new() }, span_text(report))
        }
    }
}

fn wall_clock() -> String {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Timestamp::from_parts(d.as_secs() as i64, 0).to_string()
}

fn page(report: Option<&Report>, live: bool) -> io::Result<String> {
    let (frags, data, title_text, sub) = match report {
        Some(r) => (fragments(r, None), script_json(&page_data(r))?, title(r), subtitle(r, None)),
        None => (
            Fragments { headline: String::new(), charts: String::new(), health: String::new() },
            "null".to_string(),
            "quietwire live".to_string(),
            "connecting…".to_string(),
        ),
    };
    Ok(fill(TEMPLATE, |name| {
        Some(match name {
            "csp" => (if live { CSP_LIVE } else { CSP_FILE }).to_string(),
            "version" => escape(env!("CARGO_PKG_VERSION")),
            "title" => escape(&title_text),
            "subtitle" => escape(&sub),
            "kind" => (if live { "live dashboard" } else { "report" }).to_string(),
            "mode" => (if live { "live" } else { "report" }).to_string(),
            "style" => STYLE.to_string(),
            "script" => SCRIPT.to_string(),
            "headline" => frags.headline.clone(),
            "charts" => frags.charts.clone(),
            "health" => frags.health.clone(),
            "data" => data.clone(),
            "registry" => escape(crate::classify::vendor::registry_date()),
            "footer" => escape(if live {
                "read-only; this page talks only to the sensor that served it"
            } else {
                "this file loads nothing from the network; device URLs are shown as text"
            }),
            _ => return None,
        })
    }))
}

/// Writes the report page (`read --format html`).
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(page(Some(report), false)?.as_bytes())
}

/// The live dashboard's page: the same page, which loads its data from `api/view`.
pub fn live_page() -> String {
    // Rendering a page without a report cannot fail (no serialization).
    page(None, true).unwrap_or_default()
}

/// What the live page loads from `api/view`: the rendered fragments and the device data.
pub fn view_json(report: &Report, live: &LiveHealth<'_>) -> io::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct View<'a> {
        title: String,
        subtitle: String,
        fragments: Fragments,
        data: PageData<'a>,
    }
    let v = View { title: title(report), subtitle: subtitle(report, Some(live)), fragments: fragments(report, Some(live)), data: page_data(report) };
    Ok(serde_json::to_vec(&v)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Analyzer;
    use crate::classify::rules;
    use crate::inventory::Limits;
    use crate::output::report::{self, Filter};

    fn capture(rel: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures").join(rel)
    }

    fn report_of(files: &[&str]) -> Report {
        let mut a = Analyzer::new(Limits::default());
        for f in files {
            a.read_file(&capture(f)).unwrap();
        }
        a.finish();
        let lists = rules::load(&["tp-link".to_string()], &[]).unwrap();
        report::build(&a.inventory, &a.stats, &lists, Filter::default())
    }

    #[test]
    fn escape_covers_markup_and_reference_syntax() {
        assert_eq!(escape(r#"<img src="x" onerror='y'>&"#), "&lt;img src&#61;&quot;x&quot; onerror&#61;&#39;y&#39;&gt;&amp;");
        assert_eq!(escape("url(//a)"), "url&#40;//a)");
        assert_eq!(escape("a\u{1}b\u{7f}"), "a\\u{1}b\\u{7f}");
        assert_eq!(escape("Küche 易展"), "Küche 易展");
    }

    #[test]
    fn script_json_cannot_close_its_element_and_still_parses() {
        let v = serde_json::json!({"h": "</script><script>alert(1)</script>", "u": "src=http://x & y\u{2028}"});
        let s = script_json(&v).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('=') && !s.contains('(') && !s.contains('&'), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn fill_is_one_pass() {
        let t = "a {{x}} b {{y}} {{unknown}} {{open";
        let got = fill(t, |n| match n {
            "x" => Some("{{y}}".to_string()),
            "y" => Some("Y".to_string()),
            _ => None,
        });
        assert_eq!(got, "a {{y}} b Y {{unknown}} {{open");
    }

    #[test]
    fn every_template_slot_is_filled() {
        let r = report_of(&["real/iot-sentinel-hs110-setup-a-1.pcap"]);
        let mut out = Vec::new();
        write(&r, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        let slots: Vec<&str> = TEMPLATE.match_indices("{{").map(|(i, _)| &TEMPLATE[i..i + TEMPLATE[i..].find("}}").unwrap() + 2]).collect();
        assert_eq!(slots.len(), 15);
        for s in slots {
            assert!(!page.contains(s), "{s} left in the page");
        }
        assert!(live_page().contains(r#"<body data-mode="live">"#));
        assert!(!live_page().contains("{{"));
    }

    #[test]
    fn headline_counts_and_device_order() {
        let r = report_of(&["real/iot-sentinel-hs110-setup-a-1.pcap", "crafted/quad7.pcap", "crafted/vlan-dhcp-arp.pcap"]);
        let h = headline(&r);
        let nums: Vec<&str> = h.match_indices(r#"<div class="num">"#).map(|(i, _)| &h[i + 17..i + 17 + h[i + 17..].find('<').unwrap()]).collect();
        let devices = r.devices.len().to_string();
        let tplink = r.devices.iter().filter(|d| d.flags.iter().any(|f| f.watchlist == "tp-link")).count().to_string();
        // Known-exploited findings: the host named `Archer_C7` in vlan-dhcp-arp.pcap
        // matches CVE-2025-9377 and CVE-2015-3035 (hardware version unknown).
        assert_eq!(nums, vec![devices.as_str(), tplink.as_str(), "2", "3"]);
        assert!(h.contains(r#"<tr><td>Kasa</td><td class="num">1</td><td class="num">0</td><td class="num">1</td></tr>"#), "{h}");
        assert_eq!(h.matches(r#"<td class="kind-possible-compromise">"#).count(), 3);
        let data = page_data(&r);
        let ranks: Vec<u8> = data.devices.iter().map(|d| d.rank).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        assert_eq!(ranks.iter().filter(|&&k| k == 0).count().to_string(), tplink);
    }

    #[test]
    fn health_lists_malformed_skipped_and_limits() {
        let r = report_of(&["crafted/ssdp-hostile.pcap"]);
        let h = health(&r, None);
        assert!(h.contains(r#"<tr><td>ssdp</td><td class="num">5</td></tr>"#), "{h}");
        assert!(h.contains(r#"<tr><td>snaplen</td><td class="num">1</td></tr>"#), "{h}");
        assert!(h.contains(r#"<h3>Limits hit</h3><p class="muted">none</p>"#), "{h}");
        let stats = BTreeMap::from([("received", 9u64), ("dropped_kernel", 2)]);
        let live = LiveHealth { interface: "eth<1>", filter: "default", started: Timestamp(0), stats: &stats };
        let h = health(&r, Some(&live));
        assert!(h.contains(r#"<tr><td>dropped kernel</td><td class="num">2</td></tr>"#), "{h}");
        assert!(h.contains("eth&lt;1&gt;"), "{h}");
    }

    #[test]
    fn facts_carry_source_and_first_seen() {
        let r = report_of(&["real/iot-sentinel-hs110-setup-a-1.pcap"]);
        let d = r.devices.iter().find(|d| d.mac.to_string() == "50:c7:bf:00:c7:03").unwrap();
        let host = d.facts.iter().find(|f| f.field == "hostname").unwrap();
        assert_eq!((host.value.as_str(), host.source), ("HS110(EU)", "dhcp"));
        let vc = d.facts.iter().find(|f| f.field == "dhcp.vendor_class").unwrap();
        assert_eq!(vc.value, "udhcp 0.9.9-pre");
        assert!(host.first_seen >= d.first_seen && host.first_seen <= d.last_seen);
        let json = String::from_utf8(view_json(&r, &LiveHealth { interface: "x", filter: "default", started: Timestamp(0), stats: &BTreeMap::new() }).unwrap()).unwrap();
        assert!(json.contains(r#""field":"hostname","value":"HS110(EU)","source":"dhcp""#), "facts reach the page data");
    }

    #[test]
    fn short_times_keep_the_second() {
        assert_eq!(short_time(Timestamp(1_472_729_307_033_389_000)), "2016-09-01 11:28:27Z");
        assert_eq!(short_time(Timestamp(0)), "1970-01-01 00:00:00Z");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(38_026_374_000), "38 s");
        assert_eq!(duration(500_000_000), "500 ms");
        assert_eq!(duration(3_900_000_000_000), "65 min 0 s");
        assert_eq!(duration(7_500_000_000_000), "2 h 5 min");
        assert_eq!(duration(90_000_000_000_000), "25 h 0 min");
        assert_eq!(duration(200_000_000_000_000), "2 d 7 h");
    }
}
