//! A table for people: TP-Link family devices first and marked, then the rest by MAC.
//! Text from packets is escaped so hostile names cannot drive the terminal.

use std::io::{self, Write};

use super::report::{DeviceReport, Report};

/// Widest cell before it is cut with `…`.
const MAX_CELL: usize = 32;

/// Escapes control characters and cuts long cells.
fn cell(s: &str) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n >= MAX_CELL {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn first_or_more(v: &[String]) -> String {
    match v.len() {
        0 => "-".into(),
        1 => v[0].clone(),
        n => format!("{} (+{})", v[0], n - 1),
    }
}

fn flag_text(d: &DeviceReport) -> String {
    match d.top_flag() {
        Some(f) => format!("!! {} {}", f.brand, f.confidence.name()),
        None => String::new(),
    }
}

/// The strongest supporting evidence of the top flag, short.
fn evidence_text(d: &DeviceReport) -> String {
    let Some(f) = d.top_flag() else { return String::new() };
    match f.evidence.iter().find(|e| !e.conflict) {
        Some(e) if e.source == "oui" => format!("oui {}", e.detail.split(' ').next().unwrap_or("")),
        Some(e) => format!("{} {}", e.field, e.value),
        None => String::new(),
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut devices: Vec<&DeviceReport> = report.devices.iter().collect();
    devices.sort_by_key(|d| (!d.is_flagged(), d.mac));
    let header = ["FLAG", "MAC", "VENDOR", "MODEL", "IPV4", "HOSTNAME", "VLAN", "EVIDENCE", "PROTOCOLS", "PACKETS", "LAST SEEN"];
    let rows: Vec<[String; 11]> = devices
        .iter()
        .map(|d| {
            let vlans = if d.vlans.is_empty() {
                "-".to_string()
            } else {
                d.vlans.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
            };
            [
                flag_text(d),
                d.mac.to_string(),
                cell(d.vendor.unwrap_or(if d.mac_kind == crate::mac::MacKind::Local { "(local)" } else { "-" })),
                cell(d.model.as_deref().unwrap_or("-")),
                first_or_more(&d.ipv4),
                cell(&first_or_more(&d.hostnames)),
                cell(&vlans),
                cell(&evidence_text(d)),
                if d.protocols.is_empty() { "-".into() } else { d.protocols.join(",") },
                d.packets.to_string(),
                d.last_seen.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths.iter()).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(c);
            if i + 1 < cells.len() {
                s.extend(std::iter::repeat_n(' ', w - c.chars().count()));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(&header.map(String::from)))?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    let flagged = report.devices.iter().filter(|d| d.is_flagged()).count();
    let risky: Vec<String> = report
        .devices
        .iter()
        .flat_map(|d| d.risks.iter().map(move |r| format!("{} {} ({})", d.mac, r.id, r.kind)))
        .collect();
    let c = &report.capture;
    writeln!(out)?;
    writeln!(
        out,
        "{} devices, {} flagged; {} packets from {} file(s){}",
        report.devices.len(),
        flagged,
        c.packets,
        c.sources.len(),
        match (&c.first_seen, &c.last_seen) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        }
    )?;
    if !risky.is_empty() {
        writeln!(out, "RISKS: {}", risky.join("; "))?;
    }
    if !c.malformed.is_empty() {
        let m: Vec<String> = c.malformed.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "malformed: {}", m.join(", "))?;
    }
    if !c.skipped.is_empty() {
        let m: Vec<String> = c.skipped.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "skipped: {}", m.join(", "))?;
    }
    if !c.limits_hit.is_empty() {
        let m: Vec<String> = c.limits_hit.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "limits hit: {}", m.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_control_characters_and_cut() {
        assert_eq!(cell("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(cell(&"x".repeat(40)).chars().count(), MAX_CELL + 1);
    }
}
