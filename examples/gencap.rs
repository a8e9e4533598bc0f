//! gencap: a deterministic generator of large, realistic mixed captures, for the
//! benchmark (`bench/run.sh`) and for memory-limit tests.
//!
//! ```sh
//! cargo run --release --example gencap -- --size 1G --format pcap --seed 1 -o mixed-1G.pcap
//! cargo run --release --example gencap -- --size 100M --format pcapng -o mixed-100M.pcapng
//! cargo run --release --example gencap -- --arp-flood 1000000 -o arp-flood.pcap
//! ```
//!
//! Normal mode writes, until the file reaches `--size` bytes, mostly bulk TCP and UDP
//! (IPv4 and IPv6, frames of 60–1514 bytes plus VLAN tags) between `--devices` hosts and
//! the Internet through one router, and about 1 % discovery traffic with valid payloads:
//! ARP, DHCP (DISCOVER/OFFER/REQUEST/ACK with hostnames and vendor classes), mDNS
//! responses (PTR/SRV/TXT/A/AAAA), SSDP NOTIFY and search responses, LLDP, ICMPv6
//! neighbour advertisements and Kasa UDP 9999 sysinfo queries and replies (XOR autokey
//! 171). Every device first "joins" (DHCP or a gratuitous ARP, then one message of each
//! discovery protocol its profile speaks), spread over the first ~10,000 frames, so even
//! small files name every device. About 10 % of the devices sit on 802.1Q VLANs 30/40
//! and ~0.5 % behind QinQ (802.1ad 100 / 802.1Q 200–201); their frames carry the tags.
//!
//! `--arp-flood N` writes only N ARP requests, each from a distinct unicast MAC (and
//! distinct IPv4 address for N < 2^24), for memory-limit tests.
//!
//! Everything comes from one splitmix64 stream seeded by `--seed`: the same arguments
//! give the same bytes. IPv4 header, ICMPv6 and discovery UDP checksums are correct;
//! bulk TCP/UDP checksums are zero. Sizes take K/M/G/T suffixes in powers of 1024.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

// ---------------------------------------------------------------------------------------
// PRNG

/// splitmix64: tiny, fast, good enough for traffic shapes, and stable forever.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }
    /// Index chosen with the given weights.
    fn weighted(&mut self, w: &[u32]) -> usize {
        let total: u64 = w.iter().map(|&x| x as u64).sum();
        let mut r = self.below(total);
        for (i, &x) in w.iter().enumerate() {
            if r < x as u64 {
                return i;
            }
            r -= x as u64;
        }
        w.len() - 1
    }
    fn hex(&mut self, n: usize, upper: bool) -> String {
        let digits: &[u8] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
        (0..n).map(|_| digits[self.below(16) as usize] as char).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Command line

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Pcap,
    Pcapng,
}

struct Args {
    size: u64,
    format: Format,
    seed: u64,
    out: String,
    devices: usize,
    arp_flood: Option<u64>,
}

const USAGE: &str = "usage: gencap [--size 1G] [--format pcap|pcapng] [--seed 1] [--devices 300] [--arp-flood N] -o FILE|-

  --size N        stop once the file holds N bytes (suffix K, M, G, T = powers of 1024); default 100M
  --format F      pcap (microsecond, little-endian) or pcapng (SHB + IDB + EPBs); default pcap
  --seed S        PRNG seed (same arguments, same bytes); default 1
  --devices N     hosts on the network, router included (2..=60000); default 300
  --arp-flood N   instead: N ARP requests, each from a distinct random unicast MAC
  -o FILE         output file, or - for standard output";

fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().trim_end_matches(['B', 'b']).trim_end_matches(['i', 'I']);
    let (num, mult) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1u64 << 10),
        'm' | 'M' => (&t[..t.len() - 1], 1 << 20),
        'g' | 'G' => (&t[..t.len() - 1], 1 << 30),
        't' | 'T' => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0 && v.is_finite()).then_some((v * mult as f64) as u64)
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args { size: 100 << 20, format: Format::Pcap, seed: 1, out: String::new(), devices: 300, arp_flood: None };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if key == "-h" || key == "--help" {
            let _ = writeln!(io::stdout(), "{USAGE}");
            std::process::exit(0);
        }
        let mut val = || inline.clone().or_else(|| it.next()).ok_or_else(|| format!("{key} needs a value"));
        match key.as_str() {
            "--size" | "-s" => {
                let v = val()?;
                a.size = parse_size(&v).ok_or_else(|| format!("bad size {v:?}"))?;
            }
            "--format" | "-f" => {
                a.format = match val()?.as_str() {
                    "pcap" => Format::Pcap,
                    "pcapng" => Format::Pcapng,
                    other => return Err(format!("unknown format {other:?} (pcap or pcapng)")),
                }
            }
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--devices" => a.devices = val()?.parse().map_err(|e| format!("--devices: {e}"))?,
            "--arp-flood" => {
                let v = val()?;
                a.arp_flood = Some(parse_size(&v).ok_or_else(|| format!("bad count {v:?}"))?);
            }
            "-o" | "--output" => a.out = val()?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.out.is_empty() {
        return Err("-o FILE is required".into());
    }
    if !(2..=60_000).contains(&a.devices) {
        return Err("--devices must be between 2 and 60000".into());
    }
    Ok(a)
}

// ---------------------------------------------------------------------------------------
// Capture file writer

const SNAPLEN: u32 = 65_535;
const LINKTYPE_ETHERNET: u16 = 1;

struct CapWriter<W: Write> {
    w: W,
    format: Format,
    bytes: u64,
    frames: u64,
}

impl<W: Write> CapWriter<W> {
    fn new(mut w: W, format: Format) -> io::Result<Self> {
        let mut h = Vec::new();
        match format {
            Format::Pcap => {
                h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
                h.extend_from_slice(&2u16.to_le_bytes());
                h.extend_from_slice(&4u16.to_le_bytes());
                h.extend_from_slice(&0i32.to_le_bytes()); // thiszone
                h.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
                h.extend_from_slice(&SNAPLEN.to_le_bytes());
                h.extend_from_slice(&(LINKTYPE_ETHERNET as u32).to_le_bytes());
            }
            Format::Pcapng => {
                // Section Header Block with shb_userappl.
                let mut opts = Vec::new();
                push_option(&mut opts, 4, b"quietwire gencap");
                push_option(&mut opts, 0, b"");
                let len = 28 + opts.len() as u32;
                h.extend_from_slice(&0x0a0d_0d0au32.to_le_bytes());
                h.extend_from_slice(&len.to_le_bytes());
                h.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
                h.extend_from_slice(&1u16.to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&(-1i64).to_le_bytes()); // section length unknown
                h.extend_from_slice(&opts);
                h.extend_from_slice(&len.to_le_bytes());
                // Interface Description Block: Ethernet, if_name, if_tsresol = 10^-6.
                let mut opts = Vec::new();
                push_option(&mut opts, 2, b"eth0");
                push_option(&mut opts, 9, &[6]);
                push_option(&mut opts, 0, b"");
                let len = 20 + opts.len() as u32;
                h.extend_from_slice(&1u32.to_le_bytes());
                h.extend_from_slice(&len.to_le_bytes());
                h.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&SNAPLEN.to_le_bytes());
                h.extend_from_slice(&opts);
                h.extend_from_slice(&len.to_le_bytes());
            }
        }
        w.write_all(&h)?;
        Ok(CapWriter { w, format, bytes: h.len() as u64, frames: 0 })
    }

    fn packet(&mut self, ts_us: u64, data: &[u8]) -> io::Result<()> {
        let len = data.len() as u32;
        match self.format {
            Format::Pcap => {
                let mut hdr = [0u8; 16];
                hdr[0..4].copy_from_slice(&((ts_us / 1_000_000) as u32).to_le_bytes());
                hdr[4..8].copy_from_slice(&((ts_us % 1_000_000) as u32).to_le_bytes());
                hdr[8..12].copy_from_slice(&len.to_le_bytes());
                hdr[12..16].copy_from_slice(&len.to_le_bytes());
                self.w.write_all(&hdr)?;
                self.w.write_all(data)?;
                self.bytes += 16 + data.len() as u64;
            }
            Format::Pcapng => {
                let pad = (4 - data.len() % 4) % 4;
                let total = 32 + data.len() as u32 + pad as u32;
                let mut hdr = [0u8; 28];
                hdr[0..4].copy_from_slice(&6u32.to_le_bytes());
                hdr[4..8].copy_from_slice(&total.to_le_bytes());
                hdr[8..12].copy_from_slice(&0u32.to_le_bytes()); // interface 0
                hdr[12..16].copy_from_slice(&((ts_us >> 32) as u32).to_le_bytes());
                hdr[16..20].copy_from_slice(&(ts_us as u32).to_le_bytes());
                hdr[20..24].copy_from_slice(&len.to_le_bytes());
                hdr[24..28].copy_from_slice(&len.to_le_bytes());
                self.w.write_all(&hdr)?;
                self.w.write_all(data)?;
                self.w.write_all(&[0u8; 3][..pad])?;
                self.w.write_all(&total.to_le_bytes())?;
                self.bytes += total as u64;
            }
        }
        self.frames += 1;
        Ok(())
    }
}

