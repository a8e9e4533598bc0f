//! `quietwire explain`: everything known about one device, and why it is (or is not)
//! flagged, for a person to read.

use std::io::{self, Write};

use crate::classify::engine::Classification;
use crate::classify::{Evidence, Flag};
use crate::inventory::Device;
use crate::observe::{Fact, Note, Observation};

fn fact_text(f: &Fact) -> String {
    match f {
        Fact::Present => "present".into(),
        Fact::Ipv4(a) => format!("ipv4 {a}"),
        Fact::Ipv6(a) => format!("ipv6 {a}"),
        Fact::Hostname(h) => format!("hostname {h:?}"),
        Fact::Model(m) => format!("model {m:?}"),
        Fact::Firmware(m) => format!("firmware {m:?}"),
        Fact::Attr(k, v) => format!("{k} = {:?}", v.to_string()),
        Fact::Service(s) => format!("service {} {:?} port {}", s.kind, s.name, s.port.map_or("-".into(), |p| p.to_string())),
        Fact::DnsQuery(q) => format!("asked for {q}"),
        Fact::Role(r) => format!("role {}", serde_json::to_string(r).unwrap_or_default().trim_matches('"')),
        Fact::Note(Note::ArpSenderMismatch { ip, frame_source }) => {
            format!("note: ARP claimed {ip} for this MAC in a frame from {frame_source}")
        }
        Fact::Note(Note::ClaimedMac { protocol, mac }) => format!("note: {} payload names MAC {mac}", protocol.name()),
        Fact::OfAddress(ip, f) => format!("about the holder of {ip}: {}", fact_text(f)),
    }
}

fn escape(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

fn evidence_line(out: &mut dyn Write, e: &Evidence) -> io::Result<()> {
    let mark = if e.conflict { "against" } else { e.confidence.name() };
    writeln!(out, "    [{mark:>7}] {:<10} {}  (first seen {})", e.source, escape(&e.detail), e.first_seen)
}

fn flag_block(out: &mut dyn Write, f: &Flag, what: &str) -> io::Result<()> {
    writeln!(out, "  {what} {}: brand {}, confidence {}", f.watchlist, f.brand, f.confidence.name())?;
    for e in &f.evidence {
        evidence_line(out, e)?;
    }
    Ok(())
}

pub fn write(d: &Device, c: &Classification, observations: &[Observation], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}  ({})", d.mac, c.vendor.map_or("no registered vendor".to_string(), |a| format!("{} {}", a.prefix_text(), a.organization)))?;
    writeln!(out, "  seen {} to {}, {} frames sent", d.first_seen, d.last_seen, d.packets)?;
    if c.flags.is_empty() {
        writeln!(out, "  not flagged")?;
    }
    for f in &c.flags {
        flag_block(out, f, "FLAGGED on")?;
    }
    for f in &c.hints {
        flag_block(out, f, "hint only (below the flag threshold) on")?;
    }
    for r in &c.risks {
        writeln!(out, "  RISK {} ({}): {} — {}", r.id, r.kind, r.title, r.evidence)?;
    }
    writeln!(out, "\nobservations ({}):", observations.len())?;
    let mut last: Option<(&str, String)> = None;
    for o in observations {
        let text = escape(&fact_text(&o.fact));
        // The same fact from the same protocol repeats in every retransmission: show it once per run.
        if last.as_ref().is_some_and(|(p, t)| *p == o.protocol.name() && *t == text) {
            continue;
        }
        writeln!(out, "  {}  {:<10} {text}", o.ts, o.protocol.name())?;
        last = Some((o.protocol.name(), text));
    }
    Ok(())
}
