//! End-to-end: run the `quietwire` binary on the captures in `captures/` and assert
//! exact devices, addresses, names and flags (captures/README.md lists what each holds).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cap(rel: &str) -> String {
    root().join("captures").join(rel).display().to_string()
}

fn quietwire(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quietwire")).args(args).output().expect("run quietwire")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `read -f json` and returns the document; panics with stderr on failure.
fn inventory(files: &[&str]) -> Value {
    let mut args = vec!["read", "-f", "json"];
    args.extend_from_slice(files);
    let o = quietwire(&args);
    assert!(o.status.success(), "quietwire failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn devices(inv: &Value) -> &Vec<Value> {
    inv["devices"].as_array().expect("devices array")
}

fn device<'a>(inv: &'a Value, mac: &str) -> &'a Value {
    devices(inv).iter().find(|d| d["mac"] == mac).unwrap_or_else(|| panic!("no device {mac} in {inv:#}"))
}

fn macs(inv: &Value) -> Vec<String> {
    devices(inv).iter().map(|d| d["mac"].as_str().unwrap().to_string()).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

fn assert_tplink_oui(d: &Value, prefix: &str, brand: &str) {
    let flags = d["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1, "one flag on {d:#}");
    let f = &flags[0];
    assert_eq!(f["watchlist"], "tp-link");
    assert_eq!(f["brand"], brand, "{f:#}");
    assert_eq!(f["confidence"], "high");
    assert_eq!(f["evidence"][0]["source"], "oui");
    assert!(f["evidence"][0]["detail"].as_str().unwrap().starts_with(prefix), "{f:#}");
    assert_eq!(f["evidence"][0]["first_seen"], d["first_seen"]);
}

#[test]
fn hs110_plug_has_dhcp_identity_and_tplink_flag() {
    let inv = inventory(&[&cap("real/iot-sentinel-hs110-setup-a-1.pcap")]);
    assert_eq!(inv["schema"], "quietwire.inventory/1");
    assert_eq!(macs(&inv), vec!["00:b5:6d:06:08:ba", "50:c7:bf:00:c7:03"]);
    let plug = device(&inv, "50:c7:bf:00:c7:03");
    assert_eq!(plug["mac_kind"], "global");
    assert_eq!(plug["vendor"], "TP-LINK TECHNOLOGIES CO.,LTD.");
    assert_eq!(strings(&plug["hostnames"]), vec!["HS110(EU)"]);
    assert_eq!(strings(&plug["ipv4"]), vec!["10.10.10.20"]);
    assert_eq!(plug["dhcp"]["vendor_class"], "udhcp 0.9.9-pre");
    assert_eq!(plug["dhcp"]["prl"], "1,3,6,12,15,28");
    assert_eq!(strings(&plug["protocols"]), vec!["arp", "dhcp", "dns"]);
    assert_eq!(strings(&plug["dns_queries"]), vec!["time-b.nist.gov", "devs.tplinkcloud.com"]);
    assert_tplink_oui(plug, "50:c7:bf TP-LINK TECHNOLOGIES CO.,LTD.", "Kasa");
    let gw = device(&inv, "00:b5:6d:06:08:ba");
    assert_eq!(strings(&gw["ipv4"]), vec!["10.10.10.1"]);
    assert_eq!(strings(&gw["roles"]), vec!["dhcp-server"]);
    assert!(gw["flags"].as_array().unwrap().is_empty());
    let c = &inv["capture"];
    assert_eq!(c["packets"], 52);
    assert_eq!(c["first_seen"], "2016-09-01T11:28:27.033389Z");
    assert_eq!(c["link_types"]["ethernet"], 52);
}

/// Facts that must not depend on the container or link type.
fn facts(inv: &Value) -> Vec<Value> {
    devices(inv)
        .iter()
        .map(|d| {
            let mut flags = d["flags"].clone();
            for f in flags.as_array_mut().unwrap() {
                for e in f["evidence"].as_array_mut().unwrap() {
                    e.as_object_mut().unwrap().remove("first_seen");
                }
            }
            serde_json::json!({
                "mac": d["mac"], "vendor": d["vendor"], "ipv4": d["ipv4"], "hostnames": d["hostnames"],
                "dhcp": d["dhcp"], "roles": d["roles"], "protocols": d["protocols"], "packets": d["packets"],
                "flags": flags,
            })
        })
        .collect()
}

#[test]
fn same_inventory_from_pcap_pcapng_sll_sll2_nanosecond_and_mixed_link_types() {
    let base = inventory(&[&cap("real/iot-sentinel-hs110-setup-a-1.pcap")]);
    for copy in ["derived/hs110.pcapng", "derived/hs110-sll.pcap", "derived/hs110-sll2.pcap", "derived/hs110-nsec-be.pcap", "derived/hs110-two-linktypes.pcapng"] {
        let inv = inventory(&[&cap(copy)]);
        assert_eq!(facts(&inv), facts(&base), "{copy} differs");
    }
    // Exact times survive the pcapng conversion; the nanosecond copy keeps its extra 789 ns.
    assert_eq!(inventory(&[&cap("derived/hs110.pcapng")])["devices"][1]["first_seen"], base["devices"][1]["first_seen"]);
    let ns = inventory(&[&cap("derived/hs110-nsec-be.pcap")]);
    assert_eq!(ns["capture"]["first_seen"], "2016-09-01T11:28:27.033389789Z");
    let mixed = inventory(&[&cap("derived/hs110-two-linktypes.pcapng")]);
    assert_eq!(mixed["capture"]["link_types"]["raw-ip"], 2);
    assert_eq!(mixed["capture"]["packets"], 54);
}

#[test]
fn vlans_qinq_arp_rules_and_non_devices() {
    let inv = inventory(&[&cap("crafted/vlan-dhcp-arp.pcap")]);
    assert_eq!(
        macs(&inv),
        vec!["00:11:22:33:44:55", "02:00:00:00:00:42", "3c:52:a1:00:00:09", "50:c7:bf:11:22:01", "9c:53:22:aa:bb:cc", "de:ad:be:ef:00:01"]
    );
    let client = device(&inv, "50:c7:bf:11:22:01");
    assert_eq!(client["vlans"], serde_json::json!([20]));
    assert_eq!(strings(&client["ipv4"]), vec!["10.20.0.50"]);
    assert_eq!(strings(&client["hostnames"]), vec!["archer-c7"]);
    assert_eq!(client["dhcp"]["vendor_class"], "udhcp 1.19.4");
    assert_eq!(client["dhcp"]["prl"], "1,3,6,12,15,28,42");
    assert_eq!(client["dhcp"]["client_id"], "01:50:c7:bf:11:22:01");
    assert_eq!(client["dhcp"]["fqdn"], "archer-c7.lan");
    assert_eq!(client["dhcp"]["requested_ip"], "10.20.0.50");
    assert_tplink_oui(client, "50:c7:bf", "TP-Link");

    let server = device(&inv, "00:11:22:33:44:55");
    assert_eq!(strings(&server["ipv4"]), vec!["10.20.0.1"]);
    assert_eq!(strings(&server["roles"]), vec!["dhcp-server"]);
    // Frame 10 claims 10.20.0.1 for the server from another MAC: kept, and noted.
    let note = &server["notes"][0];
    assert_eq!(note["kind"], "arp_sender_mismatch");
    assert_eq!(note["frame_source"], "de:ad:be:ef:00:01");
    let spoofer = device(&inv, "de:ad:be:ef:00:01");
    assert!(spoofer["ipv4"].as_array().unwrap().is_empty());
    assert_eq!(spoofer["mac_kind"], "local");
    assert_eq!(spoofer["vendor"], Value::Null);

    let prober = device(&inv, "3c:52:a1:00:00:09");
    assert!(prober["ipv4"].as_array().unwrap().is_empty(), "an ARP probe binds no address");
    assert_eq!(strings(&prober["protocols"]), vec!["arp"]);
    assert_tplink_oui(prober, "3c:52:a1 TP-Link Systems Inc", "TP-Link");

    let qinq = device(&inv, "9c:53:22:aa:bb:cc");
    assert_eq!(qinq["vlans"], serde_json::json!([30]));
    assert_eq!(qinq["outer_vlans"], serde_json::json!([100]));
    assert_eq!(strings(&qinq["ipv4"]), vec!["10.30.0.9"]);

    let quiet = device(&inv, "02:00:00:00:00:42");
    assert_eq!(quiet["packets"], 1);
    assert_eq!(quiet["mac_kind"], "local");
    assert!(quiet["protocols"].as_array().unwrap().is_empty());
    assert!(quiet["vlans"].as_array().unwrap().is_empty());
}

#[test]
fn malformed_dhcp_is_counted_and_the_good_message_kept() {
    let inv = inventory(&[&cap("crafted/malformed-dhcp.pcap")]);
    assert_eq!(devices(&inv).len(), 5);
    let good = device(&inv, "00:1d:0f:00:00:01");
    assert_eq!(strings(&good["hostnames"]), vec!["good-host"]);
    assert_eq!(good["dhcp"]["requested_ip"], "192.168.50.10");
    assert_eq!(good["dhcp"]["prl"], "1,3,6");
    for bad in ["00:1d:0f:00:00:0a", "00:1d:0f:00:00:0b", "00:1d:0f:00:00:0c", "00:1d:0f:00:00:0d"] {
        assert!(device(&inv, bad)["hostnames"].as_array().unwrap().is_empty(), "{bad}");
    }
    assert_eq!(inv["capture"]["malformed"]["dhcp"], 4);
}

#[test]
fn unreadable_inputs_are_one_line_errors_with_status_2() {
    for (file, reason) in [
        ("corrupt/zero-length.pcap", "empty file"),
        ("corrupt/not-a-capture.pcap", "not a pcap or pcapng file"),
    ] {
        let path = cap(file);
        let o = quietwire(&["read", &path]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&path) && err.contains(reason), "{err}");
        assert!(o.stdout.is_empty());
    }
    let missing = root().join("captures/no-such-file.pcap").display().to_string();
    let o = quietwire(&["read", &missing]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-file.pcap") && stderr(&o).contains("No such file"), "{}", stderr(&o));
    let empty = tempfile::tempdir().unwrap();
    let o = quietwire(&["read", &empty.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no capture files"), "{}", stderr(&o));
}

/// A directory stands for the files in it, in name order: the same document as naming
/// them one by one (hidden files and subdirectories left out).
#[test]
fn a_directory_reads_as_its_files_in_name_order() {
    let dir = root().join("captures/derived");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let by_dir = quietwire(&["read", "-f", "json", &dir.display().to_string()]);
    let mut args = vec!["read", "-f", "json"];
    args.extend(files.iter().map(String::as_str));
    let by_files = quietwire(&args);
    assert_eq!(by_dir.status.code(), by_files.status.code());
    assert_eq!(String::from_utf8_lossy(&by_dir.stdout), String::from_utf8_lossy(&by_files.stdout));
    let doc: serde_json::Value = serde_json::from_slice(&by_dir.stdout).unwrap();
    let read: Vec<&str> = doc["capture"]["sources"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(read, files.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn truncated_and_corrupt_files_keep_what_they_hold() {
    for (file, packets, offset, device) in [
        ("derived/hs110-truncated.pcap", 50, 13705, "50:c7:bf:00:c7:03"),
        ("corrupt/huge-record.pcap", 1, 100, "00:1d:0f:00:00:77"),
        ("corrupt/pcapng-block-past-end.pcapng", 1, 184, "00:1d:0f:00:00:78"),
        ("corrupt/random-with-pcap-magic.pcap", 0, 24, ""),
    ] {
        let path = cap(file);
        let o = quietwire(&["read", "-f", "json", &path]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("warning") && err.contains(&path) && err.contains(&format!("offset {offset}")), "{err}");
        let inv: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(inv["capture"]["packets"], packets, "{file}");
        assert_eq!(inv["capture"]["sources"][0]["truncated_at"], offset, "{file}");
        if !device.is_empty() {
            device_exists(&inv, device);
        }
    }
    let inv = inventory(&[&cap("corrupt/huge-record.pcap")]);
    assert!(!macs(&inv).contains(&"00:1d:0f:00:00:7f".to_string()));
}

fn device_exists(inv: &Value, mac: &str) {
    let _ = device(inv, mac);
}

#[test]
fn one_bad_file_among_good_ones_reports_and_still_prints() {
    let o = quietwire(&["read", "-f", "json", &cap("corrupt/not-a-capture.pcap"), &cap("real/iot-sentinel-hs110-setup-a-1.pcap")]);
    assert_eq!(o.status.code(), Some(2));
    let inv: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(devices(&inv).len(), 2);
    assert_eq!(inv["capture"]["sources"].as_array().unwrap().len(), 1);
}

#[test]
fn several_files_merge_into_one_inventory() {
    let inv = inventory(&[&cap("real/iot-sentinel-hs110-setup-a-1.pcap"), &cap("real/iot-sentinel-hs100-setup-a-1.pcap")]);
    let hs100 = device(&inv, "50:c7:bf:00:fc:a3");
    assert_eq!(strings(&hs100["hostnames"]), vec!["HS100(EU)"]);
    assert_tplink_oui(hs100, "50:c7:bf", "Kasa");
    let hs110 = device(&inv, "50:c7:bf:00:c7:03");
    assert_eq!(strings(&hs110["hostnames"]), vec!["HS110(EU)"]);
    assert_eq!(inv["capture"]["sources"].as_array().unwrap().len(), 2);
}

#[test]
fn ndjson_csv_and_table_formats() {
    let f = cap("crafted/vlan-dhcp-arp.pcap");
    let o = quietwire(&["read", "-f", "ndjson", &f]);
    assert!(o.status.success());
    let lines: Vec<Value> = String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[..6].iter().all(|l| l["type"] == "device" && l["data"]["mac"].is_string()));
    assert_eq!(lines[6]["type"], "capture");
    assert_eq!(lines[6]["data"]["packets"], 13);

    let o = quietwire(&["read", "-f", "csv", &f]);
    let text = String::from_utf8(o.stdout).unwrap();
    let mut rdr = csv_rows(&text);
    assert_eq!(rdr.remove(0)[0], "mac");
    assert_eq!(rdr.len(), 6);
    let client = rdr.iter().find(|r| r[0] == "50:c7:bf:11:22:01").unwrap();
    assert_eq!(client[5], "archer-c7");
    assert_eq!(client[15], "TP-Link");
    assert_eq!(client[16], "high");

    let o = quietwire(&["read", &f]);
    let table = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<&str> = table.lines().collect();
    assert!(rows[0].starts_with("FLAG"));
    // TP-Link family first and marked, then the rest.
    for r in &rows[1..4] {
        assert!(r.starts_with("!! TP-Link high"), "{r}");
    }
    assert!(!rows[4].contains("TP-Link high"));
    assert!(table.contains("6 devices, 3 flagged"));
}

/// A tiny CSV reader for the test (quoted fields with commas).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut row = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(std::mem::take(&mut cur)),
                (c, _) => cur.push(c),
            }
        }
        row.push(cur);
        rows.push(row);
    }
    rows
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inv.json");
    let o = quietwire(&["read", "-f", "json", "-o", &out.display().to_string(), &cap("real/iot-sentinel-hs110-setup-a-1.pcap")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let inv: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(devices(&inv).len(), 2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn device_limit_is_named_and_counted() {
    let inv = {
        let o = quietwire(&["read", "-f", "json", "--max-devices", "3", &cap("crafted/vlan-dhcp-arp.pcap")]);
        assert!(o.status.success());
        serde_json::from_slice::<Value>(&o.stdout).unwrap()
    };
    assert!(devices(&inv).len() <= 3);
    assert!(inv["capture"]["limits_hit"]["devices"].as_u64().unwrap() >= 3);
}

#[test]
fn version_and_vendor_registry() {
    let o = quietwire(&["--version"]);
    let v = String::from_utf8(o.stdout).unwrap();
    assert!(v.contains("IEEE vendor registry 2026-10"), "{v}");
    let o = quietwire(&["vendors", "lookup", "9c:53:22:28:e5:ed", "02:11:22:33:44:55"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("9c:53:22\tMA-L\tTP-Link Systems Inc"), "{text}");
    assert!(text.contains("locally administered"), "{text}");
}

/// The real corpus beside the checkout (read in place, not copied: several files carry
/// no permissive licence). Every file must be read without a crash; every IoT Sentinel
/// Kasa capture must show its plug, flagged, with its DHCP name.
#[test]
fn shared_real_corpus_reads_without_crashes() {
    let real = root().join("../shared/captures/real");
    if !real.is_dir() {
        eprintln!("skipping: {} not found", real.display());
        return;
    }
    let mut files = Vec::new();
    collect_captures(&real, &mut files);
    assert!(files.len() > 150, "expected the ~205 shared captures, found {}", files.len());
    let mut kasa = 0;
    for f in &files {
        let path = f.display().to_string();
        let o = quietwire(&["read", "-f", "json", &path]);
        let code = o.status.code();
        assert!(matches!(code, Some(0) | Some(2)), "{path}: status {:?}: {}", o.status, stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{path}: {}", stderr(&o));
        if code == Some(2) {
            assert_eq!(stderr(&o).lines().count(), 1, "{path}: {}", stderr(&o));
            continue;
        }
        let inv: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{path}: {e}"));
        for (dir, mac, name) in [("TP-LinkPlugHS100", "50:c7:bf:00:fc:a3", "HS100(EU)"), ("TP-LinkPlugHS110", "50:c7:bf:00:c7:03", "HS110(EU)")] {
            if path.contains(&format!("/{dir}/")) {
                let d = device(&inv, mac);
                assert!(strings(&d["hostnames"]).contains(&name.to_string()), "{path}");
                assert_eq!(d["dhcp"]["vendor_class"], "udhcp 0.9.9-pre", "{path}");
                assert_tplink_oui(d, "50:c7:bf", "Kasa");
                kasa += 1;
            }
        }
    }
    assert_eq!(kasa, 40, "20 HS100 and 20 HS110 captures");
}

fn collect_captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_captures(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("pcap" | "pcapng" | "cap")) {
            out.push(p);
        }
    }
}

#[test]
fn explain_prints_evidence_and_observations() {
    let o = quietwire(&["explain", "50:c7:bf:11:22:01", &cap("crafted/vlan-dhcp-arp.pcap")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("FLAGGED on tp-link: brand TP-Link, confidence high"), "{text}");
    assert!(text.contains("oui        50:c7:bf TP-LINK TECHNOLOGIES CO.,LTD."), "{text}");
    assert!(text.contains("hostname \"archer-c7\" (rule hostname-model)"), "{text}");
    assert!(text.contains("dhcp       vendor_class = \"udhcp 1.19.4\""), "{text}");
    assert!(text.contains("arp        ipv4 10.20.0.50"), "{text}");
    let o = quietwire(&["explain", "00:00:00:00:00:01", &cap("crafted/vlan-dhcp-arp.pcap")]);
    assert_eq!(o.status.code(), Some(1));
    let o = quietwire(&["explain", "not-a-mac", &cap("crafted/vlan-dhcp-arp.pcap")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn flagged_filter_min_confidence_rules_and_watchlists() {
    let f = cap("crafted/vlan-dhcp-arp.pcap");
    let o = quietwire(&["read", "-f", "json", "--flagged", &f]);
    let inv: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(macs(&inv), vec!["3c:52:a1:00:00:09", "50:c7:bf:11:22:01", "9c:53:22:aa:bb:cc"]);

    // A user rule file: merge into tp-link, and a rule that makes 00:11:22:33:44:55 (a DHCP
    // server) a medium hit through its role.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("mine.toml");
    std::fs::write(&rules, "name = 'tp-link'\n[[rule]]\nid = 'lab-dhcp-server'\nfield = 'role'\npattern = '^dhcp-server$'\nconfidence = 'medium'\n").unwrap();
    let rules_arg = rules.display().to_string();
    let o = quietwire(&["read", "-f", "json", "--flagged", "--rules", &rules_arg, &f]);
    let inv: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(devices(&inv).len(), 3, "a capped hint raises no flag at the default threshold");
    let o = quietwire(&["read", "-f", "json", "--flagged", "--min-confidence", "low", "--rules", &rules_arg, &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let inv: Value = serde_json::from_slice(&o.stdout).unwrap();
    let server = device(&inv, "00:11:22:33:44:55");
    assert_eq!(server["flags"][0]["confidence"], "low", "another vendor's block caps a medium hint at low: {server:#}");
    assert_eq!(server["flags"][0]["evidence"][1]["conflict"], true);

    std::fs::write(&rules, "name = 'tp-link'\n[[rule]]\nid = 'broken'\nfield = 'hostname'\npattern = '(('\nconfidence = 'high'\n").unwrap();
    let o = quietwire(&["read", "--rules", &rules.display().to_string(), &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("mine.toml") && stderr(&o).contains("broken"), "{}", stderr(&o));

    let o = quietwire(&["read", "-f", "json", "--watchlist", "fcc-covered", "--flagged", &f]);
    let inv: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(devices(&inv).is_empty(), "no FCC-listed vendor in this capture");
    let o = quietwire(&["read", "--watchlist", "nope", &f]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn quad7_ports_on_a_tplink_router_are_compromise_findings() {
    let inv = inventory(&[&cap("crafted/quad7.pcap")]);
    let router = device(&inv, "50:c7:bf:aa:00:01");
    let mut ids: Vec<String> = router["risks"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    assert_eq!(ids, vec!["quad7-listen-7777", "quad7-socks-11288", "quad7-xlogin-7777"]);
    assert!(router["risks"].as_array().unwrap().iter().all(|r| r["kind"] == "possible-compromise"));
    assert_eq!(router["tcp"]["xlogin_banner_7777"], "sent the banner \"xlogin:\" from TCP 7777");
    assert!(device(&inv, "50:c7:bf:aa:00:03")["risks"].as_array().unwrap().is_empty());
    assert!(device(&inv, "00:1b:21:00:00:02")["risks"].as_array().unwrap().is_empty(), "the client is not the compromised one");
}

#[test]
fn tddp_requests_to_a_tplink_device_are_a_finding() {
    let inv = inventory(&[&cap("crafted/tplink-tddp-omada.pcap")]);
    let target = device(&inv, "14:cf:92:00:00:01");
    assert!(target["risks"].as_array().unwrap().iter().any(|r| r["id"] == "tddp-requests" && r["kind"] == "possible-compromise"), "{target:#}");
    let omada = device(&inv, "50:d4:f7:33:44:55");
    assert!(omada["flags"].as_array().unwrap().iter().chain(omada["hints"].as_array().unwrap()).any(|f| f["evidence"].as_array().unwrap().iter().any(|e| e["rule"] == "omada-discovery")), "{omada:#}");
}
