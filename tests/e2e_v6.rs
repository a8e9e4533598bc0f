//! End-to-end: DHCPv6 and ICMPv6 neighbour discovery. Runs the `quietwire` binary on
//! real captures (read in place from the shared folder, skipped when it is absent) and
//! on the crafted `captures/crafted/v6-*.pcap` (written by `tests/gen/v6.py`), and
//! asserts exact devices and facts.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures/real");

/// A real capture, or `None` (with a message) when the shared folder is absent.
fn real(rel: &str) -> Option<String> {
    let p = Path::new(REAL).join(rel);
    if p.exists() {
        Some(p.display().to_string())
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

fn crafted(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/crafted").join(name).display().to_string()
}

fn inventory(file: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_quietwire")).args(["read", "-f", "json", file]).output().expect("run quietwire");
    assert!(o.status.success(), "quietwire failed: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn devices(inv: &Value) -> &Vec<Value> {
    inv["devices"].as_array().expect("devices array")
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    devices(inv).iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no device {mac} in {inv:#}"))
}

fn has_device(inv: &Value, mac: &str) -> bool {
    devices(inv).iter().any(|d| d["mac"] == mac)
}

/// MACs of the devices that took part in DHCPv6 or ND.
fn v6_macs(inv: &Value) -> Vec<&str> {
    devices(inv)
        .iter()
        .filter(|d| d["protocols"].as_array().unwrap().iter().any(|p| p == "dhcpv6" || p == "ndp"))
        .map(|d| d["mac"].as_str().unwrap())
        .collect()
}

fn claim(protocol: &str, mac: &str) -> Value {
    json!({"kind": "claimed_mac", "protocol": protocol, "mac": mac})
}

#[test]
fn chrissanders_dhcpv6_exchange() {
    let Some(f) = real("chrissanders-packets/dhcp6_outlease_acquisition.pcapng") else { return };
    let inv = inventory(&f);
    assert_eq!(v6_macs(&inv), ["00:0c:29:1f:a7:55", "00:0c:29:5e:77:44"]);
    let client = device(&inv, "00:0c:29:5e:77:44");
    assert_eq!(client["ipv6"], json!(["fe80::20c:29ff:fe5e:7744", "2001:db8:1:2::1002"]));
    assert_eq!(
        client["dhcpv6"],
        json!({"duid": "00:01:00:01:1d:ef:69:bd:00:0c:29:5e:77:44", "duid_type": 1, "oro": "23,24,39,31", "option_order": "1,2,6,8,3"})
    );
    assert_eq!(client["roles"], json!([]));
    assert_eq!(client["notes"], json!([]), "the DUID-LLT names the client's own MAC");
    let server = device(&inv, "00:0c:29:1f:a7:55");
    assert_eq!(server["roles"], json!(["dhcpv6-server"]));
    assert_eq!(server["dhcpv6"], json!({"server_duid": "00:01:00:01:1d:e4:b8:58:00:0c:29:1f:a7:55"}));
    assert_eq!(server["ipv6"], json!(["fe80::20c:29ff:fe1f:a755"]));
    assert_eq!(inv["capture"]["malformed"], json!({}));
}

#[test]
fn chrissanders_neighbor_solicitation_and_advertisement() {
    let Some(f) = real("chrissanders-packets/icmpv6_neighbor_solicitation.pcapng") else { return };
    let inv = inventory(&f);
    assert_eq!(v6_macs(&inv), ["00:0c:29:1f:a7:55", "00:0c:29:2f:80:31"]);
    // NS: the source bound to its SLLA; NA: the target bound to its TLLA.
    assert_eq!(device(&inv, "00:0c:29:2f:80:31")["ipv6"], json!(["2001:db8:1:2::1003"]));
    assert_eq!(device(&inv, "00:0c:29:1f:a7:55")["ipv6"], json!(["2001:db8:1:2::1000"]));
    for d in devices(&inv) {
        assert_eq!(d["roles"], json!([]));
        assert_eq!(d["ndp"], Value::Null, "no router, no EUI-64 addresses");
    }
}

#[test]
fn pcapplusplus_dhcpv6_pxe_client_with_malformed_user_class() {
    let Some(f) = real("pcapplusplus/Tests/Packet++Test/PacketExamples/dhcpv6.pcap") else { return };
    let inv = inventory(&f);
    let client = device(&inv, "80:e0:1d:00:fc:ea");
    // The user class (15) claims a string longer than itself: counted, and the options
    // after it (vendor class, IA_NA) are still read.
    assert_eq!(
        client["dhcpv6"],
        json!({
            "duid": "00:02:00:00:00:09:46:47:45:31:39:34:37:31:34:51:53:00",
            "duid_type": 2,
            "duid_enterprise": 9,
            "vendor_class_enterprise": 9,
            "vendor_class": ["PXEClient:Arch:00009:UNDI:003010:PID:NCS-5508"],
            "oro": "23,24,243,242,59,242,39",
            "option_order": "1,6,8,15,16,3",
        })
    );
    assert_eq!(client["ipv6"], json!(["fe80::82e0:1dff:fe00:fcea"]), "an Advertise assigns nothing");
    assert_eq!(device(&inv, "00:0c:29:70:3d:d8")["roles"], json!(["dhcpv6-server"]));
    assert_eq!(inv["capture"]["malformed"], json!({"dhcpv6": 1}));
}

#[test]
fn pcapplusplus_dad_probe_then_router_advertising_itself() {
    let Some(f) = real("pcapplusplus/Tests/Packet++Test/PacketExamples/IcmpV6_NeighAdvSoli.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(v6_macs(&inv), ["c2:00:54:f5:00:00"]);
    let r = device(&inv, "c2:00:54:f5:00:00");
    assert_eq!(r["ipv6"], json!(["fe80::c000:54ff:fef5:0"]));
    assert_eq!(r["roles"], json!(["router"]));
    assert_eq!(r["ndp"], json!({"eui64": true}));
    assert_eq!(r["protocols"], json!(["ipv6", "ndp"]));
}

#[test]
fn suricata_windows_solicit() {
    let Some(f) = real("suricata-verify/tests/base64-decode-5885/input.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(v6_macs(&inv), ["12:a9:86:6c:77:de"]);
    let pc = device(&inv, "12:a9:86:6c:77:de");
    assert_eq!(pc["hostnames"], json!(["User-PC"]));
    assert_eq!(
        pc["dhcpv6"],
        json!({
            "duid": "00:01:00:01:27:31:87:e3:12:a9:86:6c:77:de",
            "duid_type": 1,
            "fqdn": "User-PC",
            "vendor_class_enterprise": 311,
            "vendor_class": ["MSFT 5.0"],
            "oro": "24,23,17,39",
            "option_order": "8,1,3,39,16,6",
        })
    );
    assert_eq!(pc["notes"], json!([]));
}

#[test]
fn suricata_windows_lan_duid_names_another_interface() {
    let Some(f) = real("suricata-verify/tests/output-eve-ftp-data/input.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(v6_macs(&inv), ["68:5d:43:8b:f9:de"]);
    let pc = device(&inv, "68:5d:43:8b:f9:de");
    assert_eq!(pc["dhcpv6"]["duid"], "00:01:00:01:17:71:b6:01:08:2e:5f:76:32:97");
    assert_eq!(pc["dhcpv6"]["fqdn"], "jaekuryu-HP");
    assert!(pc["hostnames"].as_array().unwrap().contains(&json!("jaekuryu-HP")));
    assert_eq!(pc["notes"], json!([claim("dhcpv6", "08:2e:5f:76:32:97")]));
    assert!(!has_device(&inv, "08:2e:5f:76:32:97"), "the DUID's MAC never sent a frame");
    // RS, DAD probes and NAs for its own link-local; no SLLA from another MAC.
    assert_eq!(pc["ipv6"], json!(["fe80::9154:c66f:8d0e:33cb"]));
    assert_eq!(pc["ndp"], Value::Null, "a privacy interface ID, not EUI-64");
    // The gateway's RAs here come inside Teredo (IPv4/UDP 3544), which quietwire does not
    // unwrap: it is a DHCPv4 server, not an IPv6 router, as far as the LAN shows.
    assert_eq!(device(&inv, "18:59:33:f4:49:1f")["roles"], json!(["dhcp-server"]));
}

#[test]
fn tcpdump_relay_forward_describes_the_remote_client() {
    let Some(f) = real("tcpdump/tests/dhcpv6-mud.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(v6_macs(&inv), ["00:23:eb:10:2c:29", "b8:27:eb:b8:53:c8"]);
    let relay = device(&inv, "00:23:eb:10:2c:29");
    assert_eq!(relay["roles"], json!(["dhcp-relay"]));
    assert_eq!(relay["dhcpv6"], json!({"relay_link_address": "2001:8a8:1006:3:225:84ff:fedb:2380"}));
    // The Raspberry Pi is on another link: known only by its DUID-LLT's MAC.
    let pi = device(&inv, "b8:27:eb:b8:53:c8");
    assert_eq!(pi["packets"], 0);
    assert_eq!(pi["hostnames"], json!(["raspberrypi"]));
    assert_eq!(pi["dhcpv6"]["vendor_class_enterprise"], 40712);
    assert_eq!(pi["dhcpv6"]["vendor_class"], json!(["dhcpcd-6.11.5:Linux-4.1.18-v7+:armv7l:BCM2709"]));
    assert_eq!(pi["dhcpv6"]["oro"], "23,24,31,39,82,83");
    assert_eq!(pi["dhcpv6"]["option_order"], "1,8,16,14,3,39,112,20,6");
}

#[test]
fn tcpdump_duid_uuid_renew_and_eui64_reply() {
    let Some(f) = real("tcpdump/tests/dhcpv6-rfc6355-duid-uuid.pcap") else { return };
    let inv = inventory(&f);
    let c = device(&inv, "48:5b:39:e7:14:84");
    assert_eq!(c["dhcpv6"]["duid_type"], 4);
    assert_eq!(c["dhcpv6"]["duid"], "00:04:a2:56:e9:2e:40:ab:d0:d2:a3:ab:3b:3f:f2:ff:89:98");
    assert_eq!(c["dhcpv6"]["eui64"], true, "the assigned address embeds the client's MAC");
    assert_eq!(c["ipv6"], json!(["fe80::7e39:bc67:f367:8def", "2a02:2788:7c8:4dd:4a5b:39ff:fee7:1484"]));
    assert_eq!(device(&inv, "a0:21:b7:e0:d8:71")["dhcpv6"], json!({"server_duid": "00:03:00:01:a0:21:b7:e0:d8:71"}));
}

#[test]
fn tcpdump_prefix_delegation_is_an_attribute_not_an_address() {
    let Some(f) = real("tcpdump/tests/dhcpv6-ia-pd.pcap") else { return };
    let inv = inventory(&f);
    let c = device(&inv, "00:01:02:03:04:05");
    assert_eq!(c["dhcpv6"]["delegated_prefixes"], json!(["2a00:1:1:100::/56"]));
    assert_eq!(c["ipv6"], json!(["fe80::201:2ff:fe03:405"]));
}

#[test]
fn smart_home_lan_thread_border_router_and_hue() {
    let Some(f) = real("smart-home-firewall/eval/latency/all-devices/my-firewall/lan.pcap") else { return };
    let inv = inventory(&f);
    assert_eq!(v6_macs(&inv), ["00:17:88:74:c2:dc", "68:3a:48:13:27:04"]);
    // 29 RAs with router lifetime 0 (not a default router) and a ULA prefix.
    let hub = device(&inv, "68:3a:48:13:27:04");
    assert_eq!(hub["roles"], json!(["router"]));
    assert_eq!(
        hub["ndp"],
        json!({"eui64": true, "prefixes": ["fdb9:136b:cd34:e86f::/64"], "ra_flags": [], "router_lifetime": 0})
    );
    // ND gives three; its mDNS AAAA records (EUI-64 addresses built from its MAC) add two.
    assert_eq!(
        hub["ipv6"],
        json!([
            "fe80::6a3a:48ff:fe13:2704",
            "fdb9:136b:cd34:e86f:49a0:b0f3:cee5:48ef",
            "fdb9:136b:cd34:e86f:6a3a:48ff:fe13:2704",
            "fd12:49d4:94fb:0:49a0:b0f3:cee5:48ef",
            "fd12:49d4:94fb:0:6a3a:48ff:fe13:2704"
        ])
    );
    // The Hue bridge's 575 neighbour solicitations.
    let hue = device(&inv, "00:17:88:74:c2:dc");
    assert_eq!(hue["ipv6"], json!(["fe80::217:88ff:fe74:c2dc"]));
    assert_eq!(hue["ndp"], json!({"eui64": true}));
    assert_eq!(inv["capture"]["malformed"].get("ndp"), None);
}

#[test]
fn zeek_short_nd_options_are_counted() {
    let Some(f) = real("zeek/testing/btest/Traces/icmp/icmp6-nd-short-options.pcap") else { return };
    let inv = inventory(&f);
    // tshark marks the same 8 frames malformed.
    assert_eq!(inv["capture"]["malformed"], json!({"ndp": 8}));
}

#[test]
fn crafted_home_network() {
    let inv = inventory(&crafted("v6-home.pcap"));
    assert_eq!(
        v6_macs(&inv),
        [
            "00:11:22:33:44:66",
            "00:11:22:33:44:77",
            "00:11:22:33:44:88",
            "02:00:00:00:00:40",
            "3c:52:a1:00:00:10",
            "50:c7:bf:a0:00:01",
            "68:5d:43:00:00:30"
        ]
    );
    assert_eq!(inv["capture"]["malformed"], json!({}));

    let router = device(&inv, "50:c7:bf:a0:00:01");
    assert_eq!(router["roles"], json!(["dhcpv6-server", "router"]));
    assert_eq!(router["ipv6"], json!(["fe80::52c7:bfff:fea0:1"]));
    assert_eq!(
        router["ndp"],
        json!({
            "eui64": true,
            "mtu": 1500,
            "prefixes": ["2001:db8:cafe::/64", "fd00:cafe::/64"],
            "ra_flags": ["managed", "other"],
            "router_lifetime": 1800,
        })
    );
    assert_eq!(router["dhcpv6"], json!({"server_duid": "00:03:00:01:50:c7:bf:a0:00:01"}));
    assert_eq!(router["notes"], json!([]));

    let deco = device(&inv, "3c:52:a1:00:00:10");
    assert_eq!(deco["hostnames"], json!(["deco-x20"]));
    assert_eq!(deco["ipv6"], json!(["fe80::3e52:a1ff:fe00:10", "2001:db8:cafe::10", "2001:db8:cafe:0:3e52:a1ff:fe00:10"]));
    assert_eq!(
        deco["dhcpv6"],
        json!({
            "duid": "00:02:00:00:2e:57:64:65:63:6f:2d:78:32:30:2d:30:30:30:31",
            "duid_type": 2,
            "duid_enterprise": 11863,
            "fqdn": "deco-x20.home.arpa",
            "vendor_class_enterprise": 11863,
            "vendor_class": ["Deco X20", "1.0"],
            "user_class": ["tplink-mesh"],
            "oro": "23,24,39,82",
            "option_order": "1,2,3,6",
        })
    );
    assert_eq!(deco["ndp"], json!({"eui64": true}));
    assert_eq!(deco["notes"], json!([]));

    let laptop = device(&inv, "68:5d:43:00:00:30");
    assert_eq!(laptop["hostnames"], json!(["laptop-7"]));
    assert_eq!(laptop["ipv6"], json!(["fe80::9154:c66f:8d0e:30", "2001:db8:cafe::30"]));
    assert_eq!(laptop["notes"], json!([claim("dhcpv6", "08:2e:5f:00:00:31")]));
    assert_eq!(laptop["dhcpv6"]["vendor_class"], json!(["MSFT 5.0"]));
    assert_eq!(laptop["dhcpv6"]["duid_type"], 1);
    assert_eq!(laptop["ndp"], Value::Null);
    assert!(!has_device(&inv, "08:2e:5f:00:00:31"));

    // The extender's proxy NA binds nothing; its bridged RS binds the hidden host's address
    // to the hidden host (the dispatch also binds the link-local source to the frame's
    // sender, as it does for every link-local source).
    let ext = device(&inv, "02:00:00:00:00:40");
    assert_eq!(ext["notes"], json!([claim("ndp", "00:11:22:33:44:66")]));
    assert!(!ext["ipv6"].as_array().unwrap().contains(&json!("2001:db8:cafe::99")));
    let hidden = device(&inv, "00:11:22:33:44:66");
    assert_eq!(hidden["packets"], 0);
    assert_eq!(hidden["ipv6"], json!(["fe80::211:22ff:fe33:4466"]));
    assert_eq!(hidden["ndp"], json!({"eui64": true}));

    let relay = device(&inv, "00:11:22:33:44:77");
    assert_eq!(relay["roles"], json!(["dhcp-relay"]));
    assert_eq!(relay["dhcpv6"], json!({"relay_link_address": "2001:db8:f00d::1"}));
    let remote = device(&inv, "00:11:22:33:44:88");
    assert_eq!(remote["hostnames"], json!(["remote-cam"]));
    assert_eq!(remote["dhcpv6"]["duid_type"], 3);
    assert_eq!(remote["notes"], json!([]));
}

#[test]
fn crafted_malformed_messages_are_counted_and_good_parts_kept() {
    let inv = inventory(&crafted("v6-malformed.pcap"));
    assert_eq!(inv["capture"]["malformed"], json!({"dhcpv6": 4, "ndp": 4}));
    // RA with a zero-length option after SLLA and MTU.
    let r = device(&inv, "00:1d:0f:00:06:01");
    assert_eq!(r["roles"], json!(["router"]));
    assert_eq!(r["ndp"]["mtu"], 1280);
    // Cut NS and NS with code 1: nothing from ND.
    for m in ["00:1d:0f:00:06:02", "00:1d:0f:00:06:03"] {
        assert_eq!(device(&inv, m)["protocols"], json!(["ipv6"]), "{m}");
    }
    // 65 options: the first 64 read (MTU), the SLLA past the limit not.
    let r = device(&inv, "00:1d:0f:00:06:04");
    assert_eq!(r["ndp"]["mtu"], 1500);
    assert_eq!(r["notes"], json!([]));
    // Truncated option after client id and FQDN.
    assert_eq!(device(&inv, "00:1d:0f:00:06:05")["hostnames"], json!(["cut-host"]));
    // The 1,700-level relay chain stops at the depth limit.
    assert_eq!(device(&inv, "00:1d:0f:00:06:06")["roles"], json!(["dhcp-relay"]));
    assert!(!has_device(&inv, "00:1d:0f:00:06:0f"), "the innermost client is never reached");
    // The 2-byte vendor class is skipped and the FQDN after it read.
    let c = device(&inv, "00:1d:0f:00:06:07");
    assert_eq!(c["hostnames"], json!(["after-bad-vc"]));
    assert_eq!(c["dhcpv6"].get("vendor_class"), None);
    assert_eq!(device(&inv, "00:1d:0f:00:06:08")["protocols"], json!(["ipv6"]));
    assert_eq!(device(&inv, "00:1d:0f:00:06:09")["ipv6"], json!(["2001:db8::9"]));
}
