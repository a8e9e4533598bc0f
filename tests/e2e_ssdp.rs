//! End-to-end SSDP: run the `quietwire` binary on real captures (read in place from
//! `../shared/captures/real`, skipped when absent) and on the crafted
//! `captures/crafted/ssdp-*.pcap` (written by `tests/gen/ssdp.py`), and assert exact facts.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures/real");

fn crafted(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/crafted").join(name).display().to_string()
}

/// The real capture at `rel`, or `None` (with a note) when the shared folder is absent.
fn real(rel: &str) -> Option<String> {
    let p = PathBuf::from(REAL).join(rel);
    if p.exists() {
        Some(p.display().to_string())
    } else {
        eprintln!("skipping: {} not present", p.display());
        None
    }
}

fn inventory(file: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_quietwire")).args(["read", "-f", "json", file]).output().expect("run quietwire");
    assert!(o.status.success(), "quietwire failed: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    inv["devices"].as_array().unwrap().iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no device {mac}"))
}

/// MACs of the devices that spoke SSDP.
fn ssdp_macs(inv: &Value) -> Vec<&str> {
    let speaks = |d: &&Value| d["protocols"].as_array().unwrap().iter().any(|p| p == "ssdp");
    inv["devices"].as_array().unwrap().iter().filter(speaks).map(|d| d["mac"].as_str().unwrap()).collect()
}

