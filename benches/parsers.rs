//! Criterion benches: each protocol parser, and the observer that turns its result into
//! facts, on a real payload (benches/fixtures/, written by benches/fixtures/extract.py
//! from captures/; see benches/README.md for where each comes from and the results).
//!
//!     cargo bench --bench parsers                  # all (about 2 minutes)
//!     cargo bench --bench parsers -- wire/dns      # one
//!
//! `cargo test` does not build this file; `cargo test --benches` (or `--all-targets`)
//! runs each bench once as a smoke test. Every fixture is checked to decode before it
//! is timed, so a parser change that rejects it fails loudly instead of timing an
//! early return.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use quietwire::analyze::Analyzer;
use quietwire::capture::{Frame, LinkType};
use quietwire::inventory::Limits;
use quietwire::mac::MacAddr;
use quietwire::observe::{self, Context, Observation, Outcome};
use quietwire::timestamp::Timestamp;
use quietwire::wire;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/fixtures/", $name)).as_slice()
    };
}

const SRC: MacAddr = MacAddr([0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
const DST: MacAddr = MacAddr([0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c]);

fn cx(src_port: u16, dst_port: u16) -> Context {
    Context {
        ts: Timestamp(1_700_000_000_000_000_000),
        src_mac: Some(SRC),
        dst_mac: Some(DST),
        src_ip: Some(IpAddr::V4(Ipv4Addr::new(192, 168, 0, 20))),
        dst_ip: Some(IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1))),
        src_port,
        dst_port,
    }
}

fn cx6() -> Context {
    Context {
        src_ip: Some(IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0x52c7, 0xbfff, 0xfe00, 0xc703))),
        dst_ip: Some(IpAddr::V6(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1))),
        ..cx(547, 546)
    }
}

type Handler = fn(&Context, &[u8], &mut Vec<Observation>) -> Outcome;

/// Benches `observe::<proto>::handle` on `payload` under `cx`, after checking it yields
/// at least one fact (the observer, not only its parser, runs).
fn observer(c: &mut Criterion, name: &str, handle: Handler, cx: Context, payload: &[u8]) {
    let mut out = Vec::new();
    let _ = handle(&cx, payload, &mut out);
    assert!(!out.is_empty(), "{name}: the fixture yields no facts");
    c.bench_function(&format!("observe/{name}"), |b| {
        b.iter(|| {
            out.clear();
            let r = handle(black_box(&cx), black_box(payload), &mut out);
            black_box((r.is_ok(), out.len()))
        })
    });
}

/// Benches a wire parser on its fixture after checking the fixture parses.
fn parser<T, E: std::fmt::Debug>(c: &mut Criterion, name: &str, payload: &[u8], parse: impl Fn(&[u8]) -> Result<T, E>) {
    if let Err(e) = parse(payload) {
        panic!("{name}: the fixture does not parse: {e:?}");
    }
    c.bench_function(&format!("wire/{name}"), |b| b.iter(|| black_box(parse(black_box(payload)).is_ok())));
}