fn push_option(b: &mut Vec<u8>, code: u16, val: &[u8]) {
    b.extend_from_slice(&code.to_le_bytes());
    b.extend_from_slice(&(val.len() as u16).to_le_bytes());
    b.extend_from_slice(val);
    b.resize(b.len() + (4 - val.len() % 4) % 4, 0);
}

// ---------------------------------------------------------------------------------------
// Frame building

type Mac = [u8; 6];
const BCAST: Mac = [0xff; 6];
const LLDP_MCAST: Mac = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e];
const MDNS4_MAC: Mac = [0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb];
const MDNS6_MAC: Mac = [0x33, 0x33, 0x00, 0x00, 0x00, 0xfb];
const SSDP_MAC: Mac = [0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa];
const ALLNODES_MAC: Mac = [0x33, 0x33, 0x00, 0x00, 0x00, 0x01];
const MDNS4: [u8; 4] = [224, 0, 0, 251];
const SSDP4: [u8; 4] = [239, 255, 255, 250];
const MDNS6: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb];
const ALLNODES6: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Vlan {
    None,
    Tag(u16),
    QinQ(u16, u16),
}

#[derive(Clone, Copy)]
enum Ips {
    V4([u8; 4], [u8; 4]),
    V6([u8; 16], [u8; 16]),
}

fn be16(f: &mut Vec<u8>, v: u16) {
    f.extend_from_slice(&v.to_be_bytes());
}
fn be32(f: &mut Vec<u8>, v: u32) {
    f.extend_from_slice(&v.to_be_bytes());
}

fn put_eth(f: &mut Vec<u8>, dst: &Mac, src: &Mac, vlan: Vlan, ethertype: u16) {
    f.extend_from_slice(dst);
    f.extend_from_slice(src);
    match vlan {
        Vlan::None => {}
        Vlan::Tag(v) => {
            be16(f, 0x8100);
            be16(f, v);
        }
        Vlan::QinQ(outer, inner) => {
            be16(f, 0x88a8);
            be16(f, outer);
            be16(f, 0x8100);
            be16(f, inner);
        }
    }
    be16(f, ethertype);
}

/// One's-complement sum of `data` added to `acc` (not folded).
fn sum16(data: &[u8], mut acc: u32) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u16::from_be_bytes([c[0], c[1]]) as u32;
    }
    if let [last] = chunks.remainder() {
        acc += (*last as u32) << 8;
    }
    acc
}
fn fold(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// Writes an IP header for an L4 payload of `l4_len` bytes.
fn put_ip(f: &mut Vec<u8>, ips: &Ips, proto: u8, l4_len: usize, ttl: u8, id: u16) {
    match ips {
        Ips::V4(src, dst) => {
            let start = f.len();
            let total = (20 + l4_len) as u16;
            f.extend_from_slice(&[0x45, 0]);
            be16(f, total);
            be16(f, id);
            f.extend_from_slice(&[0x40, 0, ttl, proto, 0, 0]);
            f.extend_from_slice(src);
            f.extend_from_slice(dst);
            let c = fold(sum16(&f[start..start + 20], 0));
            f[start + 10..start + 12].copy_from_slice(&c.to_be_bytes());
        }
        Ips::V6(src, dst) => {
            be32(f, 0x6000_0000 | (id as u32 & 0xfffff));
            be16(f, l4_len as u16);
            f.push(proto);
            f.push(ttl);
            f.extend_from_slice(src);
            f.extend_from_slice(dst);
        }
    }
}

fn ethertype_of(ips: &Ips) -> u16 {
    match ips {
        Ips::V4(..) => 0x0800,
        Ips::V6(..) => 0x86dd,
    }
}

/// Fills in the TCP/UDP/ICMPv6 checksum of the L4 segment starting at `l4` (to the end
/// of `f`, which must not yet be padded).
fn fix_l4_checksum(f: &mut [u8], l4: usize, ips: &Ips, proto: u8) {
    let seg_len = f.len() - l4;
    let mut acc = match ips {
        Ips::V4(s, d) => sum16(d, sum16(s, 0)) + proto as u32 + seg_len as u32,
        Ips::V6(s, d) => sum16(d, sum16(s, 0)) + proto as u32 + seg_len as u32,
    };
    let at = l4 + if proto == 17 { 6 } else { 2 };
    f[at] = 0;
    f[at + 1] = 0;
    acc = sum16(&f[l4..], acc);
    let mut c = fold(acc);
    if c == 0 && proto == 17 {
        c = 0xffff;
    }
    f[at..at + 2].copy_from_slice(&c.to_be_bytes());
}

fn pad60(f: &mut Vec<u8>) {
    if f.len() < 60 {
        f.resize(60, 0);
    }
}

/// A complete UDP datagram with a valid checksum.
#[allow(clippy::too_many_arguments)]
fn udp_frame(f: &mut Vec<u8>, dst: &Mac, src: &Mac, vlan: Vlan, ips: &Ips, sport: u16, dport: u16, ttl: u8, id: u16, payload: &[u8]) {
    f.clear();
    put_eth(f, dst, src, vlan, ethertype_of(ips));
    put_ip(f, ips, 17, 8 + payload.len(), ttl, id);
    let l4 = f.len();
    be16(f, sport);
    be16(f, dport);
    be16(f, (8 + payload.len()) as u16);
    be16(f, 0);
    f.extend_from_slice(payload);
    fix_l4_checksum(f, l4, ips, 17);
    pad60(f);
}

fn mac_str(m: &Mac, upper: bool) -> String {
    let s = m.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
    if upper { s.to_uppercase() } else { s }
}
fn ip4_str(a: &[u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

// ---------------------------------------------------------------------------------------
// Device profiles

struct MdnsSpec {
    service: &'static str,
    port: u16,
    instances: &'static [&'static str],
    txt: &'static [&'static str],
}

struct SsdpSpec {
    server: &'static str,
    port: u16,
    path: &'static str,
    device_type: &'static str,
}

struct LldpSpec {
    /// (system name pattern, system description)
    systems: &'static [(&'static str, &'static str)],
    port_fmt: &'static str,
    caps: u16,
}

struct KasaModel {
    model: &'static str,
    dev_name: &'static str,
    hw_ver: &'static str,
    sw_ver: &'static str,
    kind: &'static str,
    feature: &'static str,
    bulb: bool,
}

struct Profile {
    name: &'static str,
    weight: u32,
    /// Empty: locally administered random MACs (phones with private addresses).
    ouis: &'static [[u8; 3]],
    /// Patterns: `{hex6}` last three MAC bytes, `{rand7}` 7 random upper-case alnum,
    /// `{nn}` two digits, `{first}` a first name, `{model}` the Kasa model; mDNS, SSDP
    /// and LLDP texts also take `{host}`, `{ip}`, `{mac}` and `{mac12}`.
    hostnames: &'static [&'static str],
    vendor_classes: &'static [&'static str],
    prl: &'static [u8],
    dhcp: bool,
    mdns: Option<MdnsSpec>,
    ssdp: Option<SsdpSpec>,
    lldp: Option<LldpSpec>,
    kasa: bool,
}

const TPLINK_OUIS: &[[u8; 3]] = &[[0x50, 0xc7, 0xbf], [0x9c, 0x53, 0x22], [0x3c, 0x52, 0xa1], [0xb0, 0x95, 0x75], [0x98, 0xda, 0xc4], [0x1c, 0x3b, 0xf3], [0xac, 0x84, 0xc6]];

const KASA_MODELS: &[KasaModel] = &[
    KasaModel { model: "HS110(EU)", dev_name: "Wi-Fi Smart Plug With Energy Monitoring", hw_ver: "2.0", sw_ver: "1.5.4 Build 180815 Rel.121440", kind: "IOT.SMARTPLUGSWITCH", feature: "TIM:ENE", bulb: false },
    KasaModel { model: "HS110(UK)", dev_name: "Wi-Fi Smart Plug With Energy Monitoring", hw_ver: "4.1", sw_ver: "1.0.4 Build 191111 Rel.143500", kind: "IOT.SMARTPLUGSWITCH", feature: "TIM:ENE", bulb: false },
    KasaModel { model: "HS100(UK)", dev_name: "Wi-Fi Smart Plug", hw_ver: "4.1", sw_ver: "1.1.0 Build 201016 Rel.175121", kind: "IOT.SMARTPLUGSWITCH", feature: "TIM", bulb: false },
    KasaModel { model: "HS105(US)", dev_name: "Smart Wi-Fi Plug Mini", hw_ver: "1.0", sw_ver: "1.5.8 Build 191125 Rel.135255", kind: "IOT.SMARTPLUGSWITCH", feature: "TIM", bulb: false },
    KasaModel { model: "KP115(EU)", dev_name: "Smart Wi-Fi Plug Mini", hw_ver: "1.0", sw_ver: "1.0.16 Build 210205 Rel.163735", kind: "IOT.SMARTPLUGSWITCH", feature: "TIM:ENE", bulb: false },
    KasaModel { model: "HS200(US)", dev_name: "Smart Wi-Fi Light Switch", hw_ver: "5.0", sw_ver: "1.0.2 Build 200819 Rel.105309", kind: "IOT.SMARTPLUGSWITCH", feature: "TIM", bulb: false },
    KasaModel { model: "KL130(EU)", dev_name: "Wi-Fi Smart Bulb", hw_ver: "1.0", sw_ver: "1.8.11 Build 191113 Rel.105336", kind: "IOT.SMARTBULB", feature: "", bulb: true },
];

