//! End-to-end: TP-Link classification through the `quietwire` binary.
//!
//! - Crafted captures (tests/gen/classify.py; captures/README.md lists what each holds):
//!   one device per kind of evidence, per conflict rule and per brand, the models of the
//!   CISA KEV entries, the Quad7 ports and TDDP. Each device's flag or hint is asserted
//!   whole: watchlist, brand, confidence, every piece of evidence (confidence, source,
//!   rule, field, value; `against` for a conflict), and its risks with their evidence.
//!   classify-attribution: a DNS forwarder's answer credits the gateway; a model named by
//!   SSDP and by UPnP or devDiscover belongs to the better source.
//! - The real TP-Link captures of the shared corpus, read in place (skipped when it is
//!   absent): Kasa HS100/HS110, Tapo C200/P110/P115/L530, TL-WDR3600, TL-XDR6030.
//! - The whole real corpus: exactly the expected devices are flagged, and nothing is a
//!   hint (no non-TP-Link device carries TP-Link evidence).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn quietwire(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quietwire")).args(args).output().expect("run quietwire")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn crafted(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/crafted").join(name).display().to_string()
}

fn real_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures/real"))
}

fn real(rel: &str) -> Option<String> {
    let p = real_root().join(rel);
    if p.is_file() {
        Some(p.display().to_string())
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

/// `quietwire read -f json` with extra arguments; must succeed.
fn inventory(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["read", "-f", "json"];
    args.extend_from_slice(extra);
    args.push(file);
    let o = quietwire(&args);
    assert!(o.status.success(), "quietwire {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn devices(inv: &Value) -> &Vec<Value> {
    inv["devices"].as_array().expect("devices")
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    devices(inv).iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no device {mac}"))
}

/// One line per piece of evidence: `confidence source rule field=value`, or `against …`
/// for a conflict.
fn evidence_lines(flag: &Value) -> Vec<String> {
    flag["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mark = if e["conflict"] == true { "against" } else { e["confidence"].as_str().unwrap() };
            format!("{mark} {} {} {}={}", e["source"].as_str().unwrap(), e["rule"].as_str().unwrap(), e["field"].as_str().unwrap(), e["value"].as_str().unwrap())
        })
        .collect()
}

fn risk_pairs(d: &Value) -> Vec<(String, String)> {
    d["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r["evidence"].as_str().unwrap().to_string()))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// In `flags` (medium or high).
    Flag,
    /// In `hints` only (low).
    Hint,
    /// Neither: no TP-Link evidence at all.
    Nothing,
}

/// What one device must show on the `tp-link` watchlist.
struct Case {
    mac: &'static str,
    kind: Kind,
    brand: &'static str,
    confidence: &'static str,
    evidence: Vec<String>,
    risks: Vec<(String, String)>,
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn flag(mac: &'static str, brand: &'static str, confidence: &'static str, evidence: &[&str], risks: &[(&str, &str)]) -> Case {
    let risks = risks.iter().map(|(i, e)| (i.to_string(), e.to_string())).collect();
    Case { mac, kind: Kind::Flag, brand, confidence, evidence: owned(evidence), risks }
}

fn hint(mac: &'static str, brand: &'static str, evidence: &[&str]) -> Case {
    Case { mac, kind: Kind::Hint, brand, confidence: "low", evidence: owned(evidence), risks: Vec::new() }
}

fn nothing(mac: &'static str) -> Case {
    Case { mac, kind: Kind::Nothing, brand: "", confidence: "", evidence: Vec::new(), risks: Vec::new() }
}

const TPLINK_OUI: &str = "high oui vendor vendor=TP-LINK TECHNOLOGIES CO.,LTD.";
const TPLINK_SYSTEMS_OUI: &str = "high oui vendor vendor=TP-Link Systems Inc";

/// Checks one device against its case, at the default threshold (medium).
fn check(inv: &Value, c: &Case, file: &str) {
    let d = device(inv, c.mac);
    let flags = d["flags"].as_array().unwrap();
    let hints = d["hints"].as_array().unwrap();
    let (list, other) = match c.kind {
        Kind::Flag => (flags, hints),
        Kind::Hint => (hints, flags),
        Kind::Nothing => {
            assert!(flags.is_empty() && hints.is_empty(), "{file} {}: expected no evidence, got {d:#}", c.mac);
            assert!(d["risks"].as_array().unwrap().is_empty(), "{file} {}: risks without a flag", c.mac);
            return;
        }
    };
    assert!(other.is_empty(), "{file} {}: expected only a {:?}, got {d:#}", c.mac, c.kind);
    assert_eq!(list.len(), 1, "{file} {}: one entry on the tp-link list: {d:#}", c.mac);
    let f = &list[0];
    assert_eq!(f["watchlist"], "tp-link", "{file} {}", c.mac);
    assert_eq!((f["brand"].as_str().unwrap(), f["confidence"].as_str().unwrap()), (c.brand, c.confidence), "{file} {}", c.mac);
    assert_eq!(evidence_lines(f), c.evidence, "{file} {}", c.mac);
    assert_eq!(risk_pairs(d), c.risks, "{file} {}", c.mac);
    for r in d["risks"].as_array().unwrap() {
        let kind = if r["id"].as_str().unwrap().starts_with("CVE-") { "known-exploited" } else { "possible-compromise" };
        assert_eq!((r["kind"].as_str().unwrap(), r["watchlist"].as_str().unwrap()), (kind, "tp-link"), "{file} {}", c.mac);
        assert!(!r["title"].as_str().unwrap().is_empty());
    }
}

/// Every device of the capture is a case, and each case holds.
fn check_all(file: &str, cases: &[Case]) {
    let inv = inventory(file, &[]);
    let mut seen: Vec<&str> = devices(&inv).iter().map(|d| d["mac"].as_str().unwrap()).collect();
    let mut listed: Vec<&str> = cases.iter().map(|c| c.mac).collect();
    seen.sort_unstable();
    listed.sort_unstable();
    assert_eq!(seen, listed, "{file}: the cases list every device");
    for c in cases {
        check(&inv, c, file);
    }
    // --flagged lists exactly the flagged cases.
    let flagged = inventory(file, &["--flagged"]);
    let got: Vec<&str> = devices(&flagged).iter().map(|d| d["mac"].as_str().unwrap()).collect();
    let mut want: Vec<&str> = cases.iter().filter(|c| c.kind == Kind::Flag).map(|c| c.mac).collect();
    want.sort_unstable();
    assert_eq!(got, want, "{file}: --flagged");
    // --min-confidence low: hints become flags, unchanged otherwise; nothing else moves.
    let low = inventory(file, &["--flagged", "--min-confidence", "low"]);
    let got: Vec<&str> = devices(&low).iter().map(|d| d["mac"].as_str().unwrap()).collect();
    let mut want: Vec<&str> = cases.iter().filter(|c| c.kind != Kind::Nothing).map(|c| c.mac).collect();
    want.sort_unstable();
    assert_eq!(got, want, "{file}: --min-confidence low");
    for c in cases.iter().filter(|c| c.kind == Kind::Hint) {
        let d = device(&low, c.mac);
        assert!(d["hints"].as_array().unwrap().is_empty(), "{file} {}", c.mac);
        let f = &d["flags"][0];
        assert_eq!((f["brand"].as_str().unwrap(), f["confidence"].as_str().unwrap()), (c.brand, "low"), "{file} {}", c.mac);
        assert_eq!(evidence_lines(f), c.evidence, "{file} {}", c.mac);
    }
}

// ------------------------------------------------------------------ crafted: evidence kinds

fn evidence_cases() -> Vec<Case> {
    vec![
    // oui: a TP-Link block, a Mercusys block; the TP-Link block with the local bit set.
    flag("50:c7:bf:10:00:01", "TP-Link", "high", &[TPLINK_OUI], &[]),
    flag("00:eb:d8:10:00:02", "Mercusys", "high", &["high oui vendor vendor=MERCUSYS TECHNOLOGIES CO., LTD."], &[]),
    flag("52:c7:bf:10:00:03", "TP-Link", "medium", &["medium oui vendor vendor_local=TP-LINK TECHNOLOGIES CO.,LTD."], &[]),
    // dhcp hostname, dhcp vendor class
    flag("02:c1:ee:00:00:04", "Kasa", "medium", &["medium dhcp hostname-model hostname=KP115"], &[]),
    flag("02:c1:ee:00:00:05", "TP-Link", "high", &["high dhcp dhcp-vendor-class-model dhcp.vendor_class=TL-SG108E"], &[]),
    // dhcpv6: DUID-EN 11863, vendor class enterprise 11863
    flag("02:c1:ee:00:00:06", "TP-Link", "high", &["high dhcpv6 dhcpv6-enterprise dhcpv6.duid_enterprise=11863"], &[]),
    flag(
        "02:c1:ee:00:00:07",
        "TP-Link",
        "high",
        &["high dhcpv6 dhcpv6-vendor-class-enterprise dhcpv6.vendor_class_enterprise=11863"],
        &[],
    ),
    // mdns TXT md=
    flag("02:c1:ee:00:00:08", "Kasa", "medium", &["medium mdns model-name model=KP125M"], &[]),
    // ssdp SERVER of the ipos stack: model and hardware version for the KEV list
    flag(
        "02:c1:ee:00:00:09",
        "TP-Link",
        "medium",
        &["medium ssdp model-name model=TL-WR841N", "medium ssdp ssdp-server ssdp.server=ipos/7.0 UPnP/1.0 TL-WR841N/9.0"],
        &[
            ("CVE-2025-9377", "model \"TL-WR841N\", hardware version 9 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WR841N/9.0\")"),
            ("CVE-2023-50224", "model \"TL-WR841N\" (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WR841N/9.0\")"),
            ("CVE-2015-3035", "model \"TL-WR841N\", hardware version 9 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WR841N/9.0\")"),
        ],
    ),
    // upnp description (modelName and friendlyName of one document are one signal)
    flag(
        "02:c1:ee:00:00:0a",
        "TP-Link",
        "high",
        &[
            "high upnp upnp-manufacturer upnp.manufacturer=TP-Link",
            "high upnp upnp-manufacturer-url upnp.manufacturer_url=https://www.tp-link.com",
            "medium upnp model-name model=Archer AX21",
            "medium upnp upnp-friendly-name upnp.friendly_name=Archer AX21",
        ],
        &[("CVE-2023-1389", "model \"Archer AX21\" (model reported by upnp)")],
    ),
    // lldp system description, cdp platform and banner
    flag(
        "02:c1:ee:00:00:0b",
        "JetStream",
        "high",
        &["high lldp lldp-system-description lldp.system_description=JetStream 24-Port Gigabit L2+ Managed Switch with 4 SFP Slots"],
        &[],
    ),
    flag(
        "02:c1:ee:00:00:0c",
        "JetStream",
        "high",
        &[
            "high cdp cdp-platform cdp.platform=TP-LINK T2600G-28TS",
            "high cdp cdp-software cdp.software_version=JetStream 24-Port Gigabit L2+ Managed Switch with 4 SFP Slots, 2.0.0 Build 20200107 Rel.61473",
        ],
        &[],
    ),
    // dns: the gateway answering tplinkwifi.net with its own address; the phone that
    // asked it and a cloud name has only the weak cloud-query hint
    flag("02:c1:ee:00:00:0d", "TP-Link", "high", &["high dns dns-admin-name dns.admin_name=tplinkwifi.net"], &[]),
    hint("0a:c1:ee:00:00:f0", "TP-Link", &["low dns dns-cloud-query dns_query=n-devs.tplinkcloud.com"]),
    // TP-Link's own protocols
    flag("02:c1:ee:00:00:0e", "Kasa", "high", &["high kasa kasa-sysinfo model=HS110(EU)"], &[]),
    flag(
        "02:c1:ee:00:00:0f",
        "Tapo",
        "high",
        &["high tdp tdp-reply model=P110(EU)", "high tdp tdp-device-type tdp.device_type=SMART.TAPOPLUG"],
        &[],
    ),
    flag("02:c1:ee:00:00:10", "TP-Link", "high", &["high easysmart easysmart-reply model=TL-SG105E"], &[]),
    flag("02:c1:ee:00:00:11", "TP-Link", "high", &["high tplink5001 udp5001-broadcast model=TL-XDR3010"], &[]),
    flag(
        "02:c1:ee:00:00:12",
        "TP-Link",
        "high",
        &["high tddp tddp-reply tddp.reply_type=3"],
        &[("tddp-requests", "tddp.request_from \"00:1b:21:c1:00:f1\" (first seen 2024-03-01T00:00:00.250Z)")],
    ),
    flag("02:c1:ee:00:00:13", "Omada", "medium", &["medium omada omada-discovery omada.discovery_sent_to=255.255.255.255"], &[]),
    // affiliate_cn: Mercury and FAST alone are hints; Mercury with devDiscover is high,
    // and its brand is Mercury (the registry), not Mercusys (what MW… names elsewhere)
    hint("00:4b:f3:10:00:14", "Mercury", &["low oui vendor vendor=SHENZHEN MERCURY COMMUNICATION TECHNOLOGIES CO.,LTD."]),
    hint("00:5a:39:10:00:15", "FAST", &["low oui vendor vendor=SHENZHEN FAST TECHNOLOGIES CO.,LTD"]),
    flag(
        "00:4b:f3:10:00:16",
        "Mercury",
        "high",
        &["high tplink5001 udp5001-broadcast model=MW325R", "low oui vendor vendor=SHENZHEN MERCURY COMMUNICATION TECHNOLOGIES CO.,LTD."],
        &[],
    ),
    // the PC that fetched, asked and probed: nothing
    nothing("00:1b:21:c1:00:f1"),
    ]
}

#[test]
fn crafted_each_evidence_kind() {
    check_all(&crafted("classify-evidence.pcap"), &evidence_cases());
}

// ------------------------------------------------------------------ crafted: conflicts

fn conflict_cases() -> Vec<Case> {
    vec![
    // another vendor's block + weak: a Raspberry Pi named tplink-backup stays low
    hint(
        "b8:27:eb:20:00:01",
        "TP-Link",
        &["low dhcp hostname-word hostname=tplink-backup", "against oui vendor vendor=Raspberry Pi Foundation"],
    ),
    // an Espressif module named ESP_1A2B3C: no TP-Link evidence at all
    nothing("24:0a:c4:20:00:02"),
    // another vendor's block + medium: low
    hint("24:0a:c4:20:00:03", "Kasa", &["medium dhcp hostname-model hostname=HS100", "against oui vendor vendor=Espressif Inc."]),
    // another vendor's block + strong: medium, conflict shown
    flag(
        "24:0a:c4:20:00:04",
        "Kasa",
        "medium",
        &["high kasa kasa-sysinfo model=HS100(US)", "against oui vendor vendor=Espressif Inc."],
        &[],
    ),
    // another vendor's block + two independent medium signals: still low
    hint(
        "24:0a:c4:20:00:05",
        "Kasa",
        &["medium dhcp hostname-model hostname=HS103", "medium mdns model-name model=HS103", "against oui vendor vendor=Espressif Inc."],
    ),
    // several independent medium signals (a DHCP name, an SSDP SERVER): high
    flag(
        "02:c1:ee:00:00:20",
        "TP-Link",
        "high",
        &["medium dhcp hostname-model hostname=Archer_C6", "medium ssdp model-name model=Archer C6", "medium ssdp ssdp-server ssdp.server=Linux/3.3.8 UPnP/1.0 Archer C6/2.0"],
        &[],
    ),
    // one rule told by two protocols is one signal: medium
    flag(
        "02:c1:ee:00:00:21",
        "Deco",
        "medium",
        &["medium dhcp hostname-model hostname=Deco-M5", "medium mdns hostname-model hostname=Deco-M5-Living"],
        &[],
    ),
    // weak hints only, two of them: low, never more
    hint(
        "0a:c1:ee:00:00:22",
        "TP-Link",
        &["low dhcp hostname-word hostname=my-tplink-tablet", "low dns dns-cloud-query dns_query=eu-wap.tplinkcloud.com"],
    ),
    // the app's phone asked a Kasa question: a client, not a device
    nothing("0a:c1:ee:00:00:f0"),
    ]
}

#[test]
fn crafted_each_conflict_rule() {
    check_all(&crafted("classify-conflicts.pcap"), &conflict_cases());
}

// ------------------------------------------------------------------ crafted: brands and risks

const QUAD7_XLOGIN: &str = "tcp.xlogin_banner_7777 \"sent the banner \\\"xlogin:\\\" from TCP 7777\" (first seen 2024-03-01T00:00:00.310Z)";
const QUAD7_LISTEN: &str = "tcp.listening_7777 \"accepted a connection on TCP 7777\" (first seen 2024-03-01T00:00:00.300Z)";
const QUAD7_SOCKS: &str = "tcp.socks5_11288 \"answered SOCKS5 method selection on TCP 11288\" (first seen 2024-03-01T00:00:00.350Z)";
const QUAD7_LISTEN_SOCKS: &str = "tcp.listening_11288 \"accepted a connection on TCP 11288\" (first seen 2024-03-01T00:00:00.330Z)";
const C7_UNKNOWN: &str = "model \"Archer_C7\" (hostname \"Archer_C7\"), hardware version unknown (affected: V2)";
const WR841N_CLASS: &str = "model \"TL-WR841N\" (dhcp.vendor_class \"TL-WR841N\")";
const C7_V2: &str = "model \"Archer C7\" (model reported by upnp), hardware version 2 (upnp.model_number \"2.0\")";

fn brand_cases() -> Vec<Case> {
    vec![
    flag(
        "50:c7:bf:30:00:01",
        "Omada",
        "high",
        &[TPLINK_OUI, "medium dhcp hostname-model hostname=EAP245", "medium omada omada-discovery omada.discovery_sent_to=255.255.255.255"],
        &[],
    ),
    flag(
        "50:c7:bf:30:00:02",
        "JetStream",
        "high",
        &[TPLINK_OUI, "high lldp lldp-system-description lldp.system_description=JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots"],
        &[],
    ),
    flag("50:c7:bf:30:00:03", "Kasa", "high", &[TPLINK_OUI, "medium dhcp hostname-model hostname=ES20M"], &[]),
    flag("50:c7:bf:30:00:04", "Tapo", "high", &[TPLINK_OUI, "medium dhcp hostname-model hostname=C310"], &[]),
    flag(
        "50:c7:bf:30:00:05",
        "Deco",
        "high",
        &[
            TPLINK_OUI,
            "high upnp upnp-manufacturer upnp.manufacturer=TP-Link",
            "high upnp upnp-manufacturer-url upnp.manufacturer_url=https://www.tp-link.com",
            "medium upnp model-name model=Deco X20",
            "medium upnp upnp-friendly-name upnp.friendly_name=Deco X20",
        ],
        &[],
    ),
    flag(
        "50:c7:bf:30:00:06",
        "TP-Link",
        "high",
        &[TPLINK_OUI, "medium dhcp hostname-model hostname=Archer_C7"],
        &[("CVE-2025-9377", C7_UNKNOWN), ("CVE-2015-3035", C7_UNKNOWN)],
    ),
    flag(
        "00:eb:d8:30:00:07",
        "Mercusys",
        "high",
        &["high oui vendor vendor=MERCUSYS TECHNOLOGIES CO., LTD.", "medium ssdp ssdp-server ssdp.server=Linux/4.4 UPnP/1.0 MERCUSYS MR70X/1.0"],
        &[],
    ),
    flag("02:c1:ee:00:30:08", "Mercusys", "medium", &["medium dhcp hostname-model hostname=Halo_H50G"], &[]),
    flag(
        "50:c7:bf:30:00:09",
        "Aginet",
        "high",
        &[
            TPLINK_OUI,
            "high upnp upnp-manufacturer upnp.manufacturer=TP-Link",
            "high upnp upnp-manufacturer-url upnp.manufacturer_url=https://www.tp-link.com",
            "medium upnp upnp-friendly-name upnp.friendly_name=Aginet HB810",
        ],
        &[],
    ),
    flag("50:c7:bf:30:00:0a", "VIGI", "high", &[TPLINK_OUI, "medium dhcp hostname-model hostname=VIGI-C340"], &[]),
    flag(
        "50:c7:bf:30:00:0b",
        "Festa",
        "high",
        &[TPLINK_OUI, "high lldp lldp-system-description lldp.system_description=Festa FS310GP 10-Port Gigabit Smart Switch"],
        &[],
    ),
    flag("50:c7:bf:30:00:0c", "Neffos", "high", &[TPLINK_OUI, "medium dhcp hostname-model hostname=Neffos-C5"], &[]),
    // KEV models by SSDP SERVER, with their hardware versions
    flag(
        "50:c7:bf:30:00:10",
        "TP-Link",
        "high",
        &[TPLINK_OUI, "medium ssdp model-name model=TL-WR940N", "medium ssdp ssdp-server ssdp.server=ipos/7.0 UPnP/1.0 TL-WR940N/4.0"],
        &[("CVE-2023-33538", "model \"TL-WR940N\", hardware version 4 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WR940N/4.0\")")],
    ),
    flag(
        "50:c7:bf:30:00:11",
        "TP-Link",
        "high",
        &[TPLINK_OUI, "medium ssdp model-name model=TL-WR740N", "medium ssdp ssdp-server ssdp.server=ipos/7.0 UPnP/1.0 TL-WR740N/2.0"],
        &[("CVE-2023-33538", "model \"TL-WR740N\", hardware version 2 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WR740N/2.0\")")],
    ),
    flag(
        "50:c7:bf:30:00:12",
        "TP-Link",
        "high",
        &[TPLINK_OUI, "medium ssdp model-name model=TL-WA855RE", "medium ssdp ssdp-server ssdp.server=ipos/7.0 UPnP/1.0 TL-WA855RE/5.0"],
        &[("CVE-2020-24363", "model \"TL-WA855RE\", hardware version 5 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WA855RE/5.0\")")],
    ),
    flag("50:c7:bf:30:00:13", "TP-Link", "high", &[TPLINK_OUI, "medium ssdp model-name model=TL-WA855RE", "medium ssdp ssdp-server ssdp.server=ipos/7.0 UPnP/1.0 TL-WA855RE/4.0"], &[]),
    flag(
        "50:c7:bf:30:00:14",
        "TP-Link",
        "high",
        &[TPLINK_OUI, "medium ssdp model-name model=TL-WDR3600", "medium ssdp ssdp-server ssdp.server=ipos/7.0 UPnP/1.0 TL-WDR3600/1.0"],
        &[("CVE-2015-3035", "model \"TL-WDR3600\", hardware version 1 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WDR3600/1.0\")")],
    ),
    // a KEV model by DHCP vendor class, hardware unknown: every entry for it
    flag(
        "50:c7:bf:30:00:15",
        "TP-Link",
        "high",
        &[TPLINK_OUI, "high dhcp dhcp-vendor-class-model dhcp.vendor_class=TL-WR841N"],
        &[
            ("CVE-2023-33538", "model \"TL-WR841N\" (dhcp.vendor_class \"TL-WR841N\"), hardware version unknown (affected: V8, V10)"),
            ("CVE-2025-9377", "model \"TL-WR841N\" (dhcp.vendor_class \"TL-WR841N\"), hardware version unknown (affected: V9)"),
            ("CVE-2023-50224", WR841N_CLASS),
            ("CVE-2015-3035", "model \"TL-WR841N\" (dhcp.vendor_class \"TL-WR841N\"), hardware version unknown (affected: V9, V10)"),
        ],
    ),
    // Archer C7 by UPnP description: hardware from modelNumber, V2 affected, V5 not
    flag(
        "50:c7:bf:30:00:16",
        "TP-Link",
        "high",
        &[
            TPLINK_OUI,
            "high upnp upnp-manufacturer upnp.manufacturer=TP-LINK",
            "high upnp upnp-manufacturer-url upnp.manufacturer_url=https://www.tp-link.com",
            "medium upnp model-name model=Archer C7",
            "medium upnp upnp-friendly-name upnp.friendly_name=Archer C7",
        ],
        &[("CVE-2025-9377", C7_V2), ("CVE-2015-3035", C7_V2)],
    ),
    flag(
        "50:c7:bf:30:00:17",
        "TP-Link",
        "high",
        &[
            TPLINK_OUI,
            "high upnp upnp-manufacturer upnp.manufacturer=TP-LINK",
            "high upnp upnp-manufacturer-url upnp.manufacturer_url=https://www.tp-link.com",
            "medium upnp model-name model=Archer C7",
            "medium upnp upnp-friendly-name upnp.friendly_name=Archer C7",
        ],
        &[],
    ),
    // Quad7: every indicator on the TP-Link router; none on a PC with the same banner
    flag(
        "50:c7:bf:30:00:20",
        "TP-Link",
        "high",
        &[TPLINK_OUI],
        &[
            ("quad7-xlogin-7777", QUAD7_XLOGIN),
            ("quad7-listen-7777", QUAD7_LISTEN),
            ("quad7-socks-11288", QUAD7_SOCKS),
            ("quad7-listen-11288", QUAD7_LISTEN_SOCKS),
        ],
    ),
    nothing("00:1b:21:c1:00:21"),
    nothing("00:1b:21:c1:00:f2"),
    // TDDP requests reaching a TP-Link router
    flag(
        "50:c7:bf:30:00:22",
        "TP-Link",
        "high",
        &[TPLINK_OUI],
        &[("tddp-requests", "tddp.request_from \"00:1b:21:c1:00:f1\" (first seen 2024-03-01T00:00:00.380Z)")],
    ),
    // a Hikvision camera: nothing for tp-link (see the fcc-covered test)
    nothing("44:19:b6:30:00:30"),
    nothing("00:1b:21:c1:00:f1"),
    ]
}

#[test]
fn crafted_each_brand_kev_model_quad7_and_tddp() {
    check_all(&crafted("classify-brands.pcap"), &brand_cases());
}

/// The table lists flagged devices first, with brand and confidence.
/// Facts one host tells about another, and one model told by several protocols.
fn attribution_cases() -> Vec<Case> {
    vec![
        // the Pi-hole's answer names the gateway's address: the gateway gets the evidence
        flag("02:c1:ee:00:00:40", "TP-Link", "high", &["high dns dns-admin-name dns.admin_name=tplinkwifi.net"], &[]),
        // the forwarder, the asker, and nobody for the address no device holds
        nothing("b8:27:eb:40:00:41"),
        nothing("0a:c1:ee:00:00:f0"),
        // SSDP named the model first; the UPnP description names it too and is its source
        flag(
            "02:c1:ee:00:00:42",
            "TP-Link",
            "high",
            &[
                "high upnp upnp-manufacturer upnp.manufacturer=TP-Link",
                "high upnp upnp-manufacturer-url upnp.manufacturer_url=https://www.tp-link.com",
                "medium upnp model-name model=Archer C6",
                "medium ssdp ssdp-server ssdp.server=Linux/3.3.8 UPnP/1.0 Archer C6/2.0",
                "medium upnp upnp-friendly-name upnp.friendly_name=Archer C6",
            ],
            &[],
        ),
        // SSDP then devDiscover with the same model: the decoded protocol tells it (high)
        flag(
            "02:c1:ee:00:00:43",
            "TP-Link",
            "high",
            &["high tplink5001 udp5001-broadcast model=TL-XDR3010", "medium ssdp ssdp-server ssdp.server=vxWorks/5.5 UPnP/1.0 TL-XDR3010/2.0"],
            &[],
        ),
        // another vendor's model from its SERVER: a model, no evidence
        nothing("02:c1:ee:00:00:44"),
        nothing("00:1b:21:c1:00:f1"),
    ]
}

#[test]
fn crafted_attribution_across_hosts_and_protocols() {
    let f = crafted("classify-attribution.pcap");
    check_all(&f, &attribution_cases());
    let inv = inventory(&f, &[]);
    let models: Vec<(&str, &str)> =
        devices(&inv).iter().filter_map(|d| Some((d["mac"].as_str()?, d["model"].as_str()?))).collect();
    assert_eq!(models, [("02:c1:ee:00:00:42", "Archer C6"), ("02:c1:ee:00:00:43", "TL-XDR3010"), ("02:c1:ee:00:00:44", "DCS-935L")]);
    // The admin name sits on the gateway only; no device was made for 192.168.10.99.
    let named: Vec<&str> = devices(&inv).iter().filter(|d| !d["dns"]["admin_name"].is_null()).map(|d| d["mac"].as_str().unwrap()).collect();
    assert_eq!(named, ["02:c1:ee:00:00:40"]);
    assert!(!devices(&inv).iter().any(|d| d["ipv4"].to_string().contains("192.168.10.99")), "{inv:#}");
}

#[test]
fn table_lists_flagged_devices_first() {
    let o = quietwire(&["read", &crafted("classify-conflicts.pcap")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let rows: Vec<&str> = text.lines().skip(1).take_while(|l| !l.is_empty()).collect();
    let marks: Vec<&str> = rows.iter().map(|r| if r.starts_with("!! ") { r.split("  ").next().unwrap() } else { "" }).collect();
    assert_eq!(marks, vec!["!! TP-Link high", "!! Deco medium", "!! Kasa medium", "", "", "", "", "", ""], "{text}");
    assert!(text.contains("9 devices, 3 flagged"), "{text}");
}

// ------------------------------------------------------------------ explain

#[test]
fn explain_shows_every_piece_of_evidence_and_the_conflict() {
    let f = crafted("classify-conflicts.pcap");
    let o = quietwire(&["explain", "24:0a:c4:20:00:04", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let head: Vec<&str> = text.lines().take(5).collect();
    assert_eq!(
        head,
        vec![
            "24:0a:c4:20:00:04  (24:0a:c4 Espressif Inc.)",
            "  seen 2024-03-01T00:00:00.040Z to 2024-03-01T00:00:00.040Z, 1 frames sent",
            "  FLAGGED on tp-link: brand Kasa, confidence medium",
            "    [   high] kasa       model \"HS100(US)\" (rule kasa-sysinfo)  (first seen 2024-03-01T00:00:00.040Z)",
            "    [against] oui        24:0a:c4 Espressif Inc.: another vendor's block  (first seen 2024-03-01T00:00:00.040Z)",
        ]
    );
    assert!(text.contains("2024-03-01T00:00:00.040Z  kasa       model \"HS100(US)\""), "{text}");

    // A hint is shown as such, and as a flag when asked for.
    let o = quietwire(&["explain", "b8:27:eb:20:00:01", &f]);
    let text = stdout(&o);
    assert!(text.contains("  not flagged\n  hint only (below the flag threshold) on tp-link: brand TP-Link, confidence low\n"), "{text}");
    assert!(text.contains("    [    low] dhcp       hostname \"tplink-backup\" (rule hostname-word)"), "{text}");
    assert!(text.contains("    [against] oui        b8:27:eb Raspberry Pi Foundation: another vendor's block"), "{text}");
    let o = quietwire(&["explain", "--min-confidence", "low", "b8:27:eb:20:00:01", &f]);
    assert!(stdout(&o).contains("  FLAGGED on tp-link: brand TP-Link, confidence low\n"), "{}", stdout(&o));

    // Nothing to say about the ESP module but its observations.
    let o = quietwire(&["explain", "24:0a:c4:20:00:02", &f]);
    let text = stdout(&o);
    assert!(text.contains("  not flagged\n\nobservations (6):"), "{text}");
    assert!(!text.contains("hint only"), "{text}");

    // An unknown MAC: exit status 1.
    let o = quietwire(&["explain", "02:00:00:00:00:99", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "02:00:00:00:00:99: not seen in the given captures\n");
}

#[test]
fn explain_lists_risks_with_their_evidence() {
    let o = quietwire(&["explain", "02:c1:ee:00:00:09", &crafted("classify-evidence.pcap")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let risks: Vec<&str> = text.lines().filter(|l| l.starts_with("  RISK ")).collect();
    assert_eq!(risks.len(), 3, "{text}");
    assert!(risks[0].starts_with("  RISK CVE-2025-9377 (known-exploited): Archer C7(EU) V2 / TL-WR841N/ND(MS) V9"), "{text}");
    assert!(risks[0].ends_with("— model \"TL-WR841N\", hardware version 9 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WR841N/9.0\")"), "{text}");
    let o = quietwire(&["explain", "50:c7:bf:30:00:20", &crafted("classify-brands.pcap")]);
    let text = stdout(&o);
    assert_eq!(text.lines().filter(|l| l.starts_with("  RISK quad7-") && l.contains("(possible-compromise)")).count(), 4, "{text}");
}

// ------------------------------------------------------------------ rules files

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn bad_rules_files_are_clear_errors_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let f = crafted("classify-evidence.pcap");
    let missing = dir.path().join("missing.toml").display().to_string();
    let cases = [
        (missing.clone(), vec![missing.as_str(), "No such file"]),
        (write(dir.path(), "syntax.toml", "name = 'tp-link'\n[[rule]\n"), vec!["syntax.toml", "TOML parse error"]),
        (
            write(dir.path(), "pattern.toml", "name='tp-link'\n[[rule]]\nid='lab-broken'\nfield='hostname'\npattern='(('\nconfidence='high'\n"),
            vec!["pattern.toml", "\"lab-broken\"", "bad pattern"],
        ),
        (
            write(dir.path(), "field.toml", "name='tp-link'\n[[rule]]\nid='lab-field'\nfield='dhcp'\npattern='x'\nconfidence='high'\n"),
            vec!["field.toml", "\"lab-field\"", "unknown field \"dhcp\""],
        ),
        (
            write(dir.path(), "capture.toml", "name='tp-link'\n[[rule]]\nid='lab-cap'\nfield='hostname'\npattern='(?P<modle>x)'\nconfidence='high'\n"),
            vec!["capture.toml", "\"lab-cap\"", "unknown capture group \"modle\""],
        ),
        (
            write(dir.path(), "hw.toml", "name='tp-link'\n[[risk]]\nid='LAB-1'\ntitle='t'\naffects=[{model='x', hardware=['v2-final']}]\n"),
            vec!["hw.toml", "\"LAB-1\"", "is not a hardware version"],
        ),
        (
            write(dir.path(), "confidence.toml", "name='tp-link'\n[[rule]]\nid='lab-c'\nfield='hostname'\npattern='x'\nconfidence='certain'\n"),
            vec!["confidence.toml", "certain"],
        ),
        (write(dir.path(), "key.toml", "name='tp-link'\nrisks=[]\n"), vec!["key.toml", "risks"]),
    ];
    for (path, needles) in cases {
        for cmd in [vec!["read", "--rules", &path, &f], vec!["explain", "--rules", &path, "02:c1:ee:00:00:13", &f]] {
            let o = quietwire(&cmd);
            assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
            assert!(o.stdout.is_empty(), "{cmd:?}: nothing is printed: {}", stdout(&o));
            let err = stderr(&o);
            for n in &needles {
                assert!(err.contains(n), "{cmd:?}: {n:?} not in {err}");
            }
        }
    }
}

#[test]
fn rules_files_override_and_add() {
    let dir = tempfile::tempdir().unwrap();
    let f = crafted("classify-evidence.pcap");
    // Same list: the Omada rule by id, at low; a new risk on a model.
    let over = write(
        dir.path(),
        "mine.toml",
        "name = 'tp-link'\n[[rule]]\nid = 'omada-discovery'\nfield = 'omada.discovery_sent_to'\npattern = '.'\nconfidence = 'low'\nbrand = 'Omada'\n\
         [[risk]]\nid = 'LAB-KP115'\ntitle = 'lab: KP115 firmware to replace'\naffects = [{ model = '^KP115$', hardware = ['1'] }]\n",
    );
    let inv = inventory(&f, &["--rules", &over]);
    let eap = device(&inv, "02:c1:ee:00:00:13");
    assert_eq!(eap["flags"].as_array().unwrap().len(), 0);
    assert_eq!(evidence_lines(&eap["hints"][0]), vec!["low omada omada-discovery omada.discovery_sent_to=255.255.255.255"]);
    let kp = device(&inv, "02:c1:ee:00:00:04");
    assert_eq!(
        risk_pairs(kp),
        vec![("LAB-KP115".to_string(), "model \"KP115\" (hostname \"KP115\"), hardware version unknown (affected: V1)".to_string())]
    );
    // A new list beside tp-link, flagging by role.
    let lab = write(dir.path(), "lab.toml", "name = 'lab'\nbrand = 'Lab'\n[[rule]]\nid = 'dns-server'\nfield = 'dns.admin_name'\npattern = '.'\nconfidence = 'medium'\n");
    let inv = inventory(&f, &["--rules", &lab, "--flagged"]);
    let gw = device(&inv, "02:c1:ee:00:00:0d");
    let lists: Vec<(&str, &str, &str)> = gw["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["watchlist"].as_str().unwrap(), f["brand"].as_str().unwrap(), f["confidence"].as_str().unwrap()))
        .collect();
    assert_eq!(lists, vec![("tp-link", "TP-Link", "high"), ("lab", "Lab", "medium")]);
}

#[test]
fn fcc_covered_list_uses_the_same_engine() {
    let f = crafted("classify-brands.pcap");
    let inv = inventory(&f, &["--watchlist", "fcc-covered", "--flagged"]);
    let macs: Vec<&str> = devices(&inv).iter().map(|d| d["mac"].as_str().unwrap()).collect();
    assert_eq!(macs, vec!["44:19:b6:30:00:30"]);
    let f0 = &devices(&inv)[0]["flags"][0];
    assert_eq!((f0["watchlist"].as_str().unwrap(), f0["brand"].as_str().unwrap(), f0["confidence"].as_str().unwrap()), ("fcc-covered", "Hikvision", "high"));
    assert_eq!(
        evidence_lines(f0),
        vec![
            "high oui vendor vendor=Hangzhou Hikvision Digital Technology Co.,Ltd.",
            "medium ssdp ssdp-server ssdp.server=Linux/3.0.8 UPnP/1.0 Hikvision-Webs/1.0",
        ]
    );
    // Both lists at once: each device on its own list.
    let inv = inventory(&f, &["--watchlist", "tp-link", "--watchlist", "fcc-covered", "--flagged"]);
    assert_eq!(devices(&inv).len(), brand_cases().iter().filter(|c| c.kind == Kind::Flag).count() + 1);
    assert_eq!(device(&inv, "44:19:b6:30:00:30")["flags"][0]["watchlist"], "fcc-covered");
    assert_eq!(device(&inv, "50:c7:bf:30:00:01")["flags"].as_array().unwrap().len(), 1);
}

// ------------------------------------------------------------------ real TP-Link captures

const SENTINEL: &str = "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel";

/// Every IoT Sentinel setup run of the Kasa HS100 and HS110 plugs (20 each): Kasa, high,
/// from the TP-Link block, the DHCP name and the cloud name the plug asks.
#[test]
fn real_kasa_hs100_hs110_setup_runs() {
    for (dir, mac, name) in [("TP-LinkPlugHS100", "50:c7:bf:00:fc:a3", "HS100(EU)"), ("TP-LinkPlugHS110", "50:c7:bf:00:c7:03", "HS110(EU)")] {
        let root = real_root().join(SENTINEL).join(dir);
        let Ok(entries) = std::fs::read_dir(&root) else {
            eprintln!("skipping: {} not found", root.display());
            return;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "pcap")).collect();
        files.sort();
        assert_eq!(files.len(), 20, "{}", root.display());
        for path in files {
            let f = path.display().to_string();
            let inv = inventory(&f, &["--flagged"]);
            assert_eq!(devices(&inv).len(), 1, "{f}: only the plug is flagged");
            let d = device(&inv, mac);
            let named = format!("medium dhcp hostname-model hostname={name}");
            let ev = [TPLINK_OUI, named.as_str(), "low dns dns-cloud-query dns_query=devs.tplinkcloud.com"];
            check(&inv, &flag(mac, "Kasa", "high", &ev, &[]), &f);
            assert!(d["hints"].as_array().unwrap().is_empty(), "{f}");
        }
    }
}

const SHHCP: &str = "smart-home-hidden-communication-patterns/devices";

/// Tapo boots: the DHCP name is the model (C200, L530, P110, P115); the cloud names are
/// weak and add nothing to the block's high confidence.
#[test]
fn real_tapo_boots() {
    let cases: [(&str, Vec<Case>); 4] = [
        (
            "cameras/TapoCamera/node_pruning/boot/0_root/traces/1741368970.anon.pcap",
            vec![
                flag(
                    "1c:61:b4:c3:0e:95",
                    "Tapo",
                    "high",
                    &[
                        TPLINK_SYSTEMS_OUI,
                        "medium dhcp hostname-model hostname=C200",
                        "low dns dns-cloud-query dns_query=aps1-relay-dcipc-beta.i.tplinknbu.com",
                        "low dns dns-cloud-query dns_query=security.iot.i.tplinknbu.com",
                        "low dns dns-cloud-query dns_query=euw1-device-cloudgateway.iot.i.tplinknbu.com",
                        "low dns dns-cloud-query dns_query=euw1-device-tapo-care.i.tplinknbu.com",
                    ],
                    &[],
                ),
                // the same camera under its other anonymised MAC
                flag("1c:61:b4:e9:49:b6", "TP-Link", "high", &[TPLINK_SYSTEMS_OUI], &[]),
            ],
        ),
        (
            "lights/TapoLight/node_pruning/boot/0_root/traces/1741342116.anon.pcap",
            vec![
                flag(
                    "54:af:97:44:60:fe",
                    "Tapo",
                    "high",
                    &[
                        TPLINK_SYSTEMS_OUI,
                        "medium dhcp hostname-model hostname=L530",
                        "low dns dns-cloud-query dns_query=security.iot.i.tplinknbu.com",
                        "low dns dns-cloud-query dns_query=euw1-device-cloudgateway-backup.iot.i.tplinknbu.com",
                    ],
                    &[],
                ),
                flag("54:af:97:2f:11:6f", "TP-Link", "high", &[TPLINK_SYSTEMS_OUI], &[]),
            ],
        ),
        (
            "plugs/TapoPlug/node_pruning/boot/0_root/traces/1741865678.anon.pcap",
            vec![
                flag(
                    "9c:53:22:28:e5:ed",
                    "Tapo",
                    "high",
                    &[
                        TPLINK_SYSTEMS_OUI,
                        "medium dhcp hostname-model hostname=P110",
                        "low dns dns-cloud-query dns_query=security.iot.i.tplinknbu.com",
                        "low dns dns-cloud-query dns_query=euw1-device-cloudgateway.iot.i.tplinknbu.com",
                        "low dns dns-cloud-query dns_query=n-euw1-device-api.tplinkcloud.com",
                        "low dns dns-cloud-query dns_query=aps1-openapi.i.tplinknbu.com",
                    ],
                    &[],
                ),
                flag("9c:53:22:a2:56:35", "TP-Link", "high", &[TPLINK_SYSTEMS_OUI], &[]),
            ],
        ),
        (
            "../../ss-for-iot-MUD/tapo-p115/G06-tapo-p115.pcap",
            vec![flag(
                "40:ae:30:46:6e:a8",
                "Tapo",
                "high",
                &[
                    TPLINK_SYSTEMS_OUI,
                    "medium dhcp hostname-model hostname=P115",
                    "low dns dns-cloud-query dns_query=security.iot.i.tplinknbu.com",
                    "low dns dns-cloud-query dns_query=euw1-device-cloudgateway.iot.i.tplinknbu.com",
                    "low dns dns-cloud-query dns_query=n-euw1-device-api.tplinkcloud.com",
                    "low dns dns-cloud-query dns_query=aps1-openapi.i.tplinknbu.com",
                ],
                &[],
            )],
        ),
    ];
    for (rel, flagged) in cases {
        let Some(f) = real(&format!("{SHHCP}/{rel}")) else { continue };
        let inv = inventory(&f, &["--flagged", "--min-confidence", "low"]);
        let macs: Vec<&str> = devices(&inv).iter().map(|d| d["mac"].as_str().unwrap()).collect();
        let mut want: Vec<&str> = flagged.iter().map(|c| c.mac).collect();
        want.sort_unstable();
        assert_eq!(macs, want, "{f}");
        let inv = inventory(&f, &[]);
        for c in &flagged {
            check(&inv, c, &f);
        }
    }
}

/// The Tapo app session: camera, plug and bulb answer TDP (brand from the device type),
/// the HS110 answers Kasa.
#[test]
fn real_tapo_and_kasa_discovery_replies() {
    let tdp = |mac, model: &str, kind: &str| {
        let (m, k) = (format!("high tdp tdp-reply model={model}"), format!("high tdp tdp-device-type tdp.device_type={kind}"));
        flag(mac, "Tapo", "high", &[TPLINK_SYSTEMS_OUI, &m, &k], &[])
    };
    let hs110 = flag("50:c7:bf:f5:a0:83", "Kasa", "high", &[TPLINK_OUI, "high kasa kasa-sysinfo model=HS110(FR)"], &[]);
    let files: [(&str, Vec<Case>); 3] = [
        (
            "cameras/TapoCamera/node_pruning/stream/0_root/traces/1732642546.anon.pcap",
            vec![
                tdp("1c:61:b4:c3:0e:95", "C200", "SMART.IPCAMERA"),
                flag("50:c7:bf:f5:a0:83", "Kasa", "high", &[TPLINK_OUI, "high kasa kasa-sysinfo model=HS110(FR)"], &[]),
                tdp("54:af:97:44:60:fe", "L530E(EU)", "SMART.TAPOBULB"),
                tdp("9c:53:22:28:e5:ed", "P110(FR)", "SMART.TAPOPLUG"),
            ],
        ),
        ("plugs/TpLinkPlug/node_pruning/toggle/0_root/traces/1732175631.anon.pcap", vec![hs110, tdp("9c:53:22:28:e5:ed", "P110(FR)", "SMART.TAPOPLUG")]),
        (
            "../../iot-firewall/data/traces/tplink-plug/tp-link.pcap",
            vec![flag("50:c7:bf:ed:0a:54", "Kasa", "high", &[TPLINK_OUI, "high kasa kasa-sysinfo model=HS110(FR)"], &[])],
        ),
    ];
    for (rel, flagged) in files {
        let Some(f) = real(&format!("{SHHCP}/{rel}")) else { continue };
        let inv = inventory(&f, &["--flagged", "--min-confidence", "low"]);
        let macs: Vec<&str> = devices(&inv).iter().map(|d| d["mac"].as_str().unwrap()).collect();
        assert_eq!(macs, flagged.iter().map(|c| c.mac).collect::<Vec<_>>(), "{f}");
        let inv = inventory(&f, &[]);
        for c in &flagged {
            check(&inv, c, &f);
        }
    }
}

/// TL-WDR3600 (Zeek's raw_packets): the SSDP SERVER names model and hardware version 1,
/// one of the versions CVE-2015-3035 lists; its second interface has only its block.
#[test]
fn real_tl_wdr3600_is_a_known_exploited_model() {
    let Some(f) = real("zeek/testing/btest/Traces/raw_packets.pcap") else { return };
    let inv = inventory(&f, &["--flagged", "--min-confidence", "low"]);
    assert_eq!(devices(&inv).len(), 2, "{f}");
    let inv = inventory(&f, &[]);
    check(
        &inv,
        &flag(
            "e8:de:27:ff:c0:78",
            "TP-Link",
            "high",
            &[TPLINK_OUI, "medium ssdp model-name model=TL-WDR3600", "medium ssdp ssdp-server ssdp.server=ipos/7.0 UPnP/1.0 TL-WDR3600/1.0"],
            &[("CVE-2015-3035", "model \"TL-WDR3600\", hardware version 1 (ssdp.server \"ipos/7.0 UPnP/1.0 TL-WDR3600/1.0\")")],
        ),
        &f,
    );
    check(&inv, &flag("e8:de:27:ff:c0:77", "TP-Link", "high", &[TPLINK_OUI], &[]), &f);
    // The SERVER's product is the model, in the JSON and in the table's MODEL column.
    assert_eq!(device(&inv, "e8:de:27:ff:c0:78")["model"], "TL-WDR3600");
    assert!(device(&inv, "e8:de:27:ff:c0:77")["model"].is_null());
    let o = quietwire(&["read", &f]);
    let text = stdout(&o);
    let header = text.lines().next().unwrap();
    let col = header.find("MODEL").unwrap();
    let row = text.lines().find(|l| l.contains("e8:de:27:ff:c0:78")).unwrap();
    assert_eq!(row[col..].split_whitespace().next(), Some("TL-WDR3600"), "{text}");
}

/// TL-XDR6030 and TL-XDR1860 (suricata-verify otherhtp): devDiscover and SSDP; no KEV
/// entry names these models.
#[test]
fn real_tl_xdr_routers() {
    let Some(f) = real("suricata-verify/tests/http-multiple100/otherhtp.pcap") else { return };
    let xdr6030: &[&str] = &[
        TPLINK_OUI,
        "high tplink5001 udp5001-broadcast model=TL-XDR6030易展版",
        "medium ssdp ssdp-server ssdp.server=vxWorks/5.5 UPnP/1.0 TL-XDR6030易展版/2.0",
    ];
    let cases = [
        flag("3c:06:a7:58:c3:68", "TP-Link", "high", &[TPLINK_OUI, "high tplink5001 udp5001-broadcast model=TL-XDR1860易展版"], &[]),
        flag("98:97:cc:fa:77:32", "TP-Link", "high", &[TPLINK_OUI], &[]),
        flag("a4:1a:3a:91:a4:19", "TP-Link", "high", xdr6030, &[]),
        flag("a4:1a:3a:91:a4:8d", "TP-Link", "high", xdr6030, &[]),
    ];
    let inv = inventory(&f, &["--flagged", "--min-confidence", "low"]);
    let macs: Vec<&str> = devices(&inv).iter().map(|d| d["mac"].as_str().unwrap()).collect();
    assert_eq!(macs, cases.iter().map(|c| c.mac).collect::<Vec<_>>());
    let inv = inventory(&f, &[]);
    for c in &cases {
        check(&inv, c, &f);
    }
}

// ------------------------------------------------------------------ the whole real corpus

fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            captures(&p, out);
        } else if p.extension().is_some_and(|x| x == "pcap" || x == "pcapng") {
            out.push(p);
        }
    }
}

/// (file, MAC, brand, confidence) flagged in the whole corpus, IoT Sentinel's HS100/HS110
/// runs aside (checked above, one plug per file). Each was looked at: every MAC is on a
/// TP-Link block; the brand is the product line when the capture names the model.
const CORPUS_FLAGGED: &[(&str, &str, &str, &str)] = &[
    ("iot-firewall/data/traces/tplink-plug/tp-link.pcap", "50:c7:bf:ed:0a:54", "Kasa", "high"),
    // the gateway of the Xiaomi camera captures is a TP-Link router (ARP, DHCP server)
    ("iot-firewall/data/traces/xiaomi-cam/arp-request-from-gateway.pcap", "64:66:b3:f6:68:52", "TP-Link", "high"),
    ("iot-firewall/data/traces/xiaomi-cam/dhcp-xiaomi.pcap", "64:66:b3:f6:68:52", "TP-Link", "high"),
    ("pcap-anonymize/test/traces/dhcp.pcap", "50:c7:bf:f5:a0:83", "Kasa", "high"),
    // Tapo devices talking HTTP: only their blocks say TP-Link here
    ("pcap-anonymize/test/traces/http.pcap", "1c:61:b4:c3:0e:95", "TP-Link", "high"),
    ("pcap-anonymize/test/traces/http.pcap", "54:af:97:44:60:fe", "TP-Link", "high"),
    ("pcap-anonymize/test/traces/http.pcap", "9c:53:22:28:e5:ed", "TP-Link", "high"),
    ("pcapplusplus/Tests/Packet++Test/PacketExamples/postgres.pcapng", "8c:90:2d:2d:04:24", "TP-Link", "high"),
    ("smart-home-firewall/eval/cpu/string/wlan5.0.raw.pcap", "50:c7:bf:ed:0a:54", "Kasa", "high"),
    // ARP only; Kasa replies cut by the snapshot length
    ("smart-home-firewall/eval/latency/all-devices/my-firewall/lan.pcap", "50:c7:bf:ed:0a:54", "TP-Link", "high"),
    // raw IP: the MAC comes from the DHCP client hardware address, with the name HS110
    ("smart-home-firewall/eval/latency/all-devices/my-firewall/tplink-plug.pcap", "50:c7:bf:ed:0a:54", "Kasa", "high"),
    ("smart-home-firewall/eval/latency/all-devices/my-firewall/wlan2.4.pcap", "50:c7:bf:ed:0a:54", "TP-Link", "high"),
    ("smart-home-firewall/eval/latency/tplink-plug/my-firewall/lan.pcap", "50:c7:bf:ed:0a:54", "Kasa", "high"),
    ("smart-home-firewall/eval/latency/tplink-plug/no-firewall/wlan5.0.pcap", "50:c7:bf:ed:0a:54", "Kasa", "high"),
    ("smart-home-hidden-communication-patterns/devices/cameras/TapoCamera/node_pruning/boot/0_root/traces/1741368970.anon.pcap", "1c:61:b4:c3:0e:95", "Tapo", "high"),
    ("smart-home-hidden-communication-patterns/devices/cameras/TapoCamera/node_pruning/boot/0_root/traces/1741368970.anon.pcap", "1c:61:b4:e9:49:b6", "TP-Link", "high"),
    ("smart-home-hidden-communication-patterns/devices/cameras/TapoCamera/node_pruning/stream/0_root/traces/1732642546.anon.pcap", "1c:61:b4:c3:0e:95", "Tapo", "high"),
    ("smart-home-hidden-communication-patterns/devices/cameras/TapoCamera/node_pruning/stream/0_root/traces/1732642546.anon.pcap", "50:c7:bf:f5:a0:83", "Kasa", "high"),
    ("smart-home-hidden-communication-patterns/devices/cameras/TapoCamera/node_pruning/stream/0_root/traces/1732642546.anon.pcap", "54:af:97:44:60:fe", "Tapo", "high"),
    ("smart-home-hidden-communication-patterns/devices/cameras/TapoCamera/node_pruning/stream/0_root/traces/1732642546.anon.pcap", "9c:53:22:28:e5:ed", "Tapo", "high"),
    ("smart-home-hidden-communication-patterns/devices/lights/TapoLight/node_pruning/boot/0_root/traces/1741342116.anon.pcap", "54:af:97:2f:11:6f", "TP-Link", "high"),
    ("smart-home-hidden-communication-patterns/devices/lights/TapoLight/node_pruning/boot/0_root/traces/1741342116.anon.pcap", "54:af:97:44:60:fe", "Tapo", "high"),
    ("smart-home-hidden-communication-patterns/devices/plugs/TapoPlug/node_pruning/boot/0_root/traces/1741865678.anon.pcap", "9c:53:22:28:e5:ed", "Tapo", "high"),
    ("smart-home-hidden-communication-patterns/devices/plugs/TapoPlug/node_pruning/boot/0_root/traces/1741865678.anon.pcap", "9c:53:22:a2:56:35", "TP-Link", "high"),
    ("smart-home-hidden-communication-patterns/devices/plugs/TpLinkPlug/node_pruning/boot/0_root/traces/1741766912.anon.pcap", "50:c7:bf:ed:0a:54", "TP-Link", "high"),
    ("smart-home-hidden-communication-patterns/devices/plugs/TpLinkPlug/node_pruning/boot/0_root/traces/1741766912.anon.pcap", "50:c7:bf:f5:a0:83", "Kasa", "high"),
    ("smart-home-hidden-communication-patterns/devices/plugs/TpLinkPlug/node_pruning/toggle/0_root/traces/1732175631.anon.pcap", "50:c7:bf:f5:a0:83", "Kasa", "high"),
    ("smart-home-hidden-communication-patterns/devices/plugs/TpLinkPlug/node_pruning/toggle/0_root/traces/1732175631.anon.pcap", "9c:53:22:28:e5:ed", "Tapo", "high"),
    ("ss-for-iot-MUD/tapo-p115/G06-tapo-p115.pcap", "40:ae:30:46:6e:a8", "Tapo", "high"),
    ("suricata-verify/tests/http-multiple100/otherhtp.pcap", "3c:06:a7:58:c3:68", "TP-Link", "high"),
    ("suricata-verify/tests/http-multiple100/otherhtp.pcap", "98:97:cc:fa:77:32", "TP-Link", "high"),
    ("suricata-verify/tests/http-multiple100/otherhtp.pcap", "a4:1a:3a:91:a4:19", "TP-Link", "high"),
    ("suricata-verify/tests/http-multiple100/otherhtp.pcap", "a4:1a:3a:91:a4:8d", "TP-Link", "high"),
    // a TP-Link router's Router Advertisements
    ("tcpdump/tests/icmpv6_opt24.pcap", "14:cf:92:87:23:d6", "TP-Link", "high"),
    ("zeek/testing/btest/Traces/igmp/home-multicast-short.pcap", "98:da:c4:c9:80:a8", "TP-Link", "high"),
    ("zeek/testing/btest/Traces/raw_packets.pcap", "e8:de:27:ff:c0:77", "TP-Link", "high"),
    ("zeek/testing/btest/Traces/raw_packets.pcap", "e8:de:27:ff:c0:78", "TP-Link", "high"),
    ("zeek/testing/btest/Traces/udp-broadcast.pcap", "e8:de:27:ff:c0:78", "TP-Link", "high"),
];

/// One flag seen in the corpus: file, MAC, brand, confidence, how many risks.
type Flagged = (String, String, String, String, usize);

/// Over every capture of the real corpus (one run per file, as each is its own network):
/// the flagged devices are exactly the expected TP-Link ones, and no device anywhere holds
/// a TP-Link hint, so no other vendor's device carries TP-Link evidence.
#[test]
fn real_corpus_flags_exactly_the_tplink_devices() {
    let root = real_root();
    let mut files = Vec::new();
    captures(&root, &mut files);
    if files.is_empty() {
        eprintln!("skipping: {} not found", root.display());
        return;
    }
    files.sort();
    let rel = |p: &Path| p.strip_prefix(&root).unwrap().display().to_string();
    let results: Vec<Vec<Flagged>> = std::thread::scope(|s| {
        let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for p in chunk {
                        let path = p.display().to_string();
                        let o = quietwire(&["read", "-f", "json", "--flagged", "--min-confidence", "low", &path]);
                        // Corrupt and unsupported files fail by design; they flag nothing.
                        let Ok(inv) = serde_json::from_slice::<Value>(&o.stdout) else { continue };
                        for d in devices(&inv) {
                            for f in d["flags"].as_array().unwrap() {
                                let field = |k: &str| f[k].as_str().unwrap().to_string();
                                let risks = d["risks"].as_array().unwrap().len();
                                out.push((rel(p), d["mac"].as_str().unwrap().to_string(), field("brand"), field("confidence"), risks));
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut got: Vec<(String, String, String, String)> = Vec::new();
    let mut risky: Vec<(String, String)> = Vec::new();
    for (file, mac, brand, conf, risks) in results.into_iter().flatten() {
        if risks > 0 {
            risky.push((file.clone(), mac.clone()));
        }
        if file.contains("TP-LinkPlugHS100/") || file.contains("TP-LinkPlugHS110/") {
            let want = if file.contains("HS100") { "50:c7:bf:00:fc:a3" } else { "50:c7:bf:00:c7:03" };
            assert_eq!((mac.as_str(), brand.as_str(), conf.as_str()), (want, "Kasa", "high"), "{file}");
            continue;
        }
        got.push((file, mac, brand, conf));
    }
    got.sort();
    let want: Vec<(String, String, String, String)> =
        CORPUS_FLAGGED.iter().map(|(f, m, b, c)| (f.to_string(), m.to_string(), b.to_string(), c.to_string())).collect();
    let unexpected: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    assert!(unexpected.is_empty() && missing.is_empty(), "flagged but not expected: {unexpected:#?}\nexpected but not flagged: {missing:#?}");
    assert_eq!(got.len(), want.len(), "a device flagged twice in one file");
    assert_eq!(risky, vec![("zeek/testing/btest/Traces/raw_packets.pcap".to_string(), "e8:de:27:ff:c0:78".to_string())]);
}
