//! End-to-end LLDP and CDP: run the `quietwire` binary on real captures (read in place
//! from the shared corpus; skipped when it is absent) and on the crafted
//! `captures/crafted/l2-*.pcap` (written by `tests/gen/l2.py`), and assert exact devices
//! and facts. The values asserted for real captures are the ones tshark 4.0 extracts
//! (`lldp.tlv.system.name`, `lldp.chassis.id.mac`, `lldp.tlv.system.desc`,
//! `lldp.media.model`, `cdp.deviceid`, `cdp.platform`, `cdp.software_version`).

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

fn crafted(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/crafted").join(name).display().to_string()
}

/// A capture of the shared real corpus, or `None` (with a message) when it is absent.
fn real(rel: &str) -> Option<String> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures/real"));
    let p = root.join(rel);
    if p.exists() {
        Some(p.display().to_string())
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

/// Runs `read -f json FILE` and returns the document; panics with stderr on failure.
fn inventory(file: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_quietwire")).args(["read", "-f", "json", file]).output().expect("run");
    assert!(o.status.success(), "quietwire failed: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    inv["devices"].as_array().unwrap().iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no {mac} in {inv:#}"))
}

fn macs(inv: &Value) -> Vec<&str> {
    inv["devices"].as_array().unwrap().iter().map(|d| d["mac"].as_str().unwrap()).collect()
}

fn counters(inv: &Value) -> (Value, Value) {
    (inv["capture"]["malformed"].clone(), inv["capture"]["skipped"].clone())
}

/// The device's section (`lldp`, `cdp`) as an object.
fn section<'a>(d: &'a Value, name: &str) -> &'a Value {
    d.get(name).unwrap_or_else(|| panic!("no {name} section in {d:#}"))
}

