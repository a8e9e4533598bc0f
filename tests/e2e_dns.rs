//! End-to-end: DNS (53), mDNS/DNS-SD (5353), LLMNR (5355) and NBNS (137) facts from the
//! `quietwire` binary on real captures (read in place from ../shared/captures/real,
//! skipped when absent) and on the crafted captures written by tests/gen/dns.py.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures/real");

/// The path of a real capture, or `None` (with a message) when the folder is absent.
fn real(rel: &str) -> Option<String> {
    let p = Path::new(REAL).join(rel);
    if p.exists() {
        Some(p.display().to_string())
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn crafted(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/crafted").join(name).display().to_string()
}

fn inventory(file: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_quietwire"))
        .args(["read", "-f", "json", file])
        .output()
        .expect("run quietwire");
    assert!(o.status.success(), "quietwire failed: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    inv["devices"].as_array().unwrap().iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no device {mac}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

/// Devices that took part in one of this file's protocols, in MAC order.
fn name_service_devices(inv: &Value) -> Vec<String> {
    inv["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| strings(&d["protocols"]).iter().any(|p| ["mdns", "dns", "llmnr", "nbns"].contains(&p.as_str())))
        .map(|d| d["mac"].as_str().unwrap().to_string())
        .collect()
}

/// The name-service protocols a device spoke (other protocols vary by capture).
fn name_protocols(d: &Value) -> Vec<String> {
    strings(&d["protocols"]).into_iter().filter(|p| ["mdns", "dns", "llmnr", "nbns"].contains(&p.as_str())).collect()
}

/// DNS-SD services (types `_name._proto`); SSDP and UPnP add their own.
fn services(d: &Value) -> Vec<(String, String, Value)> {
    d["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["type"].as_str().is_some_and(|t| t.starts_with('_')))
        .map(|s| (s["type"].as_str().unwrap().into(), s["name"].as_str().unwrap().into(), s["port"].clone()))
        .collect()
}

#[test]
fn pcapplusplus_dns_packets_iphone_mdns_and_windows_asker() {
    let Some(f) = real("pcapplusplus/Tests/Pcap++Test/PcapExamples/DnsPackets.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(inv["capture"]["malformed"], json!({}));
    assert_eq!(name_service_devices(&inv), ["30:46:9a:23:fb:fa", "58:1f:aa:4f:3f:9d", "6c:f0:49:b2:de:6e"]);
    let phone = device(&inv, "58:1f:aa:4f:3f:9d");
    assert_eq!(strings(&phone["hostnames"]), ["Yaels-iPhone"]);
    assert_eq!(strings(&phone["ipv4"]), ["10.0.0.2"]);
    assert_eq!(strings(&phone["ipv6"]), ["fe80::5a1f:aaff:fe4f:3f9d"]);
    assert_eq!(strings(&phone["protocols"]), ["ipv6", "mdns"]);
    // The Windows PC asks (DNS, LLMNR `wpad`/`Bichman`, mDNS) and is told nothing about itself.
    let pc = device(&inv, "6c:f0:49:b2:de:6e");
    assert_eq!(strings(&pc["protocols"]), ["ipv6", "mdns", "dns", "llmnr"]);
    assert!(pc["hostnames"].as_array().unwrap().is_empty());
    assert!(pc["ipv4"].as_array().unwrap().is_empty(), "DNS/LLMNR queries bind no address");
    let q = strings(&pc["dns_queries"]);
    assert_eq!(q[..3], ["www.google.com", "www.cplusplus.com", "www.google-analytics.com"]);
    assert_eq!(q.len(), 128, "the inventory keeps 128 distinct names per device");
    assert_eq!(inv["capture"]["limits_hit"]["dns_queries_per_device"], 44);
    // The resolver answered those queries: none of the names is a fact about it.
    let dns = device(&inv, "30:46:9a:23:fb:fa");
    assert_eq!(strings(&dns["protocols"]), ["dns"]);
    assert!(dns["hostnames"].as_array().unwrap().is_empty() && dns["dns_queries"].as_array().unwrap().is_empty());
    assert!(dns.get("dns").is_none());
}

#[test]
fn suricata_llmnr_response_names_the_responder() {
    let Some(f) = real("suricata-verify/tests/llmnr/llmnr-udp/input.pcap") else { return };
    let inv = inventory(&f);
    let responder = device(&inv, "00:25:90:34:ee:54");
    assert_eq!(strings(&responder["hostnames"]), ["HS2011"]);
    assert_eq!(strings(&responder["ipv4"]), ["192.168.10.101"]);
    assert_eq!(strings(&responder["protocols"]), ["llmnr"]);
    let asker = device(&inv, "a4:db:30:19:ad:73");
    assert_eq!(strings(&asker["protocols"]), ["llmnr"]);
    assert!(asker["hostnames"].as_array().unwrap().is_empty());
}

#[test]
fn suricata_smb2_nbns_registrations_and_positive_response() {
    let Some(f) = real("suricata-verify/tests/smb2-ntlmssp-negotiateflags/input.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(inv["capture"]["malformed"], json!({}));
    assert_eq!(name_service_devices(&inv), ["00:0c:29:03:df:ad", "00:0c:29:61:f5:5f", "00:50:56:c0:00:01"]);
    for (mac, host, ip) in [
        ("00:0c:29:03:df:ad", "DESKTOP-2AEFM7G", "192.168.199.132"),
        ("00:0c:29:61:f5:5f", "DESKTOP-V1FA0UQ", "192.168.199.133"),
    ] {
        let d = device(&inv, mac);
        assert_eq!(strings(&d["hostnames"]), [host]);
        assert!(strings(&d["ipv4"]).contains(&ip.to_string()));
        assert_eq!(d["nbns"], json!({"workgroup": "WORKGROUP"}));
        assert_eq!(name_protocols(d), ["dns", "llmnr", "nbns"]);
    }
    // The VMware host answered a name query for SCV<20> listing 192.168.199.1 (its
    // source) and 192.168.10.1 (another interface): only the source is bound.
    let host = device(&inv, "00:50:56:c0:00:01");
    assert_eq!(strings(&host["hostnames"]), ["SCV"]);
    assert_eq!(strings(&host["ipv4"]), ["192.168.199.1"]);
}

#[test]
fn markofu_suspicious_time_four_clones_register_one_netbios_name() {
    let Some(f) = real("markofu-pcaps/HoneyNet/0210/suspicious-time.pcap") else { return };
    let inv = inventory(&f);
    for (mac, ip) in [
        ("08:00:27:91:fd:44", "10.0.2.15"),
        ("08:00:27:a1:5f:bf", "10.0.4.15"),
        ("08:00:27:ba:0b:03", "10.0.3.15"),
        ("08:00:27:cd:3d:55", "10.0.5.15"),
    ] {
        let d = device(&inv, mac);
        // DHCP gives the lowercase name, NBNS the NetBIOS (uppercase) one.
        assert_eq!(strings(&d["hostnames"]), ["8fd12edd2dc1462", "8FD12EDD2DC1462"], "{mac}");
        assert_eq!(strings(&d["ipv4"]), [ip]);
        assert_eq!(d["nbns"], json!({"workgroup": "WORKGROUP"}));
    }
}

#[test]
fn suricata_base64_5885_workgroup_from_master_browser_registration() {
    let Some(f) = real("suricata-verify/tests/base64-decode-5885/input.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(inv["capture"]["malformed"], json!({}));
    let pc = device(&inv, "12:a9:86:6c:77:de");
    assert_eq!(pc["nbns"], json!({"workgroup": "WORKGROUP"}));
    assert_eq!(name_protocols(pc), ["mdns", "dns", "llmnr", "nbns"]);
    // It only asked (mDNS `_googlecast`, LLMNR `wpad`/`isatap`, NBNS `WPAD`): the name
    // protocols give no name; its only name comes from its DHCPv6 client FQDN.
    assert_eq!(strings(&pc["hostnames"]), ["User-PC"]);
    assert!(pc["services"].as_array().unwrap().is_empty());
}

#[test]
fn smart_home_lan_mdns_hosts_services_and_models() {
    let Some(f) = real("smart-home-firewall/eval/latency/all-devices/my-firewall/lan.pcap") else { return };
    let inv = inventory(&f);
    // 15 four-byte payloads to 5353 (tshark: malformed); the 150-byte snaplen cuts the rest.
    assert_eq!(inv["capture"]["malformed"], json!({"mdns": 15}));
    let hue = device(&inv, "00:17:88:74:c2:dc");
    assert_eq!(strings(&hue["hostnames"]), ["00178874c2dc"]);
    assert_eq!(strings(&hue["ipv4"]), ["192.168.1.141"]);
    assert_eq!(hue["model"], "BSB002");
    assert_eq!(hue["mdns"], json!({"modelid": "BSB002"}));
    assert_eq!(
        services(hue),
        [
            ("_hue._tcp".into(), "Philips Hue - 74C2DC".into(), json!(443)),
            ("_hap._tcp".into(), "Philips hue - 74C2DC".into(), Value::Null),
        ]
    );
    assert_eq!(hue["services"][0]["txt"], json!([["bridgeid", "001788fffe74c2dc"], ["modelid", "BSB002"]]));
    let phone = device(&inv, "3c:cd:5d:a2:a9:d7");
    assert_eq!(strings(&phone["hostnames"]), ["HUAWEI-P20-lite-lan"], "its `Android.local` probe is not bound");
    assert_eq!(strings(&phone["ipv4"]), ["192.168.1.222"]);
    // The SmartThings hub announces AAAA-only sets over IPv4: bound through the EUI-64
    // address derived from its MAC.
    let hub = device(&inv, "68:3a:48:13:27:04");
    assert_eq!(strings(&hub["hostnames"]), ["hubv3-04021272243"]);
    assert_eq!(strings(&hub["ipv4"]), ["192.168.1.223"]);
    assert!(strings(&hub["ipv6"]).contains(&"fd12:49d4:94fb:0:6a3a:48ff:fe13:2704".to_string()));
    assert_eq!(services(hub), [("_meshcop._udp".into(), "SmartThings Hub #2033".into(), Value::Null)]);
    let cam = device(&inv, "b0:c5:54:43:54:83");
    assert_eq!(strings(&cam["hostnames"]), ["DCS-8000LH-B0C554435483"]);
    assert_eq!(strings(&cam["ipv4"]), ["192.168.1.115"]);
    // The gateway answered DNS: no names or admin name (it is not a TP-Link).
    let gw = device(&inv, "c0:56:27:73:46:0b");
    assert!(gw["hostnames"].as_array().unwrap().is_empty() && gw.get("dns").is_none());
}

#[test]
fn iot_sentinel_dlink_camera_names_services_and_model() {
    let Some(f) = real("iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/D-LinkCam/Setup-A-4-STA.pcap") else {
        return;
    };
    let inv = inventory(&f);
    let cam = device(&inv, "b0:c5:54:25:5b:0e");
    assert_eq!(
        strings(&cam["hostnames"]),
        ["DCS-935L-B0C554255B0E", "dcs-935l", "dcs-935l5b0e", "DCS-935L", "iotcam", "iotcam5b0e"]
    );
    assert_eq!(strings(&cam["ipv4"]), ["192.168.0.20", "10.10.10.37"]);
    assert_eq!(cam["model"], "DCS-935L");
    assert_eq!(cam["mdns"], json!({"model_number": "DCS-935L"}));
    let http = |n: &str| ("_http._tcp".to_string(), n.to_string(), json!(80));
    assert_eq!(
        services(cam),
        [
            ("_dhnap._tcp".into(), "D-Link HNAP Service".into(), json!(80)),
            http("D-Link DCS-935L Configuration Utility (2)"),
            http("D-Link DCS-935L Configuration Utility"),
            http("D-Link DCS-935L Configuration Utility (3)"),
        ]
    );
}

#[test]
fn zeek_mdns_no_assoc_binds_only_consistent_records() {
    let Some(f) = real("zeek/testing/btest/Traces/dns/mdns-no-assoc.pcap") else { return };
    let inv = inventory(&f);
    let d = device(&inv, "02:00:de:ad:be:ef");
    // Frame 3 (A = source) binds; frame 4 (AAAA only, not the EUI-64 of the MAC) and
    // frame 6 (AAAA fe80::1 from another IPv6 source) do not.
    assert_eq!(strings(&d["hostnames"]), ["unrelated-reply-a"]);
    assert_eq!(strings(&d["ipv4"]), ["192.168.0.2"]);
    assert_eq!(strings(&d["ipv6"]), ["fe80::200:deff:fead:beef"], "the frame's own link-local source only");
}

#[test]
fn crafted_tplink_admin_name_is_on_the_gateway_only() {
    let inv = inventory(&crafted("dns-tplink-admin.pcap"));
    assert_eq!(inv["capture"]["malformed"], json!({"dns": 1}), "the cut query; the non-DNS payload is not counted");
    assert_eq!(name_service_devices(&inv), ["00:11:22:33:44:55", "3c:28:6d:00:00:02", "98:da:c4:00:00:01"]);
    let gw = device(&inv, "98:da:c4:00:00:01");
    assert_eq!(gw["dns"], json!({"admin_name": "tplinkwifi.net"}));
    assert!(gw["dns_queries"].as_array().unwrap().is_empty() && gw["ipv4"].as_array().unwrap().is_empty());
    let phone = device(&inv, "3c:28:6d:00:00:02");
    assert!(phone.get("dns").is_none(), "the asker only typed the name");
    assert_eq!(strings(&phone["dns_queries"]), ["tplinkwifi.net", "devs.tplinkcloud.com"]);
    let relay = device(&inv, "00:11:22:33:44:55");
    assert!(relay.get("dns").is_none(), "it answered with another host's address");
}

#[test]
fn crafted_mdns_edge_cases() {
    let inv = inventory(&crafted("dns-mdns-edge.pcap"));
    assert_eq!(inv["capture"]["malformed"], json!({"mdns": 1}), "the pointer loop");
    let printer = device(&inv, "3c:2a:f4:00:00:03");
    assert_eq!(strings(&printer["hostnames"]), ["brother"]);
    assert_eq!(strings(&printer["ipv4"]), ["192.168.0.50"]);
    assert_eq!(strings(&printer["ipv6"]), ["fe80::3e2a:f4ff:fe00:3"]);
    assert_eq!(printer["model"], "Brother HL-L2350DW series");
    assert_eq!(
        printer["mdns"],
        json!({"ty": "Brother HL-L2350DW series", "usb_mdl": "HL-L2350DW series", "usb_mfg": "Brother"})
    );
    assert_eq!(printer["services"].as_array().unwrap().len(), 1);
    let s = &printer["services"][0];
    assert_eq!((&s["type"], &s["name"], &s["port"]), (&json!("_ipp._tcp"), &json!("Küche Drucker"), &json!(631)));
    assert_eq!(
        s["txt"],
        json!([
            ["txtvers", "1"],
            ["ty", "Brother HL-L2350DW series"],
            ["usb_MFG", "Brother"],
            ["usb_MDL", "HL-L2350DW series"],
            ["product", "(Brother HL-L2350DW series)"]
        ])
    );
    // The sleep proxy keeps its own name, services and model, not the MacBook's.
    let tv = device(&inv, "28:cf:e9:00:00:04");
    assert_eq!(strings(&tv["hostnames"]), ["Apple-TV"]);
    assert_eq!(strings(&tv["ipv4"]), ["192.168.0.10"]);
    assert_eq!(tv["model"], "J105aAP");
    assert_eq!(tv["mdns"], json!({"model": "J105aAP"}));
    assert_eq!(
        services(tv),
        [
            ("_sleep-proxy._udp".into(), "70-35-60-63.1 Living Room".into(), json!(59000)),
            ("_device-info._tcp".into(), "Living Room".into(), Value::Null),
        ]
    );
    // A forward compression pointer.
    let lamp = device(&inv, "d0:73:d5:00:00:05");
    assert_eq!(strings(&lamp["hostnames"]), ["lamp"]);
    assert_eq!(strings(&lamp["ipv4"]), ["192.168.0.30"]);
    assert_eq!(strings(&lamp["ipv6"]), ["fe80::d273:d5ff:fe00:5"]);
    // A QU query, and the malformed sender: present, nothing else.
    for mac in ["3c:28:6d:00:00:02", "02:00:00:00:00:09"] {
        let d = device(&inv, mac);
        assert_eq!(strings(&d["protocols"]), ["mdns"]);
        assert!(d["hostnames"].as_array().unwrap().is_empty() && d["services"].as_array().unwrap().is_empty());
    }
    assert!(!inv.to_string().contains("MacBook"), "nothing of the sleeping host is kept");
}

#[test]
fn crafted_llmnr_and_nbns() {
    let inv = inventory(&crafted("dns-llmnr-nbns.pcap"));
    assert_eq!(inv["capture"]["malformed"], json!({}));
    let pc = device(&inv, "00:0c:29:00:00:06");
    assert_eq!(strings(&pc["hostnames"]), ["PC60"]);
    assert_eq!(strings(&pc["ipv4"]), ["192.168.0.60"]);
    assert_eq!(strings(&pc["ipv6"]), ["fe80::20c:29ff:fe00:6"]);
    assert_eq!(pc["nbns"], json!({"workgroup": "WORKGROUP"}));
    assert_eq!(strings(&pc["protocols"]), ["ipv6", "llmnr", "nbns"]);
    let nas = device(&inv, "00:11:32:00:00:07");
    assert_eq!(strings(&nas["hostnames"]), ["NAS"]);
    assert!(nas["ipv4"].as_array().unwrap().is_empty());
    assert_eq!(
        nas["nbns"],
        json!({"workgroup": "WORKGROUP", "names": ["NAS<00>", "NAS<03>", "NAS<20>", "WORKGROUP<00> group", "WORKGROUP<1e> group"]})
    );
    assert_eq!(nas["notes"], json!([{"kind": "claimed_mac", "protocol": "nbns", "mac": "00:11:32:a1:b2:c3"}]));
    assert!(
        inv["devices"].as_array().unwrap().iter().all(|d| d["mac"] != "00:11:32:a1:b2:c3"),
        "a claim is not a device"
    );
    let wins = device(&inv, "00:0c:29:00:00:08");
    assert_eq!(strings(&wins["protocols"]), ["nbns"]);
    assert!(wins["hostnames"].as_array().unwrap().is_empty() && wins["ipv4"].as_array().unwrap().is_empty());
    let phone = device(&inv, "3c:28:6d:00:00:02");
    assert_eq!(strings(&phone["protocols"]), ["llmnr"]);
    assert!(phone["hostnames"].as_array().unwrap().is_empty());
}
