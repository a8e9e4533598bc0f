#!/usr/bin/env python3
"""Builds the fuzz seed corpora from the test captures.

    python3 fuzz/seed.py            # from the repository root or from fuzz/

Writes fuzz/corpus/<target>/<sha1> (git-ignored; rerun after adding captures):

  capture_file  every file under captures/ whole, plus pcapng files cut to their first blocks
  frame         one byte naming the link type (index into quietwire_fuzz::LINKS), then a frame
  wire_link     Ethernet and Linux cooked frames as captured
  wire_ip       IP packets (link header and VLAN tags removed)
  wire_arp      ARP bodies
  wire_dhcpv4   UDP payloads on ports 67/68
plus a few hand-made ARP and DHCP messages (DHCP overload, split options, FQDN, bad lengths),
and every file in regressions/<target>/ for its target.

Protocol targets (second campaign), from captures/ and, when present, the larger
/work/shared/captures/real collection (QUIETWIRE_EXTRA_CAPTURES overrides the path):

  wire_dns        UDP 53, 5353, 5355 payloads      wire_nbns        UDP 137
  wire_dhcpv6     UDP 546/547                      wire_icmpv6      ICMPv6 in IPv6
  wire_lldp       EtherType 0x88CC payloads        wire_cdp         LLC/SNAP 00000c/2000
  wire_ssdp       UDP 1900                         wire_kasa        UDP and TCP 9999
  wire_tdp        UDP 20002/20004, 1040, 61000     wire_easysmart   UDP 29808/29809, deciphered
  wire_tplink5001 UDP 5001                         wire_http        HTTP responses (TCP)
  wire_upnp       XML bodies of those responses and src/wire/upnp_fixture.xml
  upnp_tracker    the server side of every HTTP response stream, as segment records
  tcp_reassembly  hand-made: the UPnP fixture as a byte stream with segment windows

Standard library only: the capture walker below is deliberately lenient (corrupt files
are part of the corpus) and knows exactly which link type each frame has.
"""

import hashlib
import struct
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CAPTURES = ROOT / "captures"
CORPUS = FUZZ / "corpus"
EXTRA = Path(__import__("os").environ.get("QUIETWIRE_EXTRA_CAPTURES", "/work/shared/captures/real"))
UPNP_FIXTURE = ROOT / "src" / "wire" / "upnp_fixture.xml"

# pcap LINKTYPE_* → index in quietwire_fuzz::LINKS (fuzz/src/lib.rs).
LINKS = {1: 0, 113: 1, 276: 2, 101: 3, 12: 3, 14: 3, 228: 4, 229: 5, 0: 6, 108: 7}
ETHERNET, SLL, SLL2, RAW, IPV4, IPV6, NULL, LOOP = range(8)
VLAN_TYPES = {0x8100, 0x88A8, 0x9100, 0x9200}
MAX_FRAME_SEEDS = 400  # per target: enough variety, small enough to start quickly
PROTOCOL_TARGETS = ("wire_dns", "wire_nbns", "wire_lldp", "wire_cdp", "wire_dhcpv6", "wire_icmpv6", "wire_ssdp",
                    "wire_kasa", "wire_tdp", "wire_easysmart", "wire_tplink5001", "wire_http", "wire_upnp",
                    "tcp_reassembly", "upnp_tracker")


def pcap_frames(b):
    """(linktype, frame bytes) for each record of a pcap file; stops at the first bad record."""
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\x34\xcd\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d", b"\xa1\xb2\xcd\x34"):
        e = ">"
    else:
        return
    if len(b) < 24:
        return
    link = struct.unpack(e + "I", b[20:24])[0] & 0x0FFFFFFF
    rec = 24 if magic in (b"\x34\xcd\xb2\xa1", b"\xa1\xb2\xcd\x34") else 16
    off = 24
    while off + rec <= len(b):
        caplen = struct.unpack(e + "I", b[off + 8 : off + 12])[0]
        if off + rec + caplen > len(b):
            return
        yield link, b[off + rec : off + rec + caplen]
        off += rec + caplen


