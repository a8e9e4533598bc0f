//! End-to-end: TP-Link's own protocols (Kasa, TDP, Easy Smart, devDiscover on UDP 5001,
//! TDDP, Omada) through the `quietwire` binary, on real captures read in place from the
//! shared corpus (skipped when it is absent) and on the crafted captures written by
//! tests/gen/tplink.py. Values checked against tshark where it dissects the protocol
//! (`tplink-smarthome`) and against the payload bytes otherwise.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

fn real(rel: &str) -> Option<String> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures/real")).join(rel);
    if p.is_file() {
        Some(p.display().to_string())
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

fn crafted(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/crafted").join(name).display().to_string()
}

fn inventory_text(file: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_quietwire"))
        .args(["read", "-f", "json", file])
        .output()
        .expect("run quietwire");
    assert!(o.status.success(), "quietwire failed on {file}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8 JSON")
}

fn inventory(file: &str) -> Value {
    serde_json::from_str(&inventory_text(file)).expect("valid JSON")
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    inv["devices"].as_array().unwrap().iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no device {mac}"))
}

fn protocols(d: &Value) -> Vec<&str> {
    d["protocols"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect()
}

fn claimed(protocol: &str, mac: &str) -> Value {
    json!({"kind": "claimed_mac", "protocol": protocol, "mac": mac})
}

/// No device of the inventory speaks any of the TP-Link protocols.
fn tplink_protocols_absent(inv: &Value) -> bool {
    let ours = ["kasa", "tdp", "easysmart", "tplink5001", "tddp", "omada"];
    inv["devices"].as_array().unwrap().iter().all(|d| protocols(d).iter().all(|p| !ours.contains(p)))
}

// ------------------------------------------------------------------ real captures

/// Kasa app and HS110(FR) plug (iot-firewall). tshark's `tplink_smarthome.msg` for the
/// replies from 9999 (UDP frames 69 …, TCP frame 29 …) gives the same model, alias,
/// dev_name and sw_ver on 50:c7:bf:ed:0a:54.
#[test]
fn kasa_hs110_plug_and_app() {
    let Some(f) = real("iot-firewall/data/traces/tplink-plug/tp-link.pcap") else { return };
    let inv = inventory(&f);
    assert_no_tplink_malformed(&inv);
    let plug = device(&inv, "50:c7:bf:ed:0a:54");
    assert_eq!(plug["model"], "HS110(FR)");
    assert_eq!(plug["firmware"], "1.2.6 Build 200727 Rel.121115");
    assert_eq!(
        plug["kasa"],
        json!({
            "alias": "TP-Link Smart Plug",
            "cloud_server": "n-devs.tplinkcloud.com",
            "dev_name": "Wi-Fi Smart Plug With Energy Monitoring",
            "device_id": "800618EF714FD36BB6212A9F2BDC866018D26FC7",
            "hw_id": "797CB3D09D9A83B1C43A623C6DD103C2",
            "hw_ver": "1.0",
            "mac": "50:c7:bf:ed:0a:54",
            "oem_id": "0D13F703F04C040DC3D27DB248C01A1A",
            "type": "IOT.SMARTPLUGSWITCH"
        })
    );
    assert_eq!(plug["notes"], json!([]), "the payload MAC is the frame's own");
    assert!(plug["roles"].as_array().unwrap().is_empty());
    // The phone asked (UDP 9999 broadcasts, TCP 9999, TDP probes): an app client, not TP-Link.
    let app = device(&inv, "3c:cd:5d:a2:a9:d7");
    assert_eq!(app["roles"], json!(["tplink-app-client"]));
    assert_eq!(app["model"], Value::Null);
    assert!(app.get("kasa").is_none_or(Value::is_null));
    assert_eq!(app["flags"], json!([]));
    assert_eq!(protocols(app), vec!["arp", "ipv6", "ndp", "dns", "kasa", "tdp"]);
}

/// Anonymised capture: frame MACs hashed, payload MACs real → claims, not merges. The
/// HS110 answers Kasa, the P110 answers TDP on 20002.
#[test]
fn kasa_and_tdp_in_anonymised_toggle_capture() {
    let Some(f) = real(
        "smart-home-hidden-communication-patterns/devices/plugs/TpLinkPlug/node_pruning/toggle/0_root/traces/1732175631.anon.pcap",
    ) else {
        return;
    };
    let inv = inventory(&f);
    assert_no_tplink_malformed(&inv);
    let hs110 = device(&inv, "50:c7:bf:f5:a0:83");
    assert_eq!(hs110["model"], "HS110(FR)");
    assert_eq!(hs110["firmware"], "1.2.6 Build 200727 Rel.121115");
    assert_eq!(hs110["kasa"]["alias"], "TP-Link plug");
    assert_eq!(hs110["kasa"]["mac"], "50:c7:bf:ed:0a:54");
    assert_eq!(hs110["notes"], json!([claimed("kasa", "50:c7:bf:ed:0a:54")]));
    assert!(
        inv["devices"].as_array().unwrap().iter().all(|d| d["mac"] != "50:c7:bf:ed:0a:54"),
        "a claim is never a device"
    );
    let p110 = device(&inv, "9c:53:22:28:e5:ed");
    assert_eq!(p110["model"], "P110(FR)");
    assert_eq!(p110["firmware"], Value::Null);
    assert_eq!(p110["tdp"]["device_type"], "SMART.TAPOPLUG");
    assert_eq!(p110["tdp"]["encrypt_type"], "KLAP");
    assert_eq!(p110["tdp"]["version"], 2);
    assert_eq!(p110["notes"], json!([claimed("tdp", "9c:53:22:a2:56:35")]));
    assert!(p110["ipv4"].as_array().unwrap().contains(&json!("192.168.1.134")));
    let app = device(&inv, "7c:b3:7b:be:e1:36");
    assert_eq!(app["roles"], json!(["tplink-app-client"]));
}

/// Tapo app session: C200 camera, P110 plug and L530E bulb answer TDP; the JSON sits
/// behind the 16-byte header (values read from the payload bytes).
#[test]
fn tdp_tapo_camera_plug_bulb() {
    let Some(f) = real(
        "smart-home-hidden-communication-patterns/devices/cameras/TapoCamera/node_pruning/stream/0_root/traces/1732642546.anon.pcap",
    ) else {
        return;
    };
    let inv = inventory(&f);
    assert_no_tplink_malformed(&inv);
    let cam = device(&inv, "1c:61:b4:c3:0e:95");
    assert_eq!(cam["model"], "C200");
    assert_eq!(cam["firmware"], "1.3.15 Build 240715 Rel.43073n(4555)");
    assert_eq!(cam["tdp"]["device_type"], "SMART.IPCAMERA");
    assert_eq!(cam["tdp"]["device_name"], "Tapo camera");
    assert_eq!(cam["tdp"]["hw_ver"], "3.0");
    assert_eq!(cam["tdp"]["encrypt_type"], "3");
    assert_eq!(cam["notes"], json!([claimed("tdp", "1c:61:b4:e9:49:b6")]));
    let bulb = device(&inv, "54:af:97:44:60:fe");
    assert_eq!(bulb["model"], "L530E(EU)");
    assert_eq!(bulb["tdp"]["device_type"], "SMART.TAPOBULB");
    assert_eq!(bulb["notes"], json!([claimed("tdp", "54:af:97:2f:11:6f")]));
    assert_eq!(device(&inv, "9c:53:22:28:e5:ed")["model"], "P110(FR)");
    assert_eq!(device(&inv, "50:c7:bf:f5:a0:83")["model"], "HS110(FR)");
    assert_eq!(device(&inv, "7c:b3:7b:be:e1:36")["roles"], json!(["tplink-app-client"]));
}

/// The three devDiscover broadcasts of TL-XDR routers (suricata-verify): binary records,
/// checksums verify, each router's own MAC and address.
#[test]
fn devdiscover_xdr_routers() {
    let Some(f) = real("suricata-verify/tests/http-multiple100/otherhtp.pcap") else { return };
    let inv = inventory(&f);
    assert!(inv["capture"]["malformed"].get("tplink5001").is_none());
    for (mac, model, fw, hw, ip) in [
        ("a4:1a:3a:91:a4:8d", "TL-XDR6030易展版", "1.8.16", "2.0", "10.25.16.5"),
        ("a4:1a:3a:91:a4:19", "TL-XDR6030易展版", "1.8.16", "2.0", "10.25.16.6"),
        ("3c:06:a7:58:c3:68", "TL-XDR1860易展版", "1.8.12", "1.0", "10.25.17.160"),
    ] {
        let d = device(&inv, mac);
        assert_eq!(d["model"], model, "{mac}");
        assert_eq!(d["firmware"], fw, "{mac}");
        assert_eq!(
            d["tplink5001"],
            json!({"device_name": model, "domain": "tplogin.cn", "hw_ver": hw, "ip": ip, "mac": mac, "msg_type": 1}),
            "{mac}"
        );
        assert!(d["ipv4"].as_array().unwrap().contains(&json!(ip)), "{mac}");
        assert_eq!(d["notes"], json!([]), "{mac}");
    }
}

/// Replies cut by a 150-byte snapshot length: counted as skipped, not malformed.
#[test]
fn kasa_snaplen_cut_replies_are_skipped_not_malformed() {
    let Some(f) = real("smart-home-firewall/eval/latency/all-devices/my-firewall/wlan2.4.pcap") else { return };
    let inv = inventory(&f);
    assert!(inv["capture"]["malformed"].get("kasa").is_none(), "{}", inv["capture"]);
    assert!(inv["capture"]["skipped"]["snaplen"].as_u64().unwrap() > 0);
    assert_eq!(device(&inv, "50:dc:e7:a2:d8:95")["roles"], json!(["tplink-app-client"]));
}

/// Raw IP (no link-layer addresses): Kasa is decoded but nothing can be attributed.
#[test]
fn kasa_without_macs_yields_no_devices() {
    let Some(f) = real("smart-home-firewall/eval/latency/all-devices/my-firewall/tplink-plug.pcap") else { return };
    let inv = inventory(&f);
    assert!(tplink_protocols_absent(&inv));
    assert!(inv["capture"]["malformed"].get("kasa").is_none());
}

// ------------------------------------------------------------------ crafted captures

/// A KL130 bulb's UDP reply (bulb spellings `mic_type`, `mic_mac`, `description`), and
/// an HS300 strip's TCP reply split over two segments (no reassembly yet: nothing from
/// it, and nothing malformed).
#[test]
fn crafted_kasa_bulb_and_split_tcp_reply() {
    let inv = inventory(&crafted("tplink-kasa.pcap"));
    assert_no_tplink_malformed(&inv);
    let bulb = device(&inv, "1c:3b:f3:5a:6b:7c");
    assert_eq!(bulb["model"], "KL130(US)");
    assert_eq!(bulb["firmware"], "1.8.11 Build 191113 Rel.105336");
    assert_eq!(
        bulb["kasa"],
        json!({
            "alias": "Bedroom lamp",
            "dev_name": "Smart Wi-Fi LED Bulb with Color Changing",
            "device_id": "8012E4D6B05F1A2C3D4E5F60718293A4B5C6D7E8",
            "hw_id": "111E35908497A05512E259BB76801E10",
            "hw_ver": "1.0",
            "mac": "1c:3b:f3:5a:6b:7c",
            "oem_id": "D5C424D3C480911C98D4BA8F06B9B2D1",
            "type": "IOT.SMARTBULB"
        })
    );
    assert_eq!(bulb["notes"], json!([]));
    let strip = device(&inv, "00:5f:67:a1:b2:c3");
    assert_eq!(protocols(strip), Vec::<&str>::new());
    assert_eq!(strip["model"], Value::Null);
    let phone = device(&inv, "f0:18:98:12:34:56");
    assert_eq!(phone["roles"], json!(["tplink-app-client"]));
    assert_eq!(protocols(phone), vec!["kasa"]);
}

#[test]
fn crafted_tdp_kp125m() {
    let inv = inventory(&crafted("tplink-tdp.pcap"));
    assert_no_tplink_malformed(&inv);
    let plug = device(&inv, "78:8c:b5:4d:2e:1f");
    assert_eq!(plug["model"], "KP125M(US)");
    assert_eq!(plug["ipv4"], json!(["192.168.0.23"]));
    assert_eq!(
        plug["tdp"],
        json!({
            "device_id": "8f23a1c4e5b60718293a4b5c6d7e8f90",
            "device_type": "SMART.KASAPLUG",
            "encrypt_type": "KLAP",
            "factory_default": "false",
            "http_port": 80,
            "ip": "192.168.0.23",
            "mac": "78:8c:b5:4d:2e:1f",
            "obd_src": "tplink",
            "owner": "3A9C2E7D1B5F4086A2C4E6F8091B3D5F",
            "version": 2
        })
    );
    let phone = device(&inv, "f0:18:98:12:34:56");
    assert_eq!(phone["roles"], json!(["tplink-app-client"]));
    assert_eq!(phone["flags"], json!([]));
}

/// TL-SG108E discovery and login: the switch's identity; the utility as a client; the
/// password in the login message never reaches the output.
#[test]
fn crafted_easysmart_switch() {
    let text = inventory_text(&crafted("tplink-easysmart.pcap"));
    assert!(!text.contains("quietwire-secret-7d1c"), "a credential leaked into the output");
    let inv: Value = serde_json::from_str(&text).unwrap();
    assert_no_tplink_malformed(&inv);
    let sw = device(&inv, "b0:4e:26:12:34:56");
    assert_eq!(sw["model"], "TL-SG108E");
    assert_eq!(sw["firmware"], "1.0.0 Build 20171214 Rel.70905");
    assert_eq!(sw["hostnames"], json!(["office-switch"]));
    assert_eq!(sw["ipv4"], json!(["192.168.0.2"]));
    assert_eq!(
        sw["easysmart"],
        json!({
            "dhcp": "false",
            "gateway": "192.168.0.1",
            "hw_ver": "TL-SG108E 3.0",
            "ip": "192.168.0.2",
            "mac": "b0:4e:26:12:34:56",
            "netmask": "255.255.255.0",
            "ports": 8
        })
    );
    let pc = device(&inv, "00:1b:21:0a:0b:0c");
    assert_eq!(pc["roles"], json!(["tplink-app-client"]));
    assert_eq!(protocols(pc), vec!["easysmart"]);
}

#[test]
fn crafted_tddp_and_omada() {
    let inv = inventory(&crafted("tplink-tddp-omada.pcap"));
    assert_no_tplink_malformed(&inv);
    assert_eq!(
        device(&inv, "14:cf:92:00:00:01")["tddp"],
        json!({"reply_type": 3, "request_from": "00:1b:21:0a:0b:0c", "request_type": 3, "version": 2})
    );
    assert_eq!(
        device(&inv, "ac:84:c6:00:00:02")["tddp"],
        json!({"request_from": "00:1b:21:0a:0b:0c", "request_type": 49, "version": 1})
    );
    let client = device(&inv, "00:1b:21:0a:0b:0c");
    assert_eq!(protocols(client), Vec::<&str>::new(), "nothing is recorded on a TDDP requester");
    let eap = device(&inv, "50:d4:f7:33:44:55");
    assert_eq!(eap["omada"], json!({"discovery_sent_to": "255.255.255.255"}));
    assert_eq!(eap["roles"], json!([]));
    let controller = device(&inv, "00:1b:21:aa:bb:cc");
    assert_eq!(controller["roles"], json!(["omada-controller"]));
    assert_eq!(controller["omada"], json!({"controller_port": 29810}));
}

/// One broken message per protocol is counted; look-alikes (text on 9999, iperf on
/// 5001, another program on 1040) are not; facts before a bad checksum are kept.
#[test]
fn crafted_malformed_and_lookalikes() {
    let inv = inventory(&crafted("tplink-malformed.pcap"));
    assert_eq!(inv["capture"]["malformed"], json!({"easysmart": 1, "kasa": 1, "tdp": 1, "tplink5001": 1}));
    assert_eq!(device(&inv, "78:8c:b5:4d:2e:1f")["model"], "KP125M(US)");
    let sw = device(&inv, "b0:4e:26:12:34:56");
    assert_eq!(sw["model"], "TL-SG108E");
    assert_eq!(sw["hostnames"], json!(["office-switch"]));
    assert_eq!(device(&inv, "3c:06:a7:58:c3:68")["firmware"], "1.8.12");
    assert_eq!(protocols(device(&inv, "1c:3b:f3:5a:6b:7c")), Vec::<&str>::new());
    for mac in ["f0:18:98:12:34:56", "00:1b:21:0a:0b:0c"] {
        let d = device(&inv, mac);
        assert_eq!(protocols(d), Vec::<&str>::new(), "{mac}");
        assert_eq!(d["roles"], json!([]), "{mac}");
    }
}

/// None of the TP-Link protocols counted a malformed message. (These real captures hold
/// 4-byte junk payloads on UDP 5353, which the mDNS parser counts, as tshark does.)
fn assert_no_tplink_malformed(inv: &Value) {
    let m = &inv["capture"]["malformed"];
    for p in ["kasa", "tdp", "easysmart", "tplink5001", "tddp", "omada"] {
        assert!(m.get(p).is_none(), "malformed.{p}: {m}");
    }
}