fn wire_parsers(c: &mut Criterion) {
    parser(c, "arp", fixture!("arp.bin"), wire::arp::parse);
    parser(c, "dhcpv4", fixture!("dhcpv4.bin"), wire::dhcpv4::parse);
    parser(c, "dns", fixture!("dns.bin"), wire::dns::parse);
    parser(c, "nbns", fixture!("nbns.bin"), wire::nbns::parse);
    // (The results borrow the input: `map(drop)` only satisfies the signature; every
    // result is dropped inside the timed closure either way.)
    parser(c, "lldp", fixture!("lldp.bin"), |b| wire::lldp::parse(b).map(drop));
    parser(c, "cdp", fixture!("cdp.bin"), |b| wire::cdp::parse(b).map(drop));
    parser(c, "dhcpv6", fixture!("dhcpv6.bin"), wire::dhcpv6::parse);
    parser(c, "icmpv6", fixture!("icmpv6.bin"), wire::icmpv6::parse);
    parser(c, "ssdp", fixture!("ssdp.bin"), |b| wire::ssdp::parse(b).map(|m| wire::ssdp::SsdpRepr::parse(&m).max_age));
    parser(c, "kasa", fixture!("kasa.bin"), wire::kasa::parse);
    parser(c, "tdp", fixture!("tdp.bin"), |b| wire::tdp::parse(b).and_then(|m| wire::tdp::parse_reply(m.body)));
    parser(c, "tddp", fixture!("tddp.bin"), wire::tdp::tddp::parse);
    // Easy Smart travels RC4-enciphered: deciphering is part of reading it.
    parser(c, "easysmart", fixture!("easysmart.bin"), |b| wire::easysmart::parse(&wire::easysmart::crypt(b)));
    parser(c, "tplink5001", fixture!("tplink5001.bin"), wire::tplink5001::parse);
    parser(c, "http_head", fixture!("http-response.bin"), |b| {
        wire::http::parse_head(b).and_then(|h| h.ok_or(wire::WireError::Invalid("incomplete head")))
    });
    let chunked = fixture!("http-chunked.bin");
    let body_at = wire::http::parse_head(chunked).ok().flatten().map(|h| h.head_len).expect("a chunked response head");
    parser(c, "http_chunked", &chunked[body_at..], |b| {
        let mut out = Vec::with_capacity(4096);
        wire::http::decode_chunked(b, &mut out, wire::upnp::MAX_XML_BYTES)
            .and_then(|n| n.ok_or(wire::WireError::Invalid("incomplete body")))
    });
    parser(c, "upnp", include_bytes!("../src/wire/upnp_fixture.xml"), wire::upnp::parse);
}

fn observers(c: &mut Criterion) {
    observer(c, "arp", observe::arp::handle, cx(0, 0), fixture!("arp.bin"));
    observer(c, "dhcpv4", observe::dhcpv4::handle, cx(68, 67), fixture!("dhcpv4.bin"));
    observer(c, "dns", observe::dns::handle, cx(53, 50000), fixture!("dns.bin"));
    observer(c, "nbns", observe::nbns::handle, cx(137, 137), fixture!("nbns.bin"));
    observer(c, "lldp", observe::lldp::handle, cx(0, 0), fixture!("lldp.bin"));
    observer(c, "cdp", observe::cdp::handle, cx(0, 0), fixture!("cdp.bin"));
    observer(c, "dhcpv6", observe::dhcpv6::handle, cx6(), fixture!("dhcpv6.bin"));
    observer(c, "ndp", observe::ndp::handle, cx6(), fixture!("icmpv6.bin"));
    observer(c, "ssdp", observe::ssdp::handle, cx(1900, 50000), fixture!("ssdp.bin"));
    observer(c, "kasa", observe::kasa::handle, cx(9999, 50000), fixture!("kasa.bin"));
    observer(c, "tdp", observe::tdp::handle, cx(20002, 50000), fixture!("tdp.bin"));
    observer(c, "tddp", observe::omada::handle_tddp, cx(50000, 1040), fixture!("tddp.bin"));
    observer(c, "easysmart", observe::easysmart::handle, cx(29808, 29809), fixture!("easysmart.bin"));
    observer(c, "tplink5001", observe::tplink5001::handle, cx(5001, 5001), fixture!("tplink5001.bin"));
}

/// A whole Ethernet frame (a DHCP request of the HS110) through `decode` and then the
/// analyzer (decode, dispatch, observe, inventory update).
fn frames(c: &mut Criterion) {
    let data = fixture!("frame-dhcp.bin");
    assert!(quietwire::decode::decode(LinkType::Ethernet, data).is_some());
    c.bench_function("frame/decode", |b| {
        b.iter(|| black_box(quietwire::decode::decode(LinkType::Ethernet, black_box(data)).is_some()))
    });
    let mut a = Analyzer::new(Limits::default());
    let f = Frame { ts: Timestamp(1_700_000_000_000_000_000), ts_known: true, link: LinkType::Ethernet, data, orig_len: data.len() as u32 };
    a.frame(&f);
    assert_eq!(a.inventory.devices().len(), 1, "the DHCP frame makes one device");
    c.bench_function("frame/analyze", |b| b.iter(|| a.frame(black_box(&f))));
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    targets = wire_parsers, observers, frames
}
criterion_main!(benches);