def pcapng_blocks(b):
    """(offset, type, body, byte order) for each block; stops at the first bad one."""
    off, e = 0, "<"
    while off + 12 <= len(b):
        btype = struct.unpack("<I", b[off : off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = b[off + 8 : off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">" if bom == b"\x1a\x2b\x3c\x4d" else None
            if e is None:
                return
        else:
            btype = struct.unpack(e + "I", b[off : off + 4])[0]
        blen = struct.unpack(e + "I", b[off + 4 : off + 8])[0]
        if blen < 12 or blen % 4 or off + blen > len(b):
            return
        yield off, btype, b[off + 8 : off + blen - 4], e
        off += blen


def pcapng_frames(b):
    ifaces = []
    for _, btype, body, e in pcapng_blocks(b):
        if btype == 0x0A0D0D0A:
            ifaces = []
        elif btype == 1 and len(body) >= 2:
            ifaces.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            if_id, _, _, caplen, _ = struct.unpack(e + "5I", body[:20])
            if if_id < len(ifaces):
                yield ifaces[if_id], body[20 : 20 + caplen]
        elif btype == 3 and len(body) >= 4 and ifaces:
            yield ifaces[0], body[4:]


def frames(b):
    if b[:4] == b"\x0a\x0d\x0d\x0a":
        yield from pcapng_frames(b)
    else:
        yield from pcap_frames(b)


def be16(b, at):
    return struct.unpack(">H", b[at : at + 2])[0]


def network(idx, f):
    """(ethertype, network payload) of a frame, as quietwire's decode() sees it."""
    if idx == ETHERNET:
        if len(f) < 14:
            return None
        t, p = be16(f, 12), f[14:]
    elif idx in (SLL, SLL2):
        hdr = 16 if idx == SLL else 20
        if len(f) < hdr:
            return None
        t, p = be16(f, 14 if idx == SLL else 0), f[hdr:]
    elif idx in (RAW, IPV4, IPV6):
        if not f:
            return None
        t, p = (0x86DD if f[0] >> 4 == 6 else 0x0800), f
    else:  # NULL, LOOP
        if len(f) < 4:
            return None
        fam = struct.unpack(">I" if idx == LOOP else "<I", f[:4])[0]
        t = 0x0800 if fam == 2 else 0x86DD if fam in (10, 24, 28, 30) else 0
        p = f[4:]
    while t in VLAN_TYPES and len(p) >= 4:
        t, p = be16(p, 2), p[4:]
    return t, p


def udp_payload(ip):
    """(src port, dst port, payload) of an unfragmented UDP-in-IPv4/IPv6 packet."""
    if len(ip) >= 20 and ip[0] >> 4 == 4 and ip[9] == 17:
        ihl = (ip[0] & 15) * 4
        u = ip[ihl:]
    elif len(ip) >= 40 and ip[0] >> 4 == 6 and ip[6] == 17:
        u = ip[40:]
    else:
        return None
    if len(u) < 8:
        return None
    return be16(u, 0), be16(u, 2), u[8:]


def dhcp_fixture(options, op=1, hlen=6, overload_areas=b""):
    b = bytearray(240)
    b[0], b[1], b[2] = op, 1, hlen
    b[4:8] = (0xDEADBEEF).to_bytes(4, "big")
    b[28:34] = bytes([0x50, 0xC7, 0xBF, 0x00, 0xC7, 0x03])
    if overload_areas:
        b[44 : 44 + len(overload_areas)] = overload_areas
    b[236:240] = bytes([99, 130, 83, 99])
    return bytes(b) + options


def hand_made():
    arp_reply = bytes([0, 1, 8, 0, 6, 4, 0, 2, 0x50, 0xC7, 0xBF, 0, 0xC7, 3, 192, 168, 0, 20,
                       0, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 168, 0, 1])
    arp_probe = arp_reply[:6] + b"\x00\x01" + arp_reply[8:14] + bytes(4) + bytes(6) + bytes([192, 168, 0, 20])
    arp_other = bytes([0, 6, 0x86, 0xDD, 8, 16]) + bytes(2 + 48)
    request = (bytes([53, 1, 3, 50, 4, 192, 168, 0, 20, 12, 4]) + b"HS11" + bytes([12, 5]) + b"0(EU)"
               + bytes([60, 16]) + b"udhcp 0.9.9-pre\0" + bytes([61, 7, 1, 0x50, 0xC7, 0xBF, 0, 0xC7, 3])
               + bytes([55, 6, 1, 3, 6, 12, 15, 28, 81, 16, 4, 0, 0, 5]) + b"hs110" + bytes([5]) + b"local"
               + bytes([0, 255]))
    ack = bytes([53, 1, 5, 54, 4, 192, 168, 0, 1, 255])
    overload = bytes([53, 1, 1, 52, 1, 3, 255])
    sname_opts = bytes([12, 3]) + b"abc" + bytes([255])
    dhcp = [
        dhcp_fixture(request),
        dhcp_fixture(ack, op=2),
        dhcp_fixture(overload, overload_areas=sname_opts),
        dhcp_fixture(bytes([53, 1, 1, 12, 200]) + b"x" * 10),  # option past the end
        dhcp_fixture(bytes([53, 2, 1, 1, 50, 3, 1, 2, 3, 255])),  # impossible lengths
        dhcp_fixture(bytes([81, 8, 4, 0, 0, 64]) + b"abcd"),  # FQDN label too long
        dhcp_fixture(b"", hlen=16),
    ]
    return {"wire_arp": [arp_reply, arp_probe, arp_other], "wire_dhcpv4": dhcp}


def ip_header(ip):
    """(src, dst, protocol, payload) of an IPv4 or IPv6 packet (no IPv6 extension headers)."""
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        ihl = (ip[0] & 15) * 4
        if len(ip) < ihl or struct.unpack(">H", ip[6:8])[0] & 0x1FFF:
            return None
        total = be16(ip, 2)
        end = total if ihl <= total <= len(ip) else len(ip)
        return ip[12:16], ip[16:20], ip[9], ip[ihl:end]
    if len(ip) >= 40 and ip[0] >> 4 == 6:
        return ip[8:24], ip[24:40], ip[6], ip[40 : 40 + be16(ip, 4)]
    return None


def tcp_segment(ip):
    """(src, sport, dst, dport, seq, flags, payload) of a TCP segment in IPv4/IPv6."""
    h = ip_header(ip)
    if h is None or h[2] != 6 or len(h[3]) < 20:
        return None
    t = h[3]
    off = (t[12] >> 4) * 4
    if off < 20 or len(t) < off:
        return None
    return h[0], be16(t, 0), h[1], be16(t, 2), struct.unpack(">I", t[4:8])[0], t[13], t[off:]


EASYSMART_KEY = None


def easysmart_key():
    global EASYSMART_KEY
    if EASYSMART_KEY is None:
        import re
        src = (ROOT / "src" / "wire" / "easysmart.rs").read_text()
        m = re.search(r'pub const KEY: &\[u8; 256\] = b"((?:[^"\\]|\\\n)*)"', src)
        EASYSMART_KEY = m.group(1).replace("\\\n", "").encode() if m else b""
    return EASYSMART_KEY


def rc4(data):
    key = easysmart_key()
    if len(key) != 256:
        return data
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i]) & 255
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for b in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


UDP_TARGETS = [
    ({53, 5353, 5355}, "wire_dns"),
    ({137}, "wire_nbns"),
    ({546, 547}, "wire_dhcpv6"),
    ({1900}, "wire_ssdp"),
    ({9999}, "wire_kasa"),
    ({20002, 20004, 1040, 61000}, "wire_tdp"),
    ({5001}, "wire_tplink5001"),
]
SNAP_CDP = bytes([0xAA, 0xAA, 0x03, 0x00, 0x00, 0x0C, 0x20, 0x00])


def protocol_seeds(idx, f, out, streams):
    """Adds the protocol payloads of one frame to `out`; TCP segments to `streams`."""
    net = network(idx, f)
    if net is None:
        return
    t, p = net
    if t == 0x88CC:
        out["wire_lldp"].add(p)
        return
    if t <= 1500 and p[:8] == SNAP_CDP:
        out["wire_cdp"].add(p[8:t])
        return
    if t not in (0x0800, 0x86DD):
        return
    h = ip_header(p)
    if h is None:
        return
    if h[2] == 58 and len(h[3]) >= 2:
        out["wire_icmpv6"].add(h[3])
    u = udp_payload(p)
    if u is not None:
        for ports, target in UDP_TARGETS:
            if u[0] in ports or u[1] in ports:
                out[target].add(u[2])
        if {29808, 29809} & {u[0], u[1]}:
            out["wire_easysmart"].add(rc4(u[2]))
    seg = tcp_segment(p)
    if seg is not None:
        src, sport, dst, dport, seq, flags, payload = seg
        if 9999 in (sport, dport) and payload:
            out["wire_kasa"].add(payload)
        streams.setdefault((src, sport, dst, dport), []).append((seq, flags, payload))


def stream_bytes(segs):
    """The payload bytes of one TCP direction, by sequence number (first copy wins)."""
    data = {}
    if not segs:
        return b""
    # Offsets from the first segment, signed (out-of-order delivery, 32-bit wrap).
    rel = [(((seq - segs[0][0] + (1 << 31)) & 0xFFFFFFFF) - (1 << 31), payload) for seq, _, payload in segs if payload]
    if not rel:
        return b""
    base = min(o for o, _ in rel)
    for o, payload in rel:
        off = o - base
        if off > 1 << 20:
            continue
        data.setdefault(off, payload)
    out = bytearray()
    for off in sorted(data):
        if off <= len(out):
            out += data[off][len(out) - off :]
    return bytes(out)


def http_seeds(streams, out):
    """HTTP responses, their bodies and the tracker's segment records."""
    servers = [k for k, segs in streams.items() if any(p.startswith(b"HTTP/1.") for _, _, p in segs)]
    for k in servers:
        whole = stream_bytes(streams[k])
        at = whole.find(b"HTTP/1.")
        while at >= 0:
            nxt = whole.find(b"HTTP/1.", at + 7)
            msg = whole[at : nxt if nxt > 0 else len(whole)]
            out["wire_http"].add(msg[:4096])
            body = msg.find(b"\r\n\r\n")
            if body > 0 and b"<" in msg[body:]:
                out["wire_upnp"].add(msg[body + 4 :])
            at = nxt
    if servers:
        rec = bytearray()
        index = {k: i for i, k in enumerate(servers[:4])}
        for k, segs in streams.items():
            if k not in index:
                continue
            for seq, flags, payload in segs:
                ctl = index[k] | 0x40 | (4 if flags & 1 else 0) | (8 if flags & 4 else 0)
                rec += bytes([ctl]) + struct.pack(">IH", seq, len(payload)) + payload
        out["upnp_tracker"].add(bytes(rec))


def tracker_record(stream, seq, payload, flags=0, absolute=True):
    if absolute:
        return bytes([stream | 0x40 | flags]) + struct.pack(">IH", seq & 0xFFFFFFFF, len(payload)) + payload
    return bytes([stream | flags]) + struct.pack(">hH", seq, len(payload)) + payload


def hand_made_protocols():
    xml = UPNP_FIXTURE.read_bytes() if UPNP_FIXTURE.exists() else b"<root><device><modelName>x</modelName></device></root>"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(xml)
    msg = head + xml
    half = len(xml) // 2
    chunked = (b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n" % half + xml[:half] + b"\r\n" + b"%x;ext=1\r\n" % (len(xml) - half) + xml[half:]
               + b"\r\n0\r\nX-Trailer: 1\r\n\r\n")
    close = b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n" + xml
    tracker = [
        tracker_record(0, 1000, msg[:100]) + tracker_record(0, 1400, msg[400:]) + tracker_record(0, 1100, msg[100:400]),
        tracker_record(1, 7, chunked + msg),
        tracker_record(2, 0xFFFFFF00, close[:300]) + tracker_record(2, 0, close[300:], absolute=False) + tracker_record(2, 0, b"", 4, absolute=False),
        tracker_record(0, 0, b"http://192.168.0.1:1900/gatedesc.xml", 0x10) + tracker_record(0, 500, close[200:])
        + tracker_record(0, 300, close[:200]),
        tracker_record(3, 5, msg[:200]) + tracker_record(3, 5, msg[200:], 0x20, absolute=False),
    ]
    # tcp_reassembly: isn(4) ops(1) [offset(2) len(2) flags(1)]* content
    content = (xml * (1 + 3000 // len(xml)))[:3000]
    def ops(isn, windows):
        return struct.pack(">IB", isn, len(windows)) + b"".join(struct.pack(">HHB", o, n, f) for o, n, f in windows) + content
    n = len(content)
    reasm = [
        ops(1000, [(0, 500, 0), (1000, 500, 0), (500, 500, 0), (1500, n - 1500, 2)]),
        ops(0xFFFFFF80, [(0, 200, 1), (100, 300, 0), (400, 100, 1), (450, 200, 0), (900, 10, 0), (600, 400, 1)]),
        ops(7, [(10, 10, 0)] * 9 + [(0, 10, 0), (0, n, 0), (0, 0, 4)]),
    ]
    chunk_only = b"5\r\n<root\r\n3;ext=1\r\n/>\n\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT"
    return {
        "wire_http": [msg[:600], chunked, close[:600], chunk_only, b"HTTP/1.1 204 No Content\r\n\r\n"],
        "wire_upnp": [xml, xml + b"\0\0junk<<", xml.replace(b"<deviceList>", b"<deviceList><device><deviceList>", 1)],
        "upnp_tracker": tracker,
        "tcp_reassembly": reasm,
    }


def main():
    out = {t: set() for t in ("capture_file", "frame", "wire_link", "wire_ip", "wire_arp", "wire_dhcpv4")}
    out.update({t: set() for t in PROTOCOL_TARGETS})
    files = sorted(p for p in CAPTURES.rglob("*") if p.is_file() and ".pcap" in p.name)
    extra = sorted(p for p in EXTRA.rglob("*") if p.is_file() and ".pcap" in p.name) if EXTRA.is_dir() else []
    for path in files:
        b = path.read_bytes()
        out["capture_file"].add(b)
        if b[:4] == b"\x0a\x0d\x0d\x0a":
            # The first few blocks alone: a small valid file the fuzzer can mutate quickly.
            ends = [off + 12 + len(body) for off, _, body, _ in pcapng_blocks(b)]
            for n in (2, 3, 4):
                if len(ends) > n:
                    out["capture_file"].add(b[: ends[n - 1]])
        elif len(b) > 24:
            rec = next(frames(b), None)
            if rec is not None:
                out["capture_file"].add(b[: 24 + 16 + len(rec[1])])
        for link, f in frames(b):
            idx = LINKS.get(link)
            if idx is None:
                continue
            out["frame"].add(bytes([idx]) + f)
            if idx in (ETHERNET, SLL, SLL2):
                out["wire_link"].add(f)
            net = network(idx, f)
            if net is None:
                continue
            t, p = net
            if t == 0x0806:
                out["wire_arp"].add(p)
            elif t in (0x0800, 0x86DD):
                out["wire_ip"].add(p)
                u = udp_payload(p)
                if u and {u[0], u[1]} <= {67, 68}:
                    out["wire_dhcpv4"].add(u[2])
    for path in files + extra:
        streams = {}
        for link, f in frames(path.read_bytes()):
            idx = LINKS.get(link)
            if idx is not None:
                protocol_seeds(idx, f, out, streams)
        http_seeds(streams, out)
    for target, seeds in list(hand_made().items()) + list(hand_made_protocols().items()):
        out[target].update(seeds)
    # Every input in regressions/<target>/ seeds its target.
    for d in sorted((FUZZ / "regressions").glob("*")):
        if d.is_dir() and d.name in out:
            out[d.name].update(f.read_bytes() for f in sorted(d.iterdir()) if f.is_file())
    for target, seeds in out.items():
        d = CORPUS / target
        d.mkdir(parents=True, exist_ok=True)
        keep = sorted(seeds, key=lambda s: (len(s), s))
        if target != "capture_file" and len(keep) > MAX_FRAME_SEEDS:
            keep = spread(keep)
        for s in keep:
            (d / hashlib.sha1(s).hexdigest()).write_bytes(s)
        print(f"{target:13} {len(keep):4} seeds", file=sys.stderr)


def spread(sorted_seeds):
    """MAX_FRAME_SEEDS seeds spread evenly over the size range."""
    step = len(sorted_seeds) / MAX_FRAME_SEEDS
    return [sorted_seeds[int(i * step)] for i in range(MAX_FRAME_SEEDS)]


if __name__ == "__main__":
    main()
