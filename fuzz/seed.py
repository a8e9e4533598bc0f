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
plus a few hand-made ARP and DHCP messages (DHCP overload, split options, FQDN, bad lengths).

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

# pcap LINKTYPE_* → index in quietwire_fuzz::LINKS (fuzz/src/lib.rs).
LINKS = {1: 0, 113: 1, 276: 2, 101: 3, 12: 3, 14: 3, 228: 4, 229: 5, 0: 6, 108: 7}
ETHERNET, SLL, SLL2, RAW, IPV4, IPV6, NULL, LOOP = range(8)
VLAN_TYPES = {0x8100, 0x88A8, 0x9100, 0x9200}
MAX_FRAME_SEEDS = 400  # per target: enough variety, small enough to start quickly


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


def main():
    out = {t: set() for t in ("capture_file", "frame", "wire_link", "wire_ip", "wire_arp", "wire_dhcpv4")}
    files = sorted(p for p in CAPTURES.rglob("*") if p.is_file() and ".pcap" in p.name)
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
    for target, seeds in hand_made().items():
        out[target].update(seeds)
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