const ALIASES: &[&str] = &["Kitchen kettle", "Living room lamp", "Desk fan", "Coffee machine", "Server rack fan", "Printer power", "Aquarium", "Büro Lampe", "Hallway light", "Space heater", "Meeting room TV", "Water heater"];
const FIRST_NAMES: &[&str] = &["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Oscar", "Peggy", "Trent", "Victor", "Walter"];

const PROFILES: &[Profile] = &[
    // Index 0: the router / DHCP server / default gateway (exactly one, device 0).
    Profile {
        name: "router",
        weight: 0,
        ouis: &[[0x00, 0x1b, 0x54]],
        hostnames: &["core-rtr-01"],
        vendor_classes: &[],
        prl: &[],
        dhcp: false,
        mdns: None,
        ssdp: None,
        lldp: Some(LldpSpec {
            systems: &[("core-rtr-01.corp.example", "Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)")],
            port_fmt: "Gi1/0/{p}",
            caps: 0x0014,
        }),
        kasa: false,
    },
    Profile {
        name: "tplink-switch",
        weight: 1,
        ouis: &[[0x50, 0xc7, 0xbf], [0x0c, 0x80, 0x63], [0x3c, 0x52, 0xa1]],
        hostnames: &["SW-Floor{nn}"],
        vendor_classes: &[],
        prl: &[],
        dhcp: false,
        mdns: None,
        ssdp: None,
        lldp: Some(LldpSpec {
            systems: &[
                ("SW-Floor{nn}", "JetStream 24-Port Gigabit L2+ Managed Switch with 4 SFP Slots"),
                ("T2600G-28TS-{hex6}", "JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots"),
                ("Omada-SG3428-{nn}", "Omada 24-Port Gigabit L2+ Managed Switch with 4 SFP Slots"),
            ],
            port_fmt: "gigabitEthernet 1/0/{p}",
            caps: 0x0004,
        }),
        kasa: false,
    },
    Profile {
        name: "windows-pc",
        weight: 30,
        ouis: &[[0x3c, 0xfd, 0xfe], [0xa0, 0x36, 0x9f]],
        hostnames: &["DESKTOP-{rand7}", "LAPTOP-{rand7}"],
        vendor_classes: &["MSFT 5.0"],
        prl: &[1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252],
        dhcp: true,
        mdns: None,
        ssdp: None,
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "apple",
        weight: 14,
        ouis: &[[0xa4, 0x83, 0xe7], [0xf0, 0x18, 0x98], [0x8c, 0x85, 0x90]],
        hostnames: &["{first}s-MacBook-Pro", "{first}s-iMac", "{first}s-MBA"],
        vendor_classes: &[],
        prl: &[1, 121, 3, 6, 15, 108, 114, 119, 252, 95, 44, 46],
        dhcp: true,
        mdns: Some(MdnsSpec { service: "_companion-link._tcp", port: 49_153, instances: &["{first}’s MacBook Pro", "{first}’s iMac"], txt: &["rpMac=0", "rpFl=0x20000", "rpVr=510.4"] }),
        ssdp: None,
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "android-phone",
        weight: 10,
        ouis: &[],
        hostnames: &["Galaxy-S23", "Pixel-8", "{first}s-Galaxy-A54", "OnePlus-12"],
        vendor_classes: &["android-dhcp-14", "android-dhcp-13"],
        prl: &[1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 108],
        dhcp: true,
        mdns: None,
        ssdp: None,
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "linux-vm",
        weight: 10,
        ouis: &[[0x00, 0x0c, 0x29], [0x00, 0x50, 0x56]],
        hostnames: &["ubuntu-srv-{nn}", "build-{nn}", "db-{nn}"],
        vendor_classes: &[],
        prl: &[1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42],
        dhcp: true,
        mdns: None,
        ssdp: None,
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "raspberry-pi",
        weight: 5,
        ouis: &[[0xb8, 0x27, 0xeb], [0xdc, 0xa6, 0x32], [0xd8, 0x3a, 0xdd]],
        hostnames: &["raspberrypi", "pi-{nn}", "octopi"],
        vendor_classes: &["dhcpcd-9.4.1:Linux-6.1.21-v8+:aarch64:BCM2835"],
        prl: &[1, 121, 33, 3, 6, 12, 15, 26, 28, 42, 51, 54, 58, 59, 119],
        dhcp: true,
        mdns: Some(MdnsSpec { service: "_workstation._tcp", port: 9, instances: &["{host} [{mac}]"], txt: &[] }),
        ssdp: None,
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "hp-printer",
        weight: 3,
        ouis: &[[0x3c, 0xd9, 0x2b]],
        hostnames: &["HP{hex6}", "NPI{hex6}"],
        vendor_classes: &["Hewlett-Packard JetDirect"],
        prl: &[1, 3, 6, 15, 44, 46, 47, 12, 81, 119, 144],
        dhcp: true,
        mdns: Some(MdnsSpec {
            service: "_ipp._tcp",
            port: 631,
            instances: &["HP LaserJet Pro M404dn ({hex6})", "HP Color LaserJet MFP M479fdw ({hex6})"],
            txt: &["txtvers=1", "qtotal=1", "rp=ipp/print", "ty=HP LaserJet Pro M404dn", "pdl=application/pdf,image/urf", "usb_MFG=HP", "usb_MDL=LaserJet Pro M404dn"],
        }),
        ssdp: Some(SsdpSpec { server: "HP HTTP Server; HP LaserJet Pro M404dn - W1A53A; Serial Number: PHBLK{nn}123; Built:Thu Jan 12, 2023", port: 8080, path: "/DevMgmt/DiscoveryTree.xml", device_type: "urn:schemas-upnp-org:device:Printer:1" }),
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "sonos",
        weight: 3,
        ouis: &[[0x5c, 0xaa, 0xfd]],
        hostnames: &["SonosZP"],
        vendor_classes: &[],
        prl: &[1, 3, 6, 12, 15, 28, 42],
        dhcp: true,
        mdns: Some(MdnsSpec { service: "_sonos._tcp", port: 1443, instances: &["RINCON_{mac12}01400@Küche", "RINCON_{mac12}01400@Meeting Room"], txt: &["info=/api/v1/players/RINCON/info", "vers=3", "protovers=1.24.1", "mdnssequence=0"] }),
        ssdp: Some(SsdpSpec { server: "Linux UPnP/1.0 Sonos/70.3-35220 (ZPS1)", port: 1400, path: "/xml/device_description.xml", device_type: "urn:schemas-upnp-org:device:ZonePlayer:1" }),
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "chromecast",
        weight: 3,
        ouis: &[[0xf4, 0xf5, 0xd8], [0xe4, 0xf0, 0x42]],
        hostnames: &["Chromecast", "Google-Nest-Hub"],
        vendor_classes: &["dhcpcd-6.8.2:Linux-4.9.0:armv7l:Marvell"],
        prl: &[1, 33, 3, 6, 15, 28, 51, 58, 59],
        dhcp: true,
        mdns: Some(MdnsSpec { service: "_googlecast._tcp", port: 8009, instances: &["Chromecast-{hex6}{hex6}"], txt: &["id={hex6}{hex6}", "cd={hex6}", "rm=", "ve=05", "md=Chromecast", "ic=/setup/icon.png", "fn=Living Room TV", "ca=201221", "st=0", "bs=FA8F{hex6}", "nf=1", "rs="] }),
        ssdp: Some(SsdpSpec { server: "Linux/3.8.13+, UPnP/1.0, Portable SDK for UPnP devices/1.6.18", port: 8008, path: "/ssdp/device-desc.xml", device_type: "urn:dial-multiscreen-org:device:dial:1" }),
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "synology-nas",
        weight: 2,
        ouis: &[[0x00, 0x11, 0x32]],
        hostnames: &["DiskStation", "nas-{nn}"],
        vendor_classes: &["udhcp 1.23.2"],
        prl: &[1, 3, 6, 12, 15, 28, 42],
        dhcp: true,
        mdns: Some(MdnsSpec { service: "_smb._tcp", port: 445, instances: &["{host}"], txt: &[] }),
        ssdp: Some(SsdpSpec { server: "Synology/DSM/{ip}", port: 5000, path: "/description.xml", device_type: "urn:schemas-upnp-org:device:Basic:1" }),
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "espressif-iot",
        weight: 4,
        ouis: &[[0x24, 0x0a, 0xc4]],
        hostnames: &["ESP_{hex6}", "espressif"],
        vendor_classes: &[],
        prl: &[1, 3, 28, 6],
        dhcp: true,
        mdns: None,
        ssdp: None,
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "amazon-echo",
        weight: 3,
        ouis: &[[0xfc, 0x65, 0xde]],
        hostnames: &["amazon-{hex6}"],
        vendor_classes: &["dhcpcd-6.10.1"],
        prl: &[1, 121, 33, 3, 6, 28, 51, 58, 59],
        dhcp: true,
        mdns: None,
        ssdp: Some(SsdpSpec { server: "Linux/4.9 UPnP/1.0 Amazon/1.0", port: 60_000, path: "/upnp/amazon/setup.xml", device_type: "urn:Belkin:device:controllee:1" }),
        lldp: None,
        kasa: false,
    },
    Profile {
        name: "kasa",
        weight: 8,
        ouis: TPLINK_OUIS,
        hostnames: &["{model}"],
        vendor_classes: &["udhcp 0.9.9-pre", "udhcp 1.19.4"],
        prl: &[1, 3, 6, 12, 15, 28, 42],
        dhcp: true,
        mdns: None,
        ssdp: None,
        lldp: None,
        kasa: true,
    },
    Profile {
        name: "tapo-deco",
        weight: 4,
        ouis: &[[0x3c, 0x52, 0xa1], [0x9c, 0x53, 0x22], [0x60, 0xa4, 0xb7], [0x50, 0x91, 0xe3]],
        hostnames: &["Tapo_Plug", "P100", "Tapo_C200_{hex6}", "Deco_X20", "Archer_AX55"],
        vendor_classes: &["udhcp 1.31.1", "udhcp 1.24.2"],
        prl: &[1, 3, 6, 12, 15, 28, 42, 121],
        dhcp: true,
        mdns: Some(MdnsSpec { service: "_tplink._tcp", port: 80, instances: &["{host}-{hex6}"], txt: &["model={host}", "mac={mac}"] }),
        ssdp: Some(SsdpSpec { server: "Linux/3.10.108, UPnP/1.0, Portable SDK for UPnP devices/1.6.19", port: 1900, path: "/rootDesc.xml", device_type: "urn:schemas-upnp-org:device:InternetGatewayDevice:1" }),
        lldp: None,
        kasa: false,
    },
];

