//! Passive UPnP description harvesting, end to end (captures/crafted/upnp-*.pcap from
//! tests/gen/upnp.py; the real Philips Hue fetch read in place from ../shared).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn cap(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures").join(rel).display().to_string()
}

fn inventory(file: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_quietwire")).args(["read", "-f", "json", file]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    inv["devices"].as_array().unwrap().iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no {mac}"))
}

const ROUTER: &str = "50:c7:bf:aa:10:01";
const CLIENT: &str = "00:1b:21:00:10:02";

fn assert_archer(inv: &Value, model: &str) {
    let r = device(inv, ROUTER);
    assert_eq!(r["model"], model);
    let u = &r["upnp"];
    assert_eq!(u["manufacturer"], "TP-Link");
    assert_eq!(u["manufacturer_url"], "http://www.tp-link.com");
    assert_eq!(u["model_number"], "1.0");
    assert_eq!(u["udn"], "uuid:9f0865b3-f5da-4ad5-85b7-7404637fdf37");
    assert_eq!(u["device_type"], "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
    let kinds: Vec<&str> = r["services"].as_array().unwrap().iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"urn:schemas-upnp-org:device:WANDevice:1"), "{kinds:?}");
    let flag = &r["flags"][0];
    assert_eq!(flag["confidence"], "high");
    assert!(flag["evidence"].as_array().unwrap().iter().any(|e| e["source"] == "upnp" && e["rule"] == "upnp-manufacturer"));
    assert!(r["risks"].as_array().unwrap().iter().any(|k| k["id"] == "CVE-2023-1389" && k["kind"] == "known-exploited"));
}

#[test]
fn out_of_order_segments_with_retransmission() {
    let inv = inventory(&cap("crafted/upnp-out-of-order.pcap"));
    assert_archer(&inv, "Archer AX21");
    let client = device(&inv, CLIENT);
    assert_eq!(client["upnp"], Value::Null, "the client that fetched it gets nothing");
    assert!(client["flags"].as_array().unwrap().is_empty());
}

#[test]
fn capture_starting_after_the_handshake_on_an_announced_high_port() {
    let inv = inventory(&cap("crafted/upnp-midstream.pcap"));
    assert_archer(&inv, "Archer AX21");
}

#[test]
fn chunked_then_keep_alive() {
    let inv = inventory(&cap("crafted/upnp-chunked-keepalive.pcap"));
    assert_archer(&inv, "Archer AX21 v2");
}

#[test]
fn entity_bomb_is_rejected_and_a_routed_answer_is_not_misattributed() {
    let inv = inventory(&cap("crafted/upnp-bomb-routed.pcap"));
    assert_eq!(device(&inv, ROUTER)["upnp"], Value::Null);
    assert_eq!(device(&inv, "00:11:22:33:10:09")["upnp"], Value::Null, "the gateway only forwarded it");
    assert_eq!(inv["capture"]["malformed"]["upnp"], 1);
    assert_eq!(inv["capture"]["skipped"]["upnp_unattributed"], 1);
}

/// A 10 MB response body: capped, counted, nothing decoded, memory bounded.
#[test]
fn ten_megabyte_body_is_capped_and_counted() {
    let mut pcap = Vec::new();
    for v in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        pcap.extend(v.to_le_bytes());
    }
    let mut frame = |seq: u32, payload: &[u8], t: u32| {
        let mut f = Vec::new();
        f.extend([0x00, 0x1b, 0x21, 0x00, 0x10, 0x02, 0x50, 0xc7, 0xbf, 0xaa, 0x10, 0x01, 0x08, 0x00]);
        let total = (20 + 20 + payload.len()) as u16;
        f.extend([0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0, 0, 64, 6, 0, 0, 192, 168, 0, 1, 192, 168, 0, 100]);
        f.extend(1900u16.to_be_bytes());
        f.extend(51000u16.to_be_bytes());
        f.extend(seq.to_be_bytes());
        f.extend([0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend(payload);
        for v in [t, 0, f.len() as u32, f.len() as u32] {
            pcap.extend(v.to_le_bytes());
        }
        pcap.extend(f);
    };
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 10485760\r\n\r\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>";
    frame(1, head, 1);
    let chunk = vec![b'x'; 1448];
    let mut seq = 1 + head.len() as u32;
    for i in 0..(10_485_760 / 1448) {
        frame(seq, &chunk, 2 + i as u32 / 1000);
        seq = seq.wrapping_add(1448);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.pcap");
    std::fs::write(&path, &pcap).unwrap();
    let inv = inventory(&path.display().to_string());
    let r = device(&inv, ROUTER);
    assert_eq!(r["upnp"], Value::Null);
    assert!(inv["capture"]["limits_hit"]["tcp_stream_bytes"].as_u64().unwrap() >= 1, "{:#}", inv["capture"]);
}

#[test]
fn real_philips_hue_description_fetch() {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/captures/real/smart-home-firewall/eval/latency/philips-hue/my-firewall/wlan5.0.pcap");
    if !f.exists() {
        eprintln!("skipping: {} not found", f.display());
        return;
    }
    let inv = inventory(&f.display().to_string());
    let hue = device(&inv, "00:17:88:74:c2:dc");
    assert_eq!(hue["model"], "Philips hue bridge 2015");
    assert_eq!(hue["upnp"]["model_number"], "BSB002");
    assert_eq!(hue["upnp"]["manufacturer"], "Signify");
    assert_eq!(hue["upnp"]["udn"], "uuid:2f402f80-da50-11e1-9b23-00178874c2dc");
    let with_upnp = inv["devices"].as_array().unwrap().iter().filter(|d| !d["upnp"].is_null()).count();
    assert_eq!(with_upnp, 1, "only the bridge serves a description");
}