fn claims(d: &Value) -> Vec<&str> {
    d["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "claimed_mac" && n["protocol"] == "lldp")
        .map(|n| n["mac"].as_str().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// LLDP, real captures
// ---------------------------------------------------------------------------------------

#[test]
fn lldp_med_procurve_civic_location() {
    let Some(f) = real("assimilation/pcap/lldpmed_civicloc.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(counters(&inv), (json!({}), json!({})));
    assert_eq!(macs(&inv), ["00:13:21:57:ca:40", "00:13:21:57:ca:7f"]);
    let sw = device(&inv, "00:13:21:57:ca:40");
    assert_eq!(sw["hostnames"], json!(["ProCurve Switch 2600-8-PWR"]));
    assert_eq!(sw["ipv4"], json!(["15.255.122.148"]));
    assert_eq!(sw["roles"], json!(["bridge"]));
    assert_eq!(sw["packets"], 0, "the chassis MAC sent nothing itself");
    assert_eq!(
        *section(sw, "lldp"),
        json!({
            "autoneg": "enabled",
            "capabilities": ["bridge", "router"],
            "chassis_id": "00:13:21:57:ca:40",
            "chassis_id_subtype": "mac",
            "enabled_capabilities": ["bridge"],
            "management_addresses": ["15.255.122.148 ifindex 0"],
            "mau_type": "100BaseTXFD",
            "med_capabilities": ["capabilities", "network-policy", "location", "extended-power-pse"],
            "med_device_class": "network-connectivity",
            "med_network_policies": ["voice vlan 50 tagged priority 6 dscp 46"],
            "med_power": "pse, source unknown, priority low, 6500 mW",
            "port_description": "1",
            "port_id": "1",
            "port_id_subtype": "local",
            "system_description": "ProCurve J8762A Switch 2600-8-PWR, revision H.08.89, ROM H.08.5X (/sw/code/build/fish(ts_08_5))",
            "system_name": "ProCurve Switch 2600-8-PWR",
            "ttl": 120,
        })
    );
    let port = device(&inv, "00:13:21:57:ca:7f");
    assert_eq!(claims(port), ["00:13:21:57:ca:40"]);
    assert_eq!(port["protocols"], json!(["lldp"]));
    assert!(port.get("lldp").is_none() && port["hostnames"] == json!([]));
}

#[test]
fn lldp_med_inventory_cisco_sg200() {
    let Some(f) = real("lldpd/tests/integration/data/sg200.pcap") else { return };
    let inv = inventory(&f);
    let sw = device(&inv, "00:35:35:35:35:35");
    assert_eq!(sw["model"], "SG 200-08P");
    assert_eq!(sw["firmware"], "1.0.8.3");
    let l = section(sw, "lldp");
    assert_eq!(l["med_hardware_revision"], "V02");
    assert_eq!(l["med_firmware_revision"], "1.0.8.3");
    assert_eq!(l["med_software_revision"], "1.0.8.3");
    assert_eq!(l["med_serial_number"], "XXX11111ZZZ");
    assert_eq!(l["med_manufacturer"], "0xbc00", "cut at the NUL, as tshark shows it");
    assert_eq!(l["med_model"], "SG 200-08P");
    assert_eq!(l["med_asset_id"], "1");
    assert_eq!(l["port_id"], "g1");
    assert_eq!(l["med_device_class"], "network-connectivity");
    assert_eq!(l["mau_type"], "other");
}

#[test]
fn lldp_and_cdp_from_two_cisco_switches() {
    let Some(f) = real("tcpdump/tests/LLDP_and_CDP.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(counters(&inv), (json!({}), json!({})));
    assert_eq!(macs(&inv), ["00:18:ba:98:68:8f", "00:19:2f:a7:b2:8d"]);
    let desc = "Cisco IOS Software, C3560 Software (C3560-ADVIPSERVICESK9-M), Version 12.2(44)SE, RELEASE SOFTWARE \
                (fc1)\nCopyright (c) 1986-2008 by Cisco Systems, Inc.\nCompiled Sat 05-Jan-08 00:15 by weiliu";
    for (mac, short, platform, port, lldp_port) in [
        ("00:18:ba:98:68:8f", "S1", "cisco WS-C3560-24TS", "FastEthernet0/13", "Fa0/13"),
        ("00:19:2f:a7:b2:8d", "S2", "cisco WS-C3560G-24PS", "GigabitEthernet0/13", "Uplink to S1"),
    ] {
        let d = device(&inv, mac);
        assert_eq!(d["hostnames"], json!([short, format!("{short}.cisco.com")]));
        assert_eq!(d["model"], platform);
        assert_eq!(
            d["firmware"],
            "Cisco IOS Software, C3560 Software (C3560-ADVIPSERVICESK9-M), Version 12.2(44)SE, RELEASE SOFTWARE (fc1)"
        );
        assert_eq!(d["roles"], json!(["bridge"]));
        assert_eq!(d["protocols"], json!(["lldp", "cdp"]));
        let l = section(d, "lldp");
        assert_eq!(l["chassis_id"], mac);
        assert_eq!(l["system_name"], format!("{short}.cisco.com"));
        assert_eq!(l["system_description"], desc);
        assert_eq!(l["port_description"], port);
        assert_eq!(l["port_id"], lldp_port);
        assert_eq!(l["port_vlan"], 1);
        let c = section(d, "cdp");
        assert_eq!(c["device_id"], short);
        assert_eq!(c["platform"], platform);
        assert_eq!(c["port_id"], port);
        assert_eq!(c["capabilities"], json!(["switch", "igmp"]));
        assert_eq!(c["native_vlan"], 1);
        assert_eq!(c["duplex"], "full");
        assert!(c.get("vtp_domain").is_none(), "empty VTP domain is not an attribute");
        assert!(c["software_version"].as_str().unwrap().starts_with(desc.lines().next().unwrap()));
        assert!(d["ipv4"] == json!([]), "the management address is 0.0.0.0");
    }
}

#[test]
fn lldp_extreme_summit_8021_8023_tlvs() {
    let Some(f) = real("assimilation/pcap/lldp.detailed.pcap") else { return };
    let inv = inventory(&f);
    let d = device(&inv, "00:01:30:f9:ad:a0");
    assert_eq!(d["hostnames"], json!(["Summit300-48"]));
    assert_eq!(d["roles"], json!(["router", "bridge"]));
    let l = section(d, "lldp");
    assert_eq!(l["system_description"], "Summit300-48 - Version 7.4e.1 (Build 5) by Release_Master 05/27/05 04:53:11");
    assert_eq!(l["port_id"], "1/1");
    assert_eq!(l["port_id_subtype"], "interface-name");
    assert_eq!(l["port_vlan"], 488);
    assert_eq!(l["vlan_names"], json!(["488 v2-0488-03-0505"]));
    assert_eq!(l["max_frame_size"], 1522);
    assert_eq!(l["mau_type"], "100BaseTXFD");
    assert_eq!(l["management_addresses"], json!(["00:01:30:f9:ad:a0 ifindex 1001"]));
    assert_eq!(d["ipv4"], json!([]));
}

#[test]
fn lldp_chassis_mac_differs_from_frame_source() {
    for (file, chassis, port, name) in [
        (
            "assimilation/pcap/procurve.lldp.pcap",
            "00:25:61:94:32:40",
            "00:25:61:94:32:4a",
            Some("ProCurve Switch 2824"),
        ),
        ("lldpd/tests/integration/data/8023bt.pcap", "c0:64:e4:a9:9b:80", "c0:64:e4:a9:9b:82", Some("cisco-bt-switch")),
        ("lldpd/tests/integration/data/connectx.pcap", "50:6b:4b:f6:1e:b3", "50:6b:4b:f6:1e:b1", None),
    ] {
        let Some(f) = real(file) else { return };
        let inv = inventory(&f);
        assert_eq!(macs(&inv), {
            let mut v = vec![chassis, port];
            v.sort();
            v
        });
        let c = device(&inv, chassis);
        assert_eq!(section(c, "lldp")["chassis_id"], chassis);
        assert_eq!(c["hostnames"], name.map_or(json!([]), |n| json!([n])), "{file}");
        assert_eq!(claims(device(&inv, port)), [chassis], "{file}");
    }
    // ProCurve was captured with a 96-byte snapshot: the TLVs before the cut are kept
    // and the frames are counted as cut, not malformed.
    let Some(f) = real("assimilation/pcap/procurve.lldp.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(counters(&inv), (json!({}), json!({"snaplen": 2})));
    assert_eq!(section(device(&inv, "00:25:61:94:32:40"), "lldp")["port_description"], "22");
    let Some(f) = real("lldpd/tests/integration/data/8023bt.pcap") else { return };
    let inv = inventory(&f);
    let c = device(&inv, "c0:64:e4:a9:9b:80");
    assert_eq!(c["ipv4"], json!(["192.168.1.1"]));
    assert_eq!(section(c, "lldp")["management_addresses"], json!(["192.168.1.1 port 53"]));
    assert!(section(c, "lldp")["system_description"].as_str().unwrap().starts_with(
        "Cisco IOS Software [Gibraltar], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 16.12.1, RELEASE SOFTWARE (fc4)\n"
    ));
}

#[test]
fn lldp_mud_url_and_wlan_ap() {
    let Some(f) = real("tcpdump/tests/lldp_mudurl.pcap") else { return };
    let inv = inventory(&f);
    let d = device(&inv, "00:23:54:c2:57:02");
    assert_eq!(d["hostnames"], json!(["upstairs.ofcourseimright.com"]));
    assert_eq!(d["roles"], json!(["wlan-ap"]));
    assert_eq!(d["ipv4"], json!(["62.12.173.114"]));
    assert_eq!(d["ipv6"], json!(["2001:8a8:1006:4:223:54ff:fec2:5702"]));
    let l = section(d, "lldp");
    assert_eq!(l["mud_url"], "https://imright.mud.example.com/.well-known/mud/v1/vomitv2.0");
    assert_eq!(
        l["system_description"],
        "Ubuntu 14.04.5 LTS Linux 3.13.0-106-generic #153-Ubuntu SMP Tue Dec 6 15:45:13 UTC 2016 i686"
    );
}

#[test]
fn lldp_small_switches_and_endpoints() {
    if let Some(f) = real("zeek/testing/btest/Traces/lldp.pcap") {
        let inv = inventory(&f);
        let d = device(&inv, "00:22:2d:81:db:10");
        assert_eq!(d["hostnames"], json!(["SMCGS8P-Smart"]));
        assert_eq!(d["ipv4"], json!(["192.168.2.10"]));
        assert_eq!(section(d, "lldp")["system_description"], "SMCGS8P-Smart - SMCGS8P-Smart v3.20");
    }
    if let Some(f) = real("suricata-verify/tests/enip-keywords/enip_cip_example.pcap") {
        let inv = inventory(&f);
        assert!(inv["capture"]["malformed"].get("lldp").is_none());
        let sw = device(&inv, "00:21:91:06:f1:66");
        assert_eq!(sw["ipv4"], json!(["208.73.217.142"]));
        assert_eq!(section(sw, "lldp")["port_id"], "19");
        let ep = section(device(&inv, "64:4b:f0:2b:31:71"), "lldp");
        assert_eq!(ep["med_device_class"], "endpoint-class-1");
        assert_eq!(ep["ttl"], 3601);
    }
    if let Some(f) = real("tcpdump/tests/lldp-app-priority.pcap") {
        // The frame's source is 00:00:00:00:00:00 (no device); the chassis MAC is one.
        let inv = inventory(&f);
        assert_eq!(macs(&inv), ["00:00:00:02:00:02"]);
        assert_eq!(device(&inv, "00:00:00:02:00:02")["hostnames"], json!(["leaf0b"]));
    }
    if let Some(f) = real("tcpdump/tests/dcb_ets.pcap") {
        let inv = inventory(&f);
        for mac in ["08:00:27:0d:f1:3c", "08:00:27:42:ba:59"] {
            assert_eq!(section(device(&inv, mac), "lldp")["vlan_names"], json!(["1 default"]));
        }
    }
}

#[test]
fn lldp_malformed_and_fuzzed_frames() {
    for (file, malformed) in [
        ("tcpdump/tests/lldp_8021_linkagg.pcap", 2),
        ("tcpdump/tests/lldp_8023_mtu-oobr.pcap", 1),
        ("tcpdump/tests/lldp_asan.pcap", 1),
        ("tcpdump/tests/lldp_mgmt_addr_tlv_asan.pcap", 1),
        ("tcpdump/tests/lldp-infinite-loop-1.pcap", 0),
        ("lldpd/tests/integration/data/med-loc-malformed.pcap", 0),
    ] {
        let Some(f) = real(file) else { return };
        let inv = inventory(&f);
        assert_eq!(inv["capture"]["malformed"].get("lldp").map_or(0, |n| n.as_u64().unwrap()), malformed, "{file}");
    }
    // The malformed civic location is inside a TLV quietwire does not decode; the TLVs
    // after it (tshark stops there) are read.
    let Some(f) = real("lldpd/tests/integration/data/med-loc-malformed.pcap") else { return };
    let inv = inventory(&f);
    let d = device(&inv, "0a:c0:de:9d:0a:74");
    assert_eq!(d["hostnames"], json!(["defensics"]));
    assert_eq!(section(d, "lldp")["chassis_id"], "0a:c0:de:9d:0a:74", "a binary chassis component as hex");
    assert_eq!(section(d, "lldp")["port_id"], "3e:3e:3e:3e:3e:3e");
}

// ---------------------------------------------------------------------------------------
// CDP, real captures
// ---------------------------------------------------------------------------------------

#[test]
fn cdp_v2_switch_odd_length_checksum() {
    // 443-byte messages ending in 0xfd: only Cisco's sign-extended odd byte matches.
    let Some(f) = real("assimilation/pcap/cdp_v2.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(counters(&inv), (json!({}), json!({})));
    let d = device(&inv, "00:0b:be:18:9a:41");
    assert_eq!(d["hostnames"], json!(["myswitch"]));
    assert_eq!(d["model"], "cisco WS-C2950-12");
    assert_eq!(
        d["firmware"],
        "IOS (tm) C2950 Software (C2950-I6K2L2Q4-M), Version 12.1(22)EA14, RELEASE SOFTWARE (fc1)"
    );
    assert_eq!(d["ipv4"], json!(["192.168.0.253"]));
    assert_eq!(d["roles"], json!(["bridge"]));
    let c = section(d, "cdp");
    assert_eq!(c["vtp_domain"], "MYDOMAIN");
    assert_eq!(c["port_id"], "FastEthernet0/1");
    assert!(c["software_version"].as_str().unwrap().starts_with(
        "Cisco Internetwork Operating System Software \nIOS (tm) C2950 Software (C2950-I6K2L2Q4-M), Version 12.1(22)EA14"
    ));
}

#[test]
fn cdp_voice_vlan_switch() {
    let Some(f) = real("assimilation/pcap/cdp_v2_voice.pcap") else { return };
    let inv = inventory(&f);
    let c = section(device(&inv, "00:0b:be:18:9a:41"), "cdp");
    assert_eq!(c["voice_vlan"], 10);
    assert_eq!(c["native_vlan"], 1);
    assert_eq!(c["management_addresses"], json!(["192.168.0.253"]));
}

#[test]
fn cdp_v1_router() {
    for file in ["assimilation/pcap/cdp.pcap", "zeek/testing/btest/Traces/cdp-v1.pcap"] {
        let Some(f) = real(file) else { return };
        let inv = inventory(&f);
        assert_eq!(counters(&inv), (json!({}), json!({})));
        let d = device(&inv, "00:e0:1e:d5:d5:15");
        assert_eq!(d["hostnames"], json!(["R1"]));
        assert_eq!(d["model"], "cisco 1601");
        assert_eq!(d["firmware"], "IOS (tm) 1600 Software (C1600-NY-L), Version 11.2(12)P, RELEASE SOFTWARE (fc1)");
        assert_eq!(d["ipv4"], json!(["192.168.10.1"]));
        assert_eq!(d["roles"], json!(["router"]));
        assert_eq!(section(d, "cdp")["version"], 1);
        assert_eq!(section(d, "cdp")["port_id"], "Ethernet0");
    }
}

#[test]
fn cdp_other_devices() {
    if let Some(f) = real("assimilation/pcap/cdp-BCM1100.pcap") {
        let inv = inventory(&f);
        let d = device(&inv, "00:60:b9:c1:40:27");
        assert_eq!(d["hostnames"], json!(["0060B9C14027"]));
        assert_eq!(d["model"], "BCM91100");
        assert_eq!(d["firmware"], "BCM1100");
        assert_eq!(d["roles"], json!([]));
        let c = section(d, "cdp");
        assert_eq!(
            (&c["power_mw"], &c["voice_vlan"], &c["capabilities"]),
            (&json!(6400), &json!(4095), &json!(["host"]))
        );
    }
    for file in ["assimilation/pcap/n0.eth2.cdp.pcap", "assimilation/pcap/n0.eth2.cdp-2.pcap"] {
        let Some(f) = real(file) else { continue };
        let inv = inventory(&f);
        let d = device(&inv, "00:0f:23:b0:62:84");
        assert_eq!(d["hostnames"], json!(["csr706a.pbm.ihost.com"]));
        assert_eq!(d["model"], "cisco WS-C3750G-24TS");
        assert_eq!(d["roles"], json!(["router", "bridge"]));
        assert_eq!((&section(d, "cdp")["native_vlan"], &section(d, "cdp")["vtp_domain"]), (&json!(77), &json!("spbm")));
    }
    if let Some(f) = real("tcpdump/tests/3560_CDP.pcap") {
        let inv = inventory(&f);
        let d = device(&inv, "00:19:06:ea:b8:85");
        assert_eq!(d["hostnames"], json!(["Switch"]));
        assert_eq!(d["model"], "cisco WS-C3560G-24PS");
        assert_eq!(d["ipv4"], json!(["192.168.0.1"]));
        assert_eq!(section(d, "cdp")["vtp_domain"], "Lab");
    }
    if let Some(f) = real("assimilation/pcap/cdp_v2_hdlc.pcap") {
        // Cisco HDLC: no Ethernet source, so no device.
        let inv = inventory(&f);
        assert_eq!(counters(&inv), (json!({}), json!({"linktype": 1})));
        assert!(macs(&inv).is_empty());
    }
}

#[test]
fn cdp_in_vlans() {
    let Some(f) = real("pcapplusplus/Tests/Pcap++Test/PcapExamples/VlanPackets.pcap") else { return };
    let inv = inventory(&f);
    assert!(inv["capture"]["malformed"].get("cdp").is_none());
    for (mac, name, model, ip, vlans) in [
        ("00:13:c3:df:ae:18", "R1", "Cisco 2811", Some("10.118.10.1"), json!([10, 118])),
        ("00:1b:d4:1b:a4:d8", "R2", "Cisco 2811", Some("10.118.10.2"), json!([10, 118])),
        ("00:19:aa:7d:e6:88", "R3", "Cisco 1841", Some("10.209.20.3"), json!([20, 209])),
        ("00:21:55:c8:f1:3c", "R4", "Cisco 1841", Some("10.209.20.4"), json!([20, 209])),
        ("00:13:c4:12:0f:0d", "S1", "Cisco WS-C3550-24", None, json!([])),
        ("00:0f:34:5f:16:8d", "S2", "Cisco WS-C3550-24", None, json!([])),
    ] {
        let d = device(&inv, mac);
        assert_eq!(d["hostnames"], json!([name]));
        assert_eq!(d["model"], model);
        assert_eq!(d["ipv4"], ip.map_or(json!([]), |a| json!([a])));
        assert_eq!(d["vlans"], vlans, "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// Crafted captures (tests/gen/l2.py)
// ---------------------------------------------------------------------------------------

#[test]
fn crafted_lldp_tplink_switch_phone_and_ap() {
    let inv = inventory(&crafted("l2-lldp.pcap"));
    assert_eq!(counters(&inv), (json!({}), json!({})));
    assert_eq!(
        macs(&inv),
        ["02:00:00:00:0a:01", "02:00:00:00:50:21", "50:c7:bf:a0:00:00", "50:c7:bf:a0:00:03", "50:c7:bf:a0:00:05"]
    );
    let sw = device(&inv, "50:c7:bf:a0:00:00");
    assert_eq!(sw["hostnames"], json!(["T1600G-28TS"]));
    assert_eq!(sw["ipv4"], json!(["192.168.0.2"]));
    assert_eq!(sw["ipv6"], json!(["2001:db8::2"]));
    assert_eq!(sw["roles"], json!(["bridge"]));
    assert_eq!(sw["flags"][0]["watchlist"], "tp-link");
    assert_eq!(
        *section(sw, "lldp"),
        json!({
            "autoneg": "enabled",
            "capabilities": ["bridge", "router"],
            "chassis_id": "50:c7:bf:a0:00:00",
            "chassis_id_subtype": "mac",
            "enabled_capabilities": ["bridge"],
            "management_addresses": ["192.168.0.2 ifindex 3", "2001:db8::2 ifindex 3"],
            "mau_type": "1000BaseTFD",
            "max_frame_size": 1518,
            "med_capabilities": ["capabilities", "network-policy"],
            "med_device_class": "network-connectivity",
            "med_network_policies": ["voice vlan 10 tagged priority 5 dscp 46"],
            "port_description": "gigabitEthernet 1/0/5 : copper",
            "port_id": "gi1/0/5",
            "port_id_subtype": "interface-name",
            "port_vlan": 10,
            "system_description": "JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots",
            "system_name": "T1600G-28TS",
            "ttl": 120,
            "vlan_names": ["10 voice", "20 data"],
        })
    );
    for port in ["50:c7:bf:a0:00:03", "50:c7:bf:a0:00:05"] {
        assert_eq!(claims(device(&inv, port)), ["50:c7:bf:a0:00:00"]);
    }

    let phone = device(&inv, "02:00:00:00:50:21");
    assert_eq!(phone["hostnames"], json!(["phone-21"]));
    assert_eq!(phone["ipv4"], json!(["10.0.50.21"]));
    assert_eq!(phone["roles"], json!(["phone"]));
    assert_eq!(phone["model"], "EP-8800");
    assert_eq!(phone["firmware"], "66.86.0.15");
    assert_eq!(phone["notes"], json!([]), "chassis is not a MAC: the frame source is the device");
    let l = section(phone, "lldp");
    assert_eq!(l["chassis_id"], "10.0.50.21");
    assert_eq!(l["chassis_id_subtype"], "network-address");
    assert_eq!(l["port_id"], "02:00:00:00:50:21");
    assert_eq!(l["med_device_class"], "endpoint-class-3");
    assert_eq!(l["med_power"], "pd, source pse, priority high, 5100 mW");
    for (k, v) in [
        ("med_hardware_revision", "1.0"),
        ("med_firmware_revision", "boot-1.2"),
        ("med_software_revision", "66.86.0.15"),
        ("med_serial_number", "PH0001"),
        ("med_manufacturer", "Example Phones"),
        ("med_model", "EP-8800"),
        ("med_asset_id", "desk-21"),
    ] {
        assert_eq!(l[k], v);
    }

    let ap = device(&inv, "02:00:00:00:0a:01");
    assert_eq!(ap["hostnames"], json!(["ap-lobby"]));
    assert_eq!(ap["roles"], json!(["wlan-ap"]));
    assert_eq!(ap["ipv6"], json!(["fe80::ff:fe00:a01"]));
    let l = section(ap, "lldp");
    assert_eq!((&l["chassis_id"], &l["chassis_id_subtype"]), (&json!("AP-SN-0007"), &json!("local")));
    assert_eq!(l["mud_url"], "https://mud.example.com/ap-lobby.json");
}

#[test]
fn crafted_cdp_phone_switch_router() {
    let inv = inventory(&crafted("l2-cdp.pcap"));
    assert_eq!(counters(&inv), (json!({}), json!({})), "the phone's odd-length checksum verifies");
    let phone = device(&inv, "02:00:00:00:0c:01");
    assert_eq!(phone["hostnames"], json!(["SEP0200000C0001"]));
    assert_eq!(phone["model"], "Cisco IP Phone 7975");
    assert_eq!(phone["firmware"], "SIP75.9-4-2SR3S");
    assert_eq!(phone["roles"], json!(["phone"]));
    assert_eq!(phone["ipv4"], json!(["10.0.50.31"]));
    assert_eq!(phone["ipv6"], json!(["2001:db8:50::31"]));
    assert_eq!(section(phone, "cdp")["power_mw"], 6300);

    let sw = device(&inv, "02:00:00:00:0c:02");
    assert_eq!(sw["hostnames"], json!(["sw-access-1"]));
    assert_eq!(sw["vlans"], json!([20]));
    assert_eq!(sw["roles"], json!(["bridge"]));
    assert_eq!(sw["ipv4"], json!(["10.0.0.2"]));
    assert_eq!(
        sw["firmware"],
        "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc1)"
    );
    assert_eq!(
        *section(sw, "cdp"),
        json!({
            "capabilities": ["switch", "igmp"],
            "device_id": "sw-access-1",
            "duplex": "full",
            "management_addresses": ["10.0.0.2"],
            "native_vlan": 20,
            "platform": "cisco WS-C2960X-48FPD-L",
            "port_id": "GigabitEthernet1/0/7",
            "software_version": "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, \
                                 RELEASE SOFTWARE (fc1)\nTechnical Support: http://www.cisco.com/techsupport\n\
                                 Copyright (c) 1986-2023 by Cisco Systems, Inc.",
            "version": 2,
            "voice_vlan": 50,
            "vtp_domain": "LAB",
        })
    );

    let r = device(&inv, "02:00:00:00:0c:03");
    assert_eq!(r["hostnames"], json!(["rtr-1"]));
    assert_eq!(r["roles"], json!(["router"]));
    assert_eq!(r["ipv4"], json!(["192.0.2.1"]));
    assert_eq!(section(r, "cdp")["version"], 1);
}

#[test]
fn crafted_malformed_lldp_and_cdp() {
    let inv = inventory(&crafted("l2-malformed.pcap"));
    assert_eq!(counters(&inv), (json!({"cdp": 2, "lldp": 2}), json!({"snaplen": 1})));
    let host = |mac: &str| device(&inv, mac)["hostnames"].clone();
    assert_eq!(host("02:00:00:00:ee:01"), json!(["still-read"]));
    assert!(section(device(&inv, "02:00:00:00:ee:01"), "lldp").get("capabilities").is_none());
    let not_lldp = device(&inv, "02:00:00:00:ee:02");
    assert_eq!((&not_lldp["protocols"], &not_lldp["packets"]), (&json!([]), &json!(1)));
    assert_eq!(host("02:00:00:00:ee:03"), json!(["bad-checksum"]));
    assert_eq!(host("02:00:00:00:ee:04"), json!(["cut-short"]));
    assert_eq!(device(&inv, "02:00:00:00:ee:04")["model"], Value::Null);
    assert_eq!(host("02:00:00:00:ee:05"), json!(["snap-cut"]));
}