struct Device {
    mac: Mac,
    ip4: [u8; 4],
    ll6: [u8; 16],
    gl6: [u8; 16],
    vlan: Vlan,
    /// Second octet of the device's IPv4 subnet (10.X.0.0/16), the router is 10.X.0.1.
    net: u8,
    prof: &'static Profile,
    hostname: String,
    vendor_class: Option<&'static str>,
    kasa: Option<&'static KasaModel>,
    alias: &'static str,
    ids: [String; 3],
    uuid: String,
    instance: String,
    lldp_sys: (String, &'static str),
}

fn eui64(prefix: [u8; 8], mac: &Mac) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[..8].copy_from_slice(&prefix);
    a[8] = mac[0] ^ 0x02;
    a[9] = mac[1];
    a[10] = mac[2];
    a[11] = 0xff;
    a[12] = 0xfe;
    a[13] = mac[3];
    a[14] = mac[4];
    a[15] = mac[5];
    a
}

fn expand(pat: &str, rng: &mut Rng, mac: &Mac, host: &str, model: &str, ip: &str) -> String {
    let hex6 = format!("{:02X}{:02X}{:02X}", mac[3], mac[4], mac[5]);
    let mac12 = mac_str(mac, true).replace(':', "");
    let mut s = pat.replace("{hex6}", &hex6).replace("{mac12}", &mac12).replace("{host}", host).replace("{model}", model).replace("{ip}", ip).replace("{mac}", &mac_str(mac, false));
    while let Some(i) = s.find("{rand7}") {
        let r: String = (0..7).map(|_| *rng.pick(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") as char).collect();
        s.replace_range(i..i + 7, &r);
    }
    while let Some(i) = s.find("{nn}") {
        s.replace_range(i..i + 4, &format!("{:02}", rng.range(1, 40)));
    }
    while let Some(i) = s.find("{first}") {
        let name = *rng.pick(FIRST_NAMES);
        s.replace_range(i..i + 7, name);
    }
    s
}

fn make_devices(rng: &mut Rng, n: usize) -> Vec<Device> {
    let weights: Vec<u32> = PROFILES.iter().map(|p| p.weight).collect();
    let mut macs = std::collections::HashSet::new();
    let mut devs = Vec::with_capacity(n);
    let mut host_no = [0u16; 256];
    for i in 0..n {
        let prof = if i == 0 { &PROFILES[0] } else { &PROFILES[rng.weighted(&weights)] };
        let mac = loop {
            let r = rng.next().to_le_bytes();
            let m: Mac = match prof.ouis.is_empty() {
                true => [(r[0] & 0xfc) | 0x02, r[1], r[2], r[3], r[4], r[5]],
                false => {
                    let o = rng.pick(prof.ouis);
                    [o[0], o[1], o[2], r[3], r[4], r[5]]
                }
            };
            if macs.insert(m) {
                break m;
            }
        };
        // ~10 % on tagged VLANs 30/40, ~0.5 % behind QinQ; the rest untagged (net 20).
        let r = rng.below(1000);
        let (vlan, net) = if i == 0 || prof.lldp.is_some() {
            (Vlan::None, 20)
        } else if r < 5 {
            let inner = 200 + rng.below(2) as u16;
            (Vlan::QinQ(100, inner), inner as u8)
        } else if r < 105 {
            let v = if r < 55 { 30 } else { 40 };
            (Vlan::Tag(v), v as u8)
        } else {
            (Vlan::None, 20)
        };
        let k = if i == 0 { 1 } else { host_no[net as usize] as u32 + 10 };
        host_no[net as usize] += 1;
        let ip4 = if i == 0 { [10, 20, 0, 1] } else { [10, net, (k / 250) as u8, (k % 250) as u8 + 1] };
        let ll6 = eui64([0xfe, 0x80, 0, 0, 0, 0, 0, 0], &mac);
        let gl6 = if prof.ouis.is_empty() {
            let mut a = [0u8; 16];
            a[..8].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, net, 0, 0]);
            a[8..].copy_from_slice(&rng.next().to_be_bytes());
            a
        } else {
            eui64([0x20, 0x01, 0x0d, 0xb8, 0, net, 0, 0], &mac)
        };
        let kasa = prof.kasa.then(|| rng.pick(KASA_MODELS));
        let model = kasa.map_or("", |k| k.model);
        // Kasa devices send either the full model ("HS110(EU)") or its bare name ("HS110").
        let model_host = if rng.chance(0.5) { model.to_string() } else { model.split('(').next().unwrap_or(model).to_string() };
        let pat = *rng.pick(prof.hostnames);
        let hostname = expand(pat, rng, &mac, "", &model_host, "");
        let vendor_class = (!prof.vendor_classes.is_empty()).then(|| *rng.pick(prof.vendor_classes));
        let ids = [rng.hex(40, true), rng.hex(32, true), rng.hex(32, true)];
        let uuid = format!("{}-{}-{}-{}-{}", rng.hex(8, false), rng.hex(4, false), rng.hex(4, false), rng.hex(4, false), rng.hex(12, false));
        let ip_s = ip4_str(&ip4);
        let instance = prof.mdns.as_ref().map_or(String::new(), |m| {
            let pat = *rng.pick(m.instances);
            expand(pat, rng, &mac, &hostname, "", &ip_s)
        });
        let lldp_sys = prof.lldp.as_ref().map_or((String::new(), ""), |l| {
            let (n, d) = rng.pick(l.systems);
            (expand(n, rng, &mac, &hostname, "", &ip_s), *d)
        });
        let alias = *rng.pick(ALIASES);
        devs.push(Device { mac, ip4, ll6, gl6, vlan, net, prof, hostname, vendor_class, kasa, alias, ids, uuid, instance, lldp_sys });
    }
    devs
}

// ---------------------------------------------------------------------------------------
// The generator

#[derive(Clone, Copy)]
#[repr(usize)]
enum Kind {
    Tcp4,
    Tcp6,
    Udp4,
    Udp6,
    Arp,
    Dhcp,
    Mdns,
    Ssdp,
    Lldp,
    Ndp,
    Kasa,
}
const KIND_NAMES: [&str; 11] = ["tcp4", "tcp6", "udp4", "udp6", "arp", "dhcp", "mdns", "ssdp", "lldp", "ndp", "kasa"];
const FIRST_DISCOVERY: usize = Kind::Arp as usize;

#[derive(Clone, Copy)]
enum Peer {
    Lan(usize),
    Wan(usize),
}

struct Flow {
    client: usize,
    peer: Peer,
    v6: bool,
    tcp: bool,
    cport: u16,
    sport: u16,
    seq: [u32; 2],
    /// Share (per 256) of data frames sent by the server side.
    down: u8,
    /// UDP payload size range.
    lo: u16,
    hi: u16,
    left: u32,
}

