//! One CSV row per device. Lists are joined with spaces.

use std::io::{self, Write};

use super::report::{Report, Section};

const HEADER: [&str; 18] = [
    "mac", "mac_kind", "vendor", "ipv4", "ipv6", "hostnames", "vlans", "model", "first_seen", "last_seen",
    "packets", "protocols", "dhcp_vendor_class", "dhcp_prl", "dhcp_client_id", "flag_brand", "flag_confidence",
    "flag_evidence",
];

fn field(section: Option<&Section>, key: &str) -> String {
    section.and_then(|s| s.get(key)).map(|v| v.to_string()).unwrap_or_default()
}

fn join<T: ToString>(v: &[T]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" ")
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for d in &report.devices {
        let dhcp = d.dhcp.as_ref();
        let flag = d.top_flag();
        let evidence = flag
            .map(|f| f.evidence.iter().map(|e| format!("{:?}: {}", e.source, e.detail).to_lowercase()).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        w.write_record([
            d.mac.to_string(),
            format!("{:?}", d.mac_kind).to_lowercase(),
            d.vendor.unwrap_or("").to_string(),
            join(&d.ipv4),
            join(&d.ipv6),
            d.hostnames.join(" "),
            join(&d.vlans),
            d.model.clone().unwrap_or_default(),
            d.first_seen.to_string(),
            d.last_seen.to_string(),
            d.packets.to_string(),
            d.protocols.join(" "),
            field(dhcp, "vendor_class"),
            field(dhcp, "prl"),
            field(dhcp, "client_id"),
            flag.map(|f| f.brand.to_string()).unwrap_or_default(),
            flag.map(|f| f.confidence.name().to_string()).unwrap_or_default(),
            evidence,
        ])?;
    }
    w.flush()?;
    Ok(())
}
