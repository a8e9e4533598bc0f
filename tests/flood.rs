//! Bounded memory under attack: one million ARP requests, each from a new random MAC
//! (what a MAC-flooding tool sends). quietwire must exit 0, stay under 256 MB of peak
//! resident memory, keep at most `--max-devices` devices and report the evictions.
//!
//! Alone in its file: the peak is read with `wait4` for this child only, and no other
//! test of this binary runs beside it.

use std::io::Write;
use std::process::Command;

const FRAMES: u32 = 1_000_000;
const MAX_RSS_KB: i64 = 256 * 1024;

/// A pcap of `n` ARP who-has requests, each from a distinct locally administered
/// unicast MAC (a counter mixed by an odd multiplier, so they are not sequential).
fn arp_flood(n: u32) -> Vec<u8> {
    let mut f = Vec::with_capacity(24 + n as usize * 58);
    f.extend(0xa1b2_c3d4u32.to_le_bytes());
    f.extend(2u16.to_le_bytes());
    f.extend(4u16.to_le_bytes());
    f.extend([0; 8]);
    f.extend(65_535u32.to_le_bytes());
    f.extend(1u32.to_le_bytes());
    for i in 0..n {
        let x = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16;
        let mut mac = x.to_be_bytes();
        mac[2] = (mac[2] & 0xfc) | 0x02; // locally administered, unicast
        let mac = &mac[2..8];
        let ip = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
        f.extend((1_700_000_000 + i / 1000).to_le_bytes());
        f.extend(((i % 1000) * 1000).to_le_bytes());
        f.extend(42u32.to_le_bytes());
        f.extend(42u32.to_le_bytes());
        f.extend([0xff; 6]);
        f.extend(mac);
        f.extend([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
        f.extend(mac);
        f.extend(ip);
        f.extend([0; 6]);
        f.extend([10, 255, 255, 254]);
    }
    f
}

#[test]
fn million_mac_arp_flood_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("flood.pcap");
    std::fs::File::create(&pcap).unwrap().write_all(&arp_flood(FRAMES)).unwrap();
    let out = dir.path().join("flood.json");
    // Reaped by `wait4` below, which also gives this child's own peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_quietwire"))
        .args(["read", "-f", "json", "-o"])
        .arg(&out)
        .arg(&pcap)
        .spawn()
        .unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    #[allow(unsafe_code)]
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "exit status {status:#x}");
    let peak_kb = usage.ru_maxrss;
    eprintln!("peak RSS {peak_kb} KB for {FRAMES} ARP frames from distinct MACs");
    assert!(peak_kb <= MAX_RSS_KB, "peak RSS {peak_kb} KB > {MAX_RSS_KB} KB");

    let inv: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let max = quietwire::inventory::Limits::default().max_devices as u64;
    let devices = inv["devices"].as_array().unwrap().len() as u64;
    let evicted = inv["capture"]["limits_hit"]["devices"].as_u64().unwrap();
    assert!(devices <= max, "{devices} devices > limit {max}");
    assert_eq!(devices + evicted, FRAMES as u64, "every MAC is either kept or counted as evicted");
    assert_eq!(inv["capture"]["packets"].as_u64(), Some(FRAMES as u64));
}