const TCP_PORTS: &[(u16, u32)] = &[(443, 50), (80, 10), (22, 5), (445, 10), (8080, 5), (3389, 5), (993, 5), (5201, 10)];
const UDP_PORTS: &[(u16, u32, u16, u16)] = &[(443, 50, 20, 1350), (3478, 10, 60, 1200), (5004, 20, 160, 1200), (123, 5, 48, 48), (51820, 15, 32, 1420)];

struct Gen<W: Write> {
    rng: Rng,
    out: CapWriter<W>,
    ts_us: u64,
    f: Vec<u8>,
    pool: Vec<u8>,
    devs: Vec<Device>,
    wan4: Vec<[u8; 4]>,
    wan6: Vec<[u8; 16]>,
    flows: Vec<Flow>,
    ip_id: u16,
    counts: [u64; 11],
    tagged: u64,
    qinq: u64,
    frame_bytes: u64,
}

impl<W: Write> Gen<W> {
    fn emit(&mut self, kind: Kind) -> io::Result<()> {
        self.ts_us += 1 + self.rng.below(30);
        self.out.packet(self.ts_us, &self.f)?;
        self.counts[kind as usize] += 1;
        self.frame_bytes += self.f.len() as u64;
        if self.f[12..14] == [0x81, 0x00] {
            self.tagged += 1;
        } else if self.f[12..14] == [0x88, 0xa8] {
            self.tagged += 1;
            self.qinq += 1;
        }
        Ok(())
    }

    fn next_id(&mut self) -> u16 {
        self.ip_id = self.ip_id.wrapping_add(1 + self.rng.below(7) as u16);
        self.ip_id
    }

    fn router_mac(&self) -> Mac {
        self.devs[0].mac
    }
    fn gateway4(&self, d: usize) -> [u8; 4] {
        [10, self.devs[d].net, 0, 1]
    }

    /// A device other than `not`, preferring one on the same VLAN.
    fn neighbour(&mut self, of: usize) -> usize {
        for _ in 0..8 {
            let j = self.rng.below(self.devs.len() as u64) as usize;
            if j != of && self.devs[j].vlan == self.devs[of].vlan {
                return j;
            }
        }
        0
    }

    fn new_flow(&mut self) -> Flow {
        let n = self.devs.len() as u64;
        let client = 1 + self.rng.below(n - 1) as usize;
        let peer = if self.rng.chance(0.3) { Peer::Lan(1 + self.rng.below(n - 1) as usize) } else { Peer::Wan(self.rng.below(self.wan4.len() as u64) as usize) };
        let v6 = self.rng.chance(0.15);
        let tcp = self.rng.chance(0.75);
        let cport = self.rng.range(32_768, 60_999) as u16;
        let (sport, down, lo, hi) = if tcp {
            let w: Vec<u32> = TCP_PORTS.iter().map(|p| p.1).collect();
            let p = TCP_PORTS[self.rng.weighted(&w)].0;
            (p, if self.rng.chance(0.8) { 166 } else { 90 }, 0, 0)
        } else {
            let w: Vec<u32> = UDP_PORTS.iter().map(|p| p.1).collect();
            let (p, _, lo, hi) = UDP_PORTS[self.rng.weighted(&w)];
            (p, 160, lo, hi)
        };
        let seq = [self.rng.next() as u32, self.rng.next() as u32];
        let left = self.rng.range(50, 20_000) as u32;
        Flow { client, peer, v6, tcp, cport, sport, seq, down, lo, hi, left }
    }

    /// One bulk TCP or UDP frame of a random active flow.
    fn bulk(&mut self) -> io::Result<()> {
        let fi = self.rng.below(self.flows.len() as u64) as usize;
        if self.flows[fi].left == 0 {
            self.flows[fi] = self.new_flow();
        }
        self.flows[fi].left -= 1;
        let id = self.next_id();
        let fl = &self.flows[fi];
        let c = &self.devs[fl.client];
        // L2 peer: a LAN host on the same VLAN directly, anything else through the router.
        let (peer_mac, peer4, peer6, routed) = match fl.peer {
            Peer::Lan(j) if self.devs[j].vlan == c.vlan && j != fl.client => (self.devs[j].mac, self.devs[j].ip4, self.devs[j].gl6, false),
            Peer::Lan(j) => (self.devs[0].mac, self.devs[j].ip4, self.devs[j].gl6, true),
            Peer::Wan(w) => (self.devs[0].mac, self.wan4[w], self.wan6[w], true),
        };
        let (cmac, c4, c6, vlan) = (c.mac, c.ip4, c.gl6, c.vlan);
        let from_server = self.rng.below(256) < fl.down as u64;
        let (tcp, v6, cport, sport, lo, hi) = (fl.tcp, fl.v6, fl.cport, fl.sport, fl.lo, fl.hi);
        let (smac, dmac) = if from_server { (peer_mac, cmac) } else { (cmac, peer_mac) };
        let ips = match (v6, from_server) {
            (false, false) => Ips::V4(c4, peer4),
            (false, true) => Ips::V4(peer4, c4),
            (true, false) => Ips::V6(c6, peer6),
            (true, true) => Ips::V6(peer6, c6),
        };
        let (p_src, p_dst) = if from_server { (sport, cport) } else { (cport, sport) };
        let ttl = if from_server && routed { 52 + self.rng.below(8) as u8 } else { 64 };
        let ip_hdr = if v6 { 40 } else { 20 };
        let down = fl.down;
        let f = &mut self.f;
        f.clear();
        put_eth(f, &dmac, &smac, vlan, ethertype_of(&ips));
        let kind;
        if tcp {
            // Data direction: mostly full-MSS segments; the other way mostly pure ACKs.
            let mss = 1514 - 14 - ip_hdr - 32;
            let data_side = (from_server && down > 128) || (!from_server && down <= 128);
            let len = if data_side {
                if self.rng.chance(0.7) { mss } else { 1 + self.rng.below(mss as u64) as usize }
            } else if self.rng.chance(0.8) {
                0
            } else {
                self.rng.range(40, 600) as usize
            };
            put_ip(f, &ips, 6, 32 + len, ttl, id);
            let dir = from_server as usize;
            let fl = &mut self.flows[fi];
            be16(f, p_src);
            be16(f, p_dst);
            be32(f, fl.seq[dir]);
            be32(f, fl.seq[1 - dir]);
            fl.seq[dir] = fl.seq[dir].wrapping_add(len as u32);
            f.extend_from_slice(&[0x80, if len > 0 { 0x18 } else { 0x10 }]);
            be16(f, 501 + (self.ts_us as u16 & 0x3ff));
            f.extend_from_slice(&[0, 0, 0, 0, 1, 1, 8, 10]);
            be32(f, (self.ts_us / 1000) as u32);
            be32(f, (self.ts_us / 1000) as u32 - 17);
            let off = self.rng.below((self.pool.len() - len) as u64) as usize;
            f.extend_from_slice(&self.pool[off..off + len]);
            kind = if v6 { Kind::Tcp6 } else { Kind::Tcp4 };
        } else {
            let max = 1514 - 14 - ip_hdr - 8;
            let len = (self.rng.range(lo as u64, hi as u64) as usize).min(max);
            put_ip(f, &ips, 17, 8 + len, ttl, id);
            be16(f, p_src);
            be16(f, p_dst);
            be16(f, (8 + len) as u16);
            be16(f, 0);
            let off = self.rng.below((self.pool.len() - len) as u64) as usize;
            f.extend_from_slice(&self.pool[off..off + len]);
            kind = if v6 { Kind::Udp6 } else { Kind::Udp4 };
        }
        pad60(f);
        self.emit(kind)
    }

    // ----- discovery protocols -----

    #[allow(clippy::too_many_arguments)]
    fn arp_frame(&mut self, op: u16, eth_dst: Mac, vlan: Vlan, sha: Mac, spa: [u8; 4], tha: Mac, tpa: [u8; 4]) {
        let f = &mut self.f;
        f.clear();
        put_eth(f, &eth_dst, &sha, vlan, 0x0806);
        f.extend_from_slice(&[0, 1, 8, 0, 6, 4]);
        be16(f, op);
        f.extend_from_slice(&sha);
        f.extend_from_slice(&spa);
        f.extend_from_slice(&tha);
        f.extend_from_slice(&tpa);
        pad60(f);
    }

    fn arp(&mut self, d: usize, gratuitous: bool) -> io::Result<()> {
        let (mac, ip, vlan) = (self.devs[d].mac, self.devs[d].ip4, self.devs[d].vlan);
        if gratuitous {
            self.arp_frame(1, BCAST, vlan, mac, ip, [0; 6], ip);
            return self.emit(Kind::Arp);
        }
        // Ask for the gateway or a neighbour; the target usually answers.
        let t = if self.rng.chance(0.5) { 0 } else { self.neighbour(d) };
        let (tmac, tip) = if t == 0 { (self.router_mac(), self.gateway4(d)) } else { (self.devs[t].mac, self.devs[t].ip4) };
        self.arp_frame(1, BCAST, vlan, mac, ip, [0; 6], tip);
        self.emit(Kind::Arp)?;
        if self.rng.chance(0.8) {
            self.arp_frame(2, mac, vlan, tmac, tip, mac, ip);
            self.emit(Kind::Arp)?;
        }
        Ok(())
    }

