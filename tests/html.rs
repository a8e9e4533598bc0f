//! `quietwire read --format html`: the file references nothing outside itself, and text
//! from packets (script, markup, template slots, CSS and device URLs) stays text.
//! What the page does in a browser is tested in tests/browser.rs.

mod support;

use std::path::PathBuf;
use std::process::Command;

use regex::Regex;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_quietwire");

fn cap(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures").join(rel).display().to_string()
}

fn run(args: &[&str]) -> Vec<u8> {
    let o = Command::new(BIN).args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// Every way a page can make the browser fetch something from another origin.
fn external_references(page: &str) -> Vec<String> {
    let patterns = [
        r#"(?i)\b(?:src|href|action|formaction|poster|data|srcset|background|xlink:href)\s*=\s*["']?\s*(?:https?:|//)"#,
        r#"(?i)url\(\s*["']?\s*(?:https?:|//)"#,
        r#"(?i)@import"#,
        r#"(?i)<(?:link|img|iframe|object|embed|base|audio|video|source|frame|form|a)\b"#,
    ];
    let mut found = Vec::new();
    for p in patterns {
        for m in Regex::new(p).unwrap().find_iter(page) {
            let from = page[..m.start()].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
            let to = page[m.end()..].char_indices().nth(40).map_or(page.len(), |(i, _)| m.end() + i);
            found.push(page[from..to].to_string());
        }
    }
    found
}

/// The JSON the page's script reads.
fn embedded_data(page: &str) -> Value {
    let tag = r#"<script type="application/json" id="qw-data">"#;
    let start = page.find(tag).expect("data element") + tag.len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).expect("embedded data parses")
}

#[test]
fn report_references_nothing_outside_itself_even_with_hostile_input() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("hostile.pcap");
    support::write_hostile_pcap(&hostile);
    let out = dir.path().join("report.html");
    // Real SSDP and UPnP captures carry device URLs too.
    let files = [hostile.display().to_string(), cap("crafted/ssdp-devices.pcap"), cap("crafted/upnp-out-of-order.pcap"), cap("crafted/ssdp-hostile.pcap")];
    let mut args = vec!["read", "--format", "html", "-o", out.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    run(&args);
    let page = std::fs::read_to_string(&out).unwrap();

    // The checker itself finds what it looks for.
    assert_eq!(external_references(r#"<p style="background: URL( 'https://x/y')"><img src=//x/y><a href = "http://x">"#).len(), 5);
    let refs = external_references(&page);
    assert!(refs.is_empty(), "external references in the report:\n{}", refs.join("\n"));

    // Only quietwire's two script elements; packet text never became markup.
    assert_eq!(page.matches("<script").count(), 2);
    for raw in [support::SCRIPT_HOSTNAME, support::IMG_VENDOR_CLASS, support::SSDP_SERVER, support::SSDP_USN, support::CSS_VENDOR_CLASS, "<svg onload"] {
        assert!(!page.contains(raw), "{raw:?} appears unescaped");
    }
    // The template slot in a host name was not filled: the script is there once.
    assert_eq!(page.matches("quietwire report and dashboard: the device table").count(), 1);

    // The data still holds every string exactly, for the script to show as text.
    let data = embedded_data(&page);
    let devices = data["devices"].as_array().unwrap();
    let device = |mac: &str| devices.iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("{mac} not in the page data"));
    assert_eq!(device(support::SCRIPT_MAC)["hostnames"][0], support::SCRIPT_HOSTNAME);
    assert_eq!(device(support::SCRIPT_MAC)["dhcp"]["vendor_class"], support::IMG_VENDOR_CLASS);
    assert_eq!(device(support::SLOT_MAC)["hostnames"][0], support::SLOT_HOSTNAME);
    let ssdp = device(support::SSDP_MAC);
    assert_eq!(ssdp["ssdp"]["location"], support::SSDP_LOCATION);
    assert_eq!(ssdp["ssdp"]["server"], support::SSDP_SERVER);
    let facts: Vec<(&str, &str, &str)> =
        ssdp["facts"].as_array().unwrap().iter().map(|f| (f["field"].as_str().unwrap(), f["value"].as_str().unwrap(), f["source"].as_str().unwrap())).collect();
    assert!(facts.contains(&("ssdp.location", support::SSDP_LOCATION, "ssdp")), "{facts:?}");
    // TP-Link family first in the data too.
    assert_eq!(devices[0]["rank"], 0);
    assert_eq!(device(support::SCRIPT_MAC)["rank"], 0);
    assert_eq!(ssdp["rank"], 2);
}

#[test]
fn report_page_matches_the_json_report() {
    let files = [cap("real/iot-sentinel-hs110-setup-a-1.pcap"), cap("crafted/quad7.pcap"), cap("crafted/vlan-dhcp-arp.pcap")];
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let mut args = vec!["read", "--format", "json"];
    args.extend_from_slice(&files);
    let json: Value = serde_json::from_slice(&run(&args)).unwrap();
    args[2] = "html";
    let page = String::from_utf8(run(&args)).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    let data = embedded_data(&page);
    let n = json["devices"].as_array().unwrap().len();
    assert_eq!(data["devices"].as_array().unwrap().len(), n);
    // Every key of the JSON contract is in the page data, with the same value.
    for d in json["devices"].as_array().unwrap() {
        let p = data["devices"].as_array().unwrap().iter().find(|p| p["mac"] == d["mac"]).unwrap();
        for (k, v) in d.as_object().unwrap() {
            assert_eq!(&p[k], v, "{} {k}", d["mac"]);
        }
    }
    let tplink = json["devices"].as_array().unwrap().iter().filter(|d| d["flags"].as_array().unwrap().iter().any(|f| f["watchlist"] == "tp-link")).count();
    assert!(page.contains(&format!(r#"<div class="num">{n}</div><div class="what">devices</div>"#)), "device count card");
    assert!(page.contains(&format!(r#"<div class="num">{tplink}</div><div class="what">TP-Link family devices</div>"#)), "TP-Link card");
    assert!(page.contains(r#"<div class="num">3</div><div class="what">possible-compromise findings</div>"#));
    assert_eq!(page.matches(r#"<svg class="chart" viewBox="#).count(), 4);
    for chart in ["Devices by vendor", "TP-Link family by brand", "When devices were first seen", "Devices per VLAN"] {
        assert!(page.contains(&format!(r#"role="img" aria-label="{chart}""#)), "{chart}");
    }
    for vlan in ["VLAN 20", "VLAN 30", "VLAN 100"] {
        assert!(page.contains(&format!(">{vlan}</text>")), "{vlan} bar");
    }
    assert!(page.contains("@media print"));
}