/// Services as (type, name, port, txt) without their times.
fn services(d: &Value) -> Vec<Value> {
    d["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!([s["type"], s["name"], s["port"], s["txt"]]))
        .collect()
}

fn svc(kind: &str, name: &str, port: Option<u16>, server: Option<&str>, location: Option<&str>) -> Value {
    let mut txt = Vec::new();
    if let Some(s) = server {
        txt.push(json!(["server", s]));
    }
    if let Some(l) = location {
        txt.push(json!(["location", l]));
    }
    json!([kind, name, port, txt])
}

const XDR6030: &str = "vxWorks/5.5 UPnP/1.0 TL-XDR6030易展版/2.0";
const IGD_TYPES: [&str; 7] = [
    "upnp:rootdevice",
    "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
    "urn:schemas-upnp-org:device:WANDevice:1",
    "urn:schemas-upnp-org:device:WANConnectionDevice:1",
    "urn:schemas-upnp-org:service:Layer3Forwarding:1",
    "urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1",
    "urn:schemas-upnp-org:service:WANIPConnection:1",
];

/// The TL-XDR6030 pair in an office LAN: the SERVER keeps its UTF-8 Chinese exactly,
/// LOCATION is kept, every advertised type is a service, and the browsers searching
/// for DIAL devices are control points with no device facts.
#[test]
fn tplink_xdr6030_routers_and_searching_browsers() {
    let Some(f) = real("suricata-verify/tests/http-multiple100/otherhtp.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(inv["capture"]["malformed"], json!({}));
    assert_eq!(
        ssdp_macs(&inv),
        vec![
            "28:df:eb:2b:2e:15",
            "28:df:eb:44:06:1f",
            "44:37:e6:61:73:cd",
            "a4:1a:3a:91:a4:19",
            "a4:1a:3a:91:a4:8d",
            "f2:6d:2f:a8:f0:60",
            "f4:a4:75:7c:50:d3",
            "f4:a4:75:7c:51:50"
        ]
    );
    for (mac, ip, uuid) in [
        ("a4:1a:3a:91:a4:19", "10.25.16.6", "8c15e41f-3d83-41c1-b35d-0DB393380DB0"),
        ("a4:1a:3a:91:a4:8d", "10.25.16.5", "8c15e41f-3d83-41c1-b35d-0DB393380D24"),
    ] {
        let d = device(&inv, mac);
        let location = format!("http://{ip}:1900/igd.xml");
        let wanip = "urn:schemas-upnp-org:service:WANIPConnection:1";
        assert_eq!(
            d["ssdp"],
            json!({
                "server": XDR6030,
                "location": location,
                "usn": format!("uuid:{uuid}::{wanip}"),
                "uuid": uuid,
                // Every NT the router advertised, in the order first seen (list attributes gather).
                "nt": ["upnp:rootdevice", format!("uuid:{uuid}"), "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
                       "urn:schemas-upnp-org:device:WANDevice:1", "urn:schemas-upnp-org:device:WANConnectionDevice:1",
                       "urn:schemas-upnp-org:service:Layer3Forwarding:1", "urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1", wanip],
                "max_age": 60,
            })
        );
        let want: Vec<Value> = IGD_TYPES.iter().map(|t| svc(t, uuid, Some(1900), Some(XDR6030), Some(&location))).collect();
        assert_eq!(services(d), want);
    }
    let edge = device(&inv, "f4:a4:75:7c:51:50");
    assert_eq!(
        edge["ssdp"],
        json!({"user_agent": "Microsoft Edge/106.0.1370.52 Windows", "search_targets": ["urn:dial-multiscreen-org:service:dial:1"]})
    );
    assert_eq!(edge["services"], json!([]));
    // A phone that both searches and announces a private type with a USN without UUID.
    let phone = device(&inv, "f2:6d:2f:a8:f0:60");
    assert_eq!(
        phone["ssdp"],
        json!({"search_targets": ["smp:server"], "nt": ["smp:server"], "usn": "unique:id", "max_age": 1800})
    );
    assert_eq!(services(phone), vec![svc("smp:server", "unique:id", None, None, None)]);
}

/// MiniUPnPd on a Tomato router: a lower-case-L `lOCATION` header and UDA 1.1 headers.
#[test]
fn miniupnpd_notify() {
    let Some(f) = real("suricata-verify/tests/sip-ssdp-pm/ssdp.pcap") else { return };
    let inv = inventory(&f);
    let d = device(&inv, "e0:91:f5:73:8c:c2");
    let server = "UPnP/Tomato 1.28.7500 MIPSR2Toastman-RT K26 USB Ext UPnP/1.0 MiniUPnPd/1.6";
    let uuid = "04645c3d-e6b4-4eea-bd35-5c320c12969f";
    let location = "http://192.168.1.1:7406/rootDesc.xml";
    assert_eq!(
        d["ssdp"],
        json!({
            "server": server, "location": location, "usn": format!("uuid:{uuid}::upnp:rootdevice"),
            "uuid": uuid, "nt": ["upnp:rootdevice"], "max_age": 120, "bootid": 1,
        })
    );
    assert_eq!(services(d), vec![svc("upnp:rootdevice", uuid, Some(7406), Some(server), Some(location))]);
}

/// A TP-Link TL-WDR3600 (ipos): three embedded device UUIDs, the root one in `uuid`,
/// including the default ipos WANConnectionDevice UUID.
#[test]
fn tplink_wdr3600_ipos() {
    let Some(f) = real("zeek/testing/btest/Traces/raw_packets.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(ssdp_macs(&inv), vec!["e8:de:27:ff:c0:78"]);
    let d = device(&inv, "e8:de:27:ff:c0:78");
    assert_eq!(d["ssdp"]["server"], "ipos/7.0 UPnP/1.0 TL-WDR3600/1.0");
    assert_eq!(d["ssdp"]["location"], "http://192.168.1.1:1900/igd.xml");
    assert_eq!(d["ssdp"]["uuid"], "060b7353-fca6-4070-85f4-1fbfb9add62c");
    let names: Vec<&str> = d["services"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"9f0865b3-f5da-4ad5-85b7-7404637fdf37"), "{names:?}");
    assert_eq!(names.len(), 9);
}

/// A D-Link router running three SSDP stacks (IGD, Broadcom WPS, HNAP): each SERVER and
/// LOCATION survives in the services even though the section keeps only the latest.
#[test]
fn dlink_router_with_three_stacks() {
    let Some(f) = real("suricata-verify/tests/output-eve-ftp-data/input.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(ssdp_macs(&inv), vec!["18:59:33:f4:49:1f", "68:5d:43:8b:f9:de"]);
    let d = device(&inv, "18:59:33:f4:49:1f");
    let igd = ("UPnP/1.0 UPnP/1.0 UPnP-Device-Host/1.0", "http://192.168.0.1:80/RootDevice.xml");
    let wps = ("POSIX, UPnP/1.0 UPnP Stack/1.2.0.0 (BROADCOM INTERNAL)", "http://192.168.0.1:1900/WFADevice.xml");
    let root = "upnp-InternetGatewayDevice-1_0-185933f4491f";
    assert_eq!(d["ssdp"]["uuid"], root);
    let s = services(d);
    assert!(s.contains(&svc("hnap:GatewayWithWiFi", "GatewayWithWiFi-1_0-185933f4491f", Some(80), None, Some("http://192.168.0.1/HNAP1/"))));
    assert!(s.contains(&svc("upnp:rootdevice", root, Some(80), Some(igd.0), Some(igd.1))));
    assert!(s.contains(&svc("upnp:rootdevice", "7224d477-bee1-8774-cee6-9bedf2d25dfc", Some(1900), Some(wps.0), Some(wps.1))));
    assert_eq!(s.len(), 10);
    // The PC searching for gateways is a control point only.
    let pc = device(&inv, "68:5d:43:8b:f9:de");
    assert_eq!(pc["ssdp"], json!({"search_targets": ["urn:schemas-upnp-org:device:InternetGatewayDevice:1"]}));
}

/// The Hue bridge answers a search unicast; the phone's ICMP error that quotes one of the
/// answers is not SSDP from the phone.
#[test]
fn hue_bridge_answers_and_the_searcher_is_a_client() {
    let Some(f) = real("smart-home-firewall/eval/latency/philips-hue/my-firewall/wlan5.0.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(ssdp_macs(&inv), vec!["00:17:88:74:c2:dc", "3c:cd:5d:a2:a9:d7"]);
    let hue = device(&inv, "00:17:88:74:c2:dc");
    assert_eq!(hue["ssdp"]["server"], "Hue/1.0 UPnP/1.0 IpBridge/1.57.0");
    assert_eq!(hue["ssdp"]["location"], "http://192.168.1.141:80/description.xml");
    assert_eq!(hue["ssdp"]["uuid"], "2f402f80-da50-11e1-9b23-00178874c2dc");
    assert_eq!(device(&inv, "3c:cd:5d:a2:a9:d7")["ssdp"], json!({"search_targets": ["ssdp:all"]}));
}

/// Every SSDP frame of this capture is cut at 150 bytes: the cut frames are counted as
/// snapshot-length skips, not as malformed SSDP, and no cut LOCATION is recorded.
#[test]
fn snaplen_cut_frames_keep_only_complete_lines() {
    let Some(f) = real("smart-home-firewall/eval/latency/all-devices/my-firewall/lan.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(inv["capture"]["malformed"].get("ssdp"), None);
    assert_eq!(ssdp_macs(&inv), vec!["00:17:88:74:c2:dc"]);
    assert_eq!(device(&inv, "00:17:88:74:c2:dc")["ssdp"], json!({"max_age": 100}));
}

/// IPv6 M-SEARCH to FF02::C and Chrome's DIAL search from the same PC.
#[test]
fn ipv6_searches() {
    let Some(f) = real("suricata-verify/tests/base64-decode-5885/input.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(ssdp_macs(&inv), vec!["12:a9:86:6c:77:de"]);
    let pc = device(&inv, "12:a9:86:6c:77:de");
    assert_eq!(
        pc["ssdp"],
        json!({"user_agent": "Google Chrome/86.0.4240.198 Windows", "search_targets": [
            "urn:dial-multiscreen-org:service:dial:1", "urn:schemas-upnp-org:device:MediaRenderer:1", "urn:schemas-upnp-org:device:MediaServer:1"]})
    );
}

const ROUTER: &str = "98:da:c4:00:00:01";
const PHONE: &str = "02:00:5e:00:00:aa";
/// GBK 易展版 read as lossy UTF-8: `d2 d7` and `b0 e6` are invalid, `d5 b9` is U+0579.
const GBK_SERVER: &str = "vxWorks/5.5 UPnP/1.0 TL-XDR6030\u{fffd}\u{fffd}\u{579}\u{fffd}\u{fffd}/2.0";
const ROOT_UUID: &str = "8c15e41f-3d83-41c1-b35d-98dac4000001";

#[test]
fn crafted_router_and_phone() {
    let inv = inventory(&crafted("ssdp-devices.pcap"));
    let c = &inv["capture"];
    assert_eq!((c["packets"].as_u64(), &c["malformed"], &c["skipped"]), (Some(9), &json!({}), &json!({})));
    assert_eq!(ssdp_macs(&inv), vec![PHONE, ROUTER]);
    let r = device(&inv, ROUTER);
    let wps_server = "Linux/2.6.36, UPnP/1.0, Portable SDK for UPnP devices/1.6.19";
    let loc = "http://192.168.0.1:1900/igd.xml";
    let loc6 = "http://[fe80::9ada:c4ff:fe00:1]:1900/igd.xml";
    let wps_loc = "http://192.168.1.1:49152/wps_device.xml";
    // Latest values: the WPS stack's SERVER and max-age, then ssdp:update's LOCATION,
    // USN and next boot id; the byebye at the end changes nothing.
    assert_eq!(
        r["ssdp"],
        json!({
            "server": wps_server, "location": loc, "usn": format!("uuid:{ROOT_UUID}::upnp:rootdevice"),
            "uuid": ROOT_UUID,
            "nt": ["upnp:rootdevice", "urn:schemas-upnp-org:device:InternetGatewayDevice:1", "urn:schemas-wifialliance-org:device:WFADevice:1"],
            "st": ["urn:schemas-upnp-org:service:WANIPConnection:1"],
            "max_age": 300, "bootid": 6,
        })
    );
    assert_eq!(
        services(r),
        vec![
            svc("upnp:rootdevice", ROOT_UUID, Some(1900), Some(GBK_SERVER), Some(loc)),
            svc("urn:schemas-upnp-org:device:InternetGatewayDevice:1", ROOT_UUID, Some(1900), Some(GBK_SERVER), Some(loc6)),
            svc("urn:schemas-upnp-org:service:WANIPConnection:1", ROOT_UUID, Some(1900), Some(GBK_SERVER), Some(loc)),
            svc(
                "urn:schemas-wifialliance-org:device:WFADevice:1",
                "00000000-0000-1000-0000-98dac4000001",
                Some(49152),
                Some(wps_server),
                Some(wps_loc)
            ),
        ]
    );
    // Neither the source address nor a LOCATION host is bound; the link-local source is.
    assert_eq!(r["ipv4"], json!([]));
    assert_eq!(r["ipv6"], json!(["fe80::9ada:c4ff:fe00:1"]));
    assert_eq!(r["flags"][0]["watchlist"], "tp-link");
    let p = device(&inv, PHONE);
    assert_eq!(
        p["ssdp"],
        json!({
            "user_agent": "Android/13 UPnP/1.1 quietwire-test/1.0",
            "search_targets": ["ssdp:all", "urn:schemas-upnp-org:device:InternetGatewayDevice:1"],
        })
    );
    assert_eq!(p["services"], json!([]));
}

#[test]
fn crafted_hostile() {
    let inv = inventory(&crafted("ssdp-hostile.pcap"));
    let c = &inv["capture"];
    // Too many headers, an unreadable line, a datagram ending inside a line, garbage and
    // an empty datagram to the group; the frame cut by the snapshot length is a skip.
    assert_eq!(c["malformed"], json!({"ssdp": 5}));
    assert_eq!(c["skipped"], json!({"snaplen": 1}));
    assert_eq!(ssdp_macs(&inv), vec!["00:1d:0f:00:05:01"]);
    let h = device(&inv, "00:1d:0f:00:05:01");
    let s = &h["ssdp"];
    assert_eq!(s["server"], "S".repeat(255));
    // The 300-byte LOCATION is dropped; the one before it stays; cut lines are never kept.
    assert_eq!(s["location"], "http://192.168.0.66:8080/odd.xml");
    assert_eq!(s["max_age"], 99, "complete lines of the snaplen-cut frame are kept");
    assert_eq!(s["uuid"], "hostile-1");
    assert_eq!(s["usn"], "uuid:hostile-2\u{1}::urn:quietwire-test:device:Odd:1");
    assert_eq!(
        services(h),
        vec![
            svc("upnp:rootdevice", "", None, Some("many-headers/1.0"), None),
            svc("upnp:rootdevice", "hostile-1", None, Some(&"S".repeat(255)), None),
            svc("urn:quietwire-test:device:Odd:1", "hostile-2\u{1}", Some(8080), None, Some("http://192.168.0.66:8080/odd.xml")),
        ]
    );
    // Port 1900 used as an ephemeral port by something else: not SSDP, no facts.
    let other = device(&inv, "00:1d:0f:00:05:02");
    assert_eq!(other["protocols"], json!([]));
}