    fn dhcp_msg(&mut self, d: usize, msg: u8, xid: u32, ciaddr: [u8; 4], yiaddr: [u8; 4]) -> Vec<u8> {
        let dev = &self.devs[d];
        let server = [10, dev.net, 0, 1];
        let from_server = msg == 2 || msg == 5;
        let mut b = Vec::with_capacity(548);
        b.extend_from_slice(&[if from_server { 2 } else { 1 }, 1, 6, 0]);
        be32(&mut b, xid);
        be16(&mut b, if from_server { 0 } else { self.rng.below(4) as u16 });
        be16(&mut b, if ciaddr == [0; 4] { 0x8000 } else { 0 });
        b.extend_from_slice(&ciaddr);
        b.extend_from_slice(&yiaddr);
        b.extend_from_slice(if from_server { &server } else { &[0; 4] });
        b.extend_from_slice(&[0; 4]); // giaddr
        b.extend_from_slice(&dev.mac);
        b.extend_from_slice(&[0; 10 + 64 + 128]);
        b.extend_from_slice(&[99, 130, 83, 99]);
        let opt = |b: &mut Vec<u8>, code: u8, v: &[u8]| {
            b.push(code);
            b.push(v.len() as u8);
            b.extend_from_slice(v);
        };
        opt(&mut b, 53, &[msg]);
        if from_server {
            opt(&mut b, 54, &server);
            opt(&mut b, 51, &86_400u32.to_be_bytes());
            opt(&mut b, 58, &43_200u32.to_be_bytes());
            opt(&mut b, 59, &75_600u32.to_be_bytes());
            opt(&mut b, 1, &[255, 255, 0, 0]);
            opt(&mut b, 3, &server);
            opt(&mut b, 6, &[server, [10, 20, 0, 53]].concat());
            opt(&mut b, 15, b"corp.example");
        } else {
            let mut cid = vec![1];
            cid.extend_from_slice(&dev.mac);
            opt(&mut b, 61, &cid);
            if msg == 3 && ciaddr == [0; 4] {
                opt(&mut b, 50, &yiaddr);
                opt(&mut b, 54, &server);
            }
            opt(&mut b, 57, &1500u16.to_be_bytes());
            opt(&mut b, 12, dev.hostname.as_bytes());
            if let Some(vc) = dev.vendor_class {
                opt(&mut b, 60, vc.as_bytes());
            }
            opt(&mut b, 55, dev.prof.prl);
        }
        b.push(255);
        if b.len() < 300 {
            b.resize(300, 0);
        }
        b
    }

    fn dhcp(&mut self, d: usize, renew: bool) -> io::Result<()> {
        let (mac, ip, vlan) = (self.devs[d].mac, self.devs[d].ip4, self.devs[d].vlan);
        let rmac = self.router_mac();
        let server = self.gateway4(d);
        let xid = self.rng.next() as u32;
        let bcast4 = [255; 4];
        if renew {
            let p = self.dhcp_msg(d, 3, xid, ip, [0; 4]);
            let id = self.next_id();
            udp_frame(&mut self.f, &rmac, &mac, vlan, &Ips::V4(ip, server), 68, 67, 64, id, &p);
            self.emit(Kind::Dhcp)?;
            let p = self.dhcp_msg(d, 5, xid, ip, ip);
            udp_frame(&mut self.f, &mac, &rmac, vlan, &Ips::V4(server, ip), 67, 68, 64, 0, &p);
            return self.emit(Kind::Dhcp);
        }
        for (msg, client) in [(1u8, true), (2, false), (3, true), (5, false)] {
            let yi = if msg == 1 { [0; 4] } else { ip };
            let p = self.dhcp_msg(d, msg, xid, [0; 4], yi);
            if client {
                udp_frame(&mut self.f, &BCAST, &mac, vlan, &Ips::V4([0; 4], bcast4), 68, 67, 64, 0, &p);
            } else {
                udp_frame(&mut self.f, &BCAST, &rmac, vlan, &Ips::V4(server, bcast4), 67, 68, 64, 0, &p);
            }
            self.emit(Kind::Dhcp)?;
        }
        Ok(())
    }

    fn mdns(&mut self, d: usize) -> io::Result<()> {
        let dev = &self.devs[d];
        let Some(spec) = dev.prof.mdns.as_ref() else { return Ok(()) };
        let v6 = self.rng.chance(0.2);
        let host = format!("{}.local", dev.hostname.replace([' ', '_'], "-"));
        let inst = format!("{}.{}.local", dev.instance, spec.service);
        let svc = format!("{}.local", spec.service);
        let txt: Vec<String> = spec.txt.iter().map(|t| expand(t, &mut Rng(d as u64), &dev.mac, &dev.hostname, "", "")).collect();
        let mut m = Dns::new();
        m.header(0x8400, 0, 4, 0, 0);
        m.record(&svc, 12, 1, 4500, |m| m.name(&inst));
        m.record(&inst, 33, 0x8001, 120, |m| {
            m.u16(0);
            m.u16(0);
            m.u16(spec.port);
            m.name(&host);
        });
        m.record(&inst, 16, 0x8001, 4500, |m| {
            if txt.is_empty() {
                m.b.push(0);
            }
            for t in &txt {
                m.b.push(t.len().min(255) as u8);
                m.b.extend_from_slice(&t.as_bytes()[..t.len().min(255)]);
            }
        });
        let (ips, dst_mac) = if v6 {
            m.record(&host, 28, 0x8001, 120, |m| m.b.extend_from_slice(&dev.gl6));
            (Ips::V6(dev.ll6, MDNS6), MDNS6_MAC)
        } else {
            m.record(&host, 1, 0x8001, 120, |m| m.b.extend_from_slice(&dev.ip4));
            (Ips::V4(dev.ip4, MDNS4), MDNS4_MAC)
        };
        let (mac, vlan) = (dev.mac, dev.vlan);
        let id = self.next_id();
        udp_frame(&mut self.f, &dst_mac, &mac, vlan, &ips, 5353, 5353, 255, id, &m.b);
        self.emit(Kind::Mdns)
    }

    fn ssdp(&mut self, d: usize) -> io::Result<()> {
        let dev = &self.devs[d];
        let Some(spec) = dev.prof.ssdp.as_ref() else { return Ok(()) };
        let ip = ip4_str(&dev.ip4);
        let server = expand(spec.server, &mut Rng(d as u64), &dev.mac, &dev.hostname, "", &ip);
        let location = format!("http://{ip}:{}{}", spec.port, spec.path);
        let uuid = &dev.uuid;
        let nts = [("upnp:rootdevice".to_string(), format!("uuid:{uuid}::upnp:rootdevice")), (format!("uuid:{uuid}"), format!("uuid:{uuid}")), (spec.device_type.to_string(), format!("uuid:{uuid}::{}", spec.device_type))];
        let (nt, usn) = self.rng.pick(&nts).clone();
        let (mac, vlan, ip4) = (dev.mac, dev.vlan, dev.ip4);
        let id = self.next_id();
        if self.rng.chance(0.2) {
            // A unicast answer to some host's M-SEARCH.
            let q = self.neighbour(d);
            let (qmac, qip) = if q == 0 { (self.router_mac(), self.gateway4(d)) } else { (self.devs[q].mac, self.devs[q].ip4) };
            let text = format!(
                "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nDATE: Mon, 02 Nov 2026 09:{:02}:{:02} GMT\r\nEXT:\r\nLOCATION: {location}\r\nSERVER: {server}\r\nST: {nt}\r\nUSN: {usn}\r\nBOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1\r\n\r\n",
                (self.ts_us / 60_000_000) % 60,
                (self.ts_us / 1_000_000) % 60
            );
            let cport = self.rng.range(49_152, 65_535) as u16;
            udp_frame(&mut self.f, &qmac, &mac, vlan, &Ips::V4(ip4, qip), 1900, cport, 64, id, text.as_bytes());
        } else {
            let text = format!("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: {location}\r\nNT: {nt}\r\nNTS: ssdp:alive\r\nSERVER: {server}\r\nUSN: {usn}\r\n\r\n");
            udp_frame(&mut self.f, &SSDP_MAC, &mac, vlan, &Ips::V4(ip4, SSDP4), 1900, 1900, 4, id, text.as_bytes());
        }
        self.emit(Kind::Ssdp)
    }

    fn lldp(&mut self, d: usize) -> io::Result<()> {
        let dev = &self.devs[d];
        let Some(spec) = dev.prof.lldp.as_ref() else { return Ok(()) };
        let port = self.rng.range(1, 24) as u8;
        let mut src = dev.mac;
        src[5] = src[5].wrapping_add(port);
        let port_name = spec.port_fmt.replace("{p}", &port.to_string());
        let f = &mut self.f;
        f.clear();
        put_eth(f, &LLDP_MCAST, &src, Vlan::None, 0x88cc);
        let tlv = |f: &mut Vec<u8>, t: u16, v: &[u8]| {
            be16(f, (t << 9) | v.len() as u16);
            f.extend_from_slice(v);
        };
        tlv(f, 1, &[&[4u8][..], &dev.mac].concat());
        tlv(f, 2, &[&[5u8][..], port_name.as_bytes()].concat());
        tlv(f, 3, &120u16.to_be_bytes());
        tlv(f, 4, format!("{port_name} : copper").as_bytes());
        tlv(f, 5, dev.lldp_sys.0.as_bytes());
        tlv(f, 6, dev.lldp_sys.1.as_bytes());
        tlv(f, 7, &[(spec.caps >> 8) as u8, spec.caps as u8, (spec.caps >> 8) as u8, spec.caps as u8]);
        let mut mgmt = vec![5, 1];
        mgmt.extend_from_slice(&dev.ip4);
        mgmt.extend_from_slice(&[2, 0, 0, 0, 1, 0]);
        tlv(f, 8, &mgmt);
        tlv(f, 0, &[]);
        pad60(f);
        self.emit(Kind::Lldp)
    }

    fn ndp(&mut self, d: usize) -> io::Result<()> {
        let (mac, ll6, gl6, vlan) = (self.devs[d].mac, self.devs[d].ll6, self.devs[d].gl6, self.devs[d].vlan);
        // Unsolicited (to all nodes, O flag) or solicited (to a neighbour, S|O).
        let (dst_mac, dst6, flags) = if self.rng.chance(0.5) {
            (ALLNODES_MAC, ALLNODES6, 0x20u8)
        } else {
            let n = self.neighbour(d);
            (self.devs[n].mac, self.devs[n].ll6, 0x60)
        };
        let target = if self.rng.chance(0.5) { gl6 } else { ll6 };
        let ips = Ips::V6(ll6, dst6);
        let f = &mut self.f;
        f.clear();
        put_eth(f, &dst_mac, &mac, vlan, 0x86dd);
        put_ip(f, &ips, 58, 32, 255, 0);
        let l4 = f.len();
        f.extend_from_slice(&[136, 0, 0, 0, flags, 0, 0, 0]);
        f.extend_from_slice(&target);
        f.extend_from_slice(&[2, 1]);
        f.extend_from_slice(&mac);
        fix_l4_checksum(f, l4, &ips, 58);
        self.emit(Kind::Ndp)
    }

    /// A phone's broadcast sysinfo query and one Kasa device's reply.
    fn kasa(&mut self, d: usize, with_query: bool) -> io::Result<()> {
        let dev = &self.devs[d];
        let Some(k) = dev.kasa else { return Ok(()) };
        let (kmac, kip, kvlan) = (dev.mac, dev.ip4, dev.vlan);
        let q = self.neighbour(d);
        let (qmac, qip) = if q == 0 { (self.router_mac(), self.gateway4(d)) } else { (self.devs[q].mac, self.devs[q].ip4) };
        let qport = self.rng.range(49_152, 65_535) as u16;
        if with_query {
            let query = kasa_encrypt(br#"{"system":{"get_sysinfo":{}}}"#);
            let bcast = [10, self.devs[d].net, 255, 255];
            let id = self.next_id();
            udp_frame(&mut self.f, &BCAST, &qmac, kvlan, &Ips::V4(qip, bcast), qport, 9999, 64, id, &query);
            self.emit(Kind::Kasa)?;
        }
        let dev = &self.devs[d];
        let rssi = -40 - self.rng.below(40) as i64;
        let on_time = self.rng.below(2_000_000);
        let mut j = String::with_capacity(700);
        let mac_upper = mac_str(&dev.mac, true);
        let [device_id, hw_id, oem_id] = &dev.ids;
        if k.bulb {
            let _ = write!(
                j,
                r#"{{"system":{{"get_sysinfo":{{"sw_ver":"{}","hw_ver":"{}","model":"{}","description":"{}","alias":"{}","mic_type":"{}","dev_state":"normal","mic_mac":"{}","deviceId":"{}","oemId":"{}","hwId":"{}","is_factory":false,"disco_ver":"1.0","ctrl_protocols":{{"name":"Linkie","version":"1.0"}},"light_state":{{"on_off":1,"mode":"normal","hue":0,"saturation":0,"color_temp":2700,"brightness":80}},"is_dimmable":1,"is_color":1,"is_variable_color_temp":1,"rssi":{},"active_mode":"none","heapsize":334532,"err_code":0}}}}}}"#,
                k.sw_ver,
                k.hw_ver,
                k.model,
                k.dev_name,
                dev.alias,
                k.kind,
                mac_upper.replace(':', ""),
                device_id,
                oem_id,
                hw_id,
                rssi
            );
        } else {
            let _ = write!(
                j,
                r#"{{"system":{{"get_sysinfo":{{"err_code":0,"sw_ver":"{}","hw_ver":"{}","type":"{}","model":"{}","mac":"{}","dev_name":"{}","alias":"{}","relay_state":1,"on_time":{},"active_mode":"schedule","feature":"{}","updating":0,"icon_hash":"","rssi":{},"led_off":0,"longitude_i":0,"latitude_i":0,"hwId":"{}","fwId":"00000000000000000000000000000000","deviceId":"{}","oemId":"{}","next_action":{{"type":-1}},"ntc_state":0,"mic_type":"{}"}}}}}}"#,
                k.sw_ver,
                k.hw_ver,
                k.kind,
                k.model,
                mac_upper,
                k.dev_name,
                dev.alias,
                on_time,
                k.feature,
                rssi,
                hw_id,
                device_id,
                oem_id,
                k.kind
            );
        }
        let reply = kasa_encrypt(j.as_bytes());
        let id = self.next_id();
        udp_frame(&mut self.f, &qmac, &kmac, kvlan, &Ips::V4(kip, qip), 9999, qport, 64, id, &reply);
        self.emit(Kind::Kasa)
    }

    /// A device's introduction: DHCP (or a gratuitous ARP for static hosts), then one
    /// message of each discovery protocol it speaks.
    fn join(&mut self, d: usize) -> io::Result<()> {
        let p = self.devs[d].prof;
        if p.dhcp {
            self.dhcp(d, false)?;
        }
        self.arp(d, true)?;
        if p.lldp.is_some() {
            self.lldp(d)?;
        }
        if p.mdns.is_some() {
            self.mdns(d)?;
        }
        if p.ssdp.is_some() {
            self.ssdp(d)?;
        }
        if p.kasa {
            self.kasa(d, true)?;
        }
        self.ndp(d)
    }

    /// One random discovery event; returns nothing, counts through `emit`.
    fn discovery(&mut self) -> io::Result<()> {
        // ARP, DHCP, mDNS, SSDP, LLDP, NDP, Kasa
        const W: [u32; 7] = [40, 8, 16, 12, 4, 12, 8];
        let n = self.devs.len() as u64;
        let any = |g: &mut Self| 1 + g.rng.below(n - 1) as usize;
        match self.rng.weighted(&W) {
            0 => {
                let d = any(self);
                let gratuitous = self.rng.chance(0.1);
                self.arp(d, gratuitous)
            }
            1 => {
                let d = self.of_kind(|p| p.dhcp);
                let renew = self.rng.chance(0.6);
                self.dhcp(d, renew)
            }
            2 => {
                let d = self.of_kind(|p| p.mdns.is_some());
                self.mdns(d)
            }
            3 => {
                let d = self.of_kind(|p| p.ssdp.is_some());
                self.ssdp(d)
            }
            4 => {
                let d = self.of_kind(|p| p.lldp.is_some());
                self.lldp(d)
            }
            5 => {
                let d = any(self);
                self.ndp(d)
            }
            _ => {
                let d = self.of_kind(|p| p.kasa);
                let q = self.rng.chance(0.5);
                self.kasa(d, q)
            }
        }
    }

    /// A random device whose profile matches (or the router when none does).
    fn of_kind(&mut self, want: fn(&Profile) -> bool) -> usize {
        for _ in 0..64 {
            let d = self.rng.below(self.devs.len() as u64) as usize;
            if want(self.devs[d].prof) {
                return d;
            }
        }
        self.devs.iter().position(|x| want(x.prof)).unwrap_or(0)
    }
}

/// TP-Link's "autokey" XOR cipher (initial key 171), as used on UDP 9999.
fn kasa_encrypt(plain: &[u8]) -> Vec<u8> {
    let mut key = 171u8;
    plain
        .iter()
        .map(|&p| {
            key ^= p;
            key
        })
        .collect()
}

/// A tiny DNS message writer with suffix compression.
struct Dns {
    b: Vec<u8>,
    names: Vec<(String, u16)>,
}

impl Dns {
    fn new() -> Self {
        Dns { b: Vec::with_capacity(512), names: Vec::new() }
    }
    fn u16(&mut self, v: u16) {
        be16(&mut self.b, v);
    }
    fn header(&mut self, flags: u16, qd: u16, an: u16, ns: u16, ar: u16) {
        for v in [0, flags, qd, an, ns, ar] {
            self.u16(v);
        }
    }
    fn name(&mut self, name: &str) {
        // Instance labels may contain dots only as separators here; split on '.' except
        // that the first label of a service instance keeps its text whole.
        let labels = split_labels(name);
        for i in 0..labels.len() {
            let suffix = labels[i..].join(".");
            if let Some((_, off)) = self.names.iter().find(|(n, _)| *n == suffix) {
                self.u16(0xc000 | off);
                return;
            }
            if self.b.len() < 0x3fff {
                self.names.push((suffix, self.b.len() as u16));
            }
            let l = labels[i].as_bytes();
            let l = &l[..l.len().min(63)];
            self.b.push(l.len() as u8);
            self.b.extend_from_slice(l);
        }
        self.b.push(0);
    }
    fn record(&mut self, name: &str, rtype: u16, class: u16, ttl: u32, rdata: impl FnOnce(&mut Self)) {
        self.name(name);
        self.u16(rtype);
        self.u16(class);
        be32(&mut self.b, ttl);
        let at = self.b.len();
        self.u16(0);
        rdata(self);
        let len = (self.b.len() - at - 2) as u16;
        self.b[at..at + 2].copy_from_slice(&len.to_be_bytes());
    }
}

/// Splits a DNS-SD name into labels: the service part (`_x._tcp.local`) and `.local`
/// split on dots; an instance label before `._` keeps any dots it has.
fn split_labels(name: &str) -> Vec<String> {
    if let Some(i) = name.find("._") {
        let mut v = vec![name[..i].to_string()];
        v.extend(name[i + 1..].split('.').map(str::to_string));
        v
    } else {
        name.split('.').map(str::to_string).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Modes

fn wan_addresses(rng: &mut Rng) -> (Vec<[u8; 4]>, Vec<[u8; 16]>) {
    const FIRST: &[u8] = &[8, 13, 17, 23, 31, 34, 35, 52, 104, 140, 142, 151, 157, 185, 199, 216];
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for _ in 0..256 {
        let r = rng.next().to_be_bytes();
        v4.push([*rng.pick(FIRST), r[0], r[1], r[2].max(1)]);
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(rng.pick::<[u8; 4]>(&[[0x2a, 0x00, 0x14, 0x50], [0x26, 0x06, 0x47, 0x00], [0x2a, 0x03, 0x28, 0x80], [0x26, 0x20, 0x01, 0xec]]));
        a[4..12].copy_from_slice(&rng.next().to_be_bytes());
        a[12..].copy_from_slice(&(rng.next() as u32 | 1).to_be_bytes());
        v6.push(a);
    }
    (v4, v6)
}

const T0_US: u64 = 1_793_610_000 * 1_000_000; // 2026-11-02T09:00:00Z

fn run_mixed<W: Write>(args: &Args, out: CapWriter<W>) -> io::Result<Gen<W>> {
    let mut rng = Rng(args.seed ^ 0x5157_4952_4547_454e);
    let devs = make_devices(&mut rng, args.devices);
    let (wan4, wan6) = wan_addresses(&mut rng);
    let mut pool = vec![0u8; 1 << 20];
    for c in pool.chunks_mut(8) {
        let r = rng.next().to_le_bytes();
        c.copy_from_slice(&r[..c.len()]);
    }
    let mut g = Gen {
        rng,
        out,
        ts_us: T0_US,
        f: Vec::with_capacity(2048),
        pool,
        devs,
        wan4,
        wan6,
        flows: Vec::new(),
        ip_id: 1,
        counts: [0; 11],
        tagged: 0,
        qinq: 0,
        frame_bytes: 0,
    };
    for _ in 0..512 {
        let fl = g.new_flow();
        g.flows.push(fl);
    }
    // Join order: the router and switches first, then everyone else shuffled.
    let mut order: Vec<usize> = (0..g.devs.len()).collect();
    for i in (1..order.len()).rev() {
        let j = 1 + g.rng.below(i as u64) as usize;
        order.swap(i, j);
    }
    order.sort_by_key(|&d| g.devs[d].prof.lldp.is_none());
    let mut joins = order.into_iter();
    let mut joining = true;
    // A discovery event averages ~1.45 frames: p = 1 % / 1.45 keeps them at ~1 % of frames.
    let p_event = 0.0069;
    while g.out.bytes < args.size {
        if joining && g.rng.chance(0.03) {
            match joins.next() {
                Some(d) => g.join(d)?,
                None => joining = false,
            }
        } else if g.rng.chance(p_event) {
            g.discovery()?;
        } else {
            g.bulk()?;
        }
    }
    Ok(g)
}

/// A bijection on 46-bit integers (odd multiplications and xorshifts mod 2^46).
fn mix46(x: u64) -> u64 {
    const M: u64 = (1 << 46) - 1;
    let mut x = x & M;
    x = x.wrapping_mul(0x9e37_79b9_7f4a_7c15) & M;
    x ^= x >> 23;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9) & M;
    x ^= x >> 21;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb) & M;
    x ^ (x >> 19)
}

fn run_arp_flood<W: Write>(args: &Args, n: u64, mut out: CapWriter<W>) -> io::Result<CapWriter<W>> {
    let mut rng = Rng(args.seed ^ 0x4152_5046_4c4f_4f44);
    let offset = rng.next();
    let mut f = Vec::with_capacity(64);
    let mut ts = T0_US;
    for i in 0..n {
        // Distinct unicast, globally administered MACs: 46 free bits, bijectively mixed.
        let y = mix46(i.wrapping_add(offset));
        let mac: Mac = [((y >> 40) as u8) << 2, (y >> 32) as u8, (y >> 24) as u8, (y >> 16) as u8, (y >> 8) as u8, y as u8];
        let k = i % (1 << 24);
        let ip = [10, (k >> 16) as u8, (k >> 8) as u8, k as u8];
        f.clear();
        put_eth(&mut f, &BCAST, &mac, Vlan::None, 0x0806);
        f.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1]);
        f.extend_from_slice(&mac);
        f.extend_from_slice(&ip);
        f.extend_from_slice(&[0; 6]);
        f.extend_from_slice(&[10, 0, 0, 1]);
        pad60(&mut f);
        ts += 1 + rng.below(200);
        out.packet(ts, &f)?;
    }
    Ok(out)
}

fn human(n: u64) -> String {
    let s = n.to_string();
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            o.push(',');
        }
        o.push(c);
    }
    o
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gencap: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gencap: {}: {e}", args.out);
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> io::Result<()> {
    let started = Instant::now();
    let sink: Box<dyn Write> = if args.out == "-" { Box::new(io::stdout().lock()) } else { Box::new(File::create(&args.out)?) };
    let out = CapWriter::new(BufWriter::with_capacity(1 << 20, sink), args.format)?;
    let fmt = if args.format == Format::Pcap { "pcap" } else { "pcapng" };
    let mut report = String::new();
    let (frames, bytes) = if let Some(n) = args.arp_flood {
        let mut out = run_arp_flood(args, n, out)?;
        out.w.flush()?;
        let _ = writeln!(report, "  kinds: arp {} (each from a distinct MAC)", human(out.frames));
        (out.frames, out.bytes)
    } else {
        let mut g = run_mixed(args, out)?;
        g.out.w.flush()?;
        let frames = g.out.frames;
        let kinds: Vec<String> = KIND_NAMES.iter().zip(g.counts).map(|(n, c)| format!("{n} {}", human(c))).collect();
        let disc: u64 = g.counts[FIRST_DISCOVERY..].iter().sum();
        let pct = |x: u64| 100.0 * x as f64 / frames.max(1) as f64;
        let _ = writeln!(report, "  kinds: {}", kinds.join(", "));
        let _ = writeln!(
            report,
            "  discovery {} ({:.2} %), 802.1Q-tagged {} ({:.1} %), QinQ {}, mean frame {:.0} bytes",
            human(disc),
            pct(disc),
            human(g.tagged),
            pct(g.tagged),
            human(g.qinq),
            g.frame_bytes as f64 / frames.max(1) as f64
        );
        let mut per: Vec<(&str, usize)> = Vec::new();
        for d in &g.devs {
            match per.iter_mut().find(|(n, _)| *n == d.prof.name) {
                Some(e) => e.1 += 1,
                None => per.push((d.prof.name, 1)),
            }
        }
        let tp = g.devs.iter().filter(|d| TPLINK_OUIS.iter().chain(&[[0x0c, 0x80, 0x63], [0x60, 0xa4, 0xb7], [0x50, 0x91, 0xe3]]).any(|o| d.mac[..3] == o[..])).count();
        let per: Vec<String> = per.iter().map(|(n, c)| format!("{n} {c}")).collect();
        let _ = writeln!(report, "  devices {} ({} with TP-Link OUIs): {}", g.devs.len(), tp, per.join(", "));
        (frames, g.out.bytes)
    };
    let secs = started.elapsed().as_secs_f64();
    eprintln!("gencap: wrote {} ({fmt}, seed {}): {} frames, {} bytes in {secs:.2} s ({:.0} MB/s)", args.out, args.seed, human(frames), human(bytes), bytes as f64 / 1e6 / secs.max(1e-9));
    eprint!("{report}");
    Ok(())
}
