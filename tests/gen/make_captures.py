#!/usr/bin/env python3
"""Regenerate quietwire's synthetic test captures.

    python3 tests/gen/make_captures.py            # rewrite everything
    python3 tests/gen/make_captures.py --verify   # ... then check with tshark

Writes, from scratch (each directory is emptied first):

  captures/derived/  copies of captures/real/iot-sentinel-hs110-setup-a-1.pcap
                     in other container formats / link types
  captures/crafted/  scapy-built captures with known contents
  captures/corrupt/  broken files for reader robustness tests

Everything is deterministic: fixed timestamps, fixed MACs, no randomness
(the "random" bytes come from SHA-256 in counter mode over a fixed seed).
The one exception is derived/hs110.pcapng, written by `editcap -F pcapng`:
its packet blocks are fixed, but editcap stores its own version string in the
section header. If editcap is missing, a pure-Python writer is used instead.

The expected facts for every file are listed in captures/README.md; keep the
two in sync when changing anything here.

Needs: python3 + scapy (only used to build frames). --verify needs tshark and
capinfos (Debian package tshark).
"""

import hashlib
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

# scapy is chatty on import (no route etc.); keep it quiet.
import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.packet import Raw  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CAP = ROOT / "captures"
REAL = CAP / "real"
DERIVED = CAP / "derived"
CRAFTED = CAP / "crafted"
CORRUPT = CAP / "corrupt"

HS110_SRC = REAL / "iot-sentinel-hs110-setup-a-1.pcap"
# In the IoT Sentinel setup the capture was taken on the gateway / DHCP server
# 10.10.10.1 = 00:b5:6d:06:08:ba. It is "us" for SLL packet types.
HS110_CAPTURE_HOST = bytes.fromhex("00b56d0608ba")

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

# 2024-01-01T00:00:00Z, base time of all crafted/corrupt files.
BASE_TS = 1704067200

written = []  # (path, note) for the final listing


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def pad60(frame):
    """Pad an Ethernet frame (without FCS) to the 60-byte minimum."""
    return frame + b"\x00" * (60 - len(frame)) if len(frame) < 60 else frame


def note(path, text):
    written.append((path, text))


# --------------------------------------------------------------------------
# classic pcap
# --------------------------------------------------------------------------

def read_pcap(path):
    """Read a little/big-endian microsecond pcap; return (header, records).

    records: list of (sec, usec, data, orig_len, offset_of_record_header).
    """
    d = path.read_bytes()
    magic = d[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        e = ">"
    else:
        raise ValueError(f"{path}: not a microsecond pcap")
    _, vmaj, vmin, _, _, snaplen, linktype = struct.unpack_from(e + "IHHiIII", d, 0)
    recs = []
    off = 24
    while off + 16 <= len(d):
        sec, usec, caplen, origlen = struct.unpack_from(e + "IIII", d, off)
        data = d[off + 16: off + 16 + caplen]
        if len(data) != caplen:
            raise ValueError(f"{path}: truncated record at {off}")
        recs.append((sec, usec, data, origlen, off))
        off += 16 + caplen
    return {"snaplen": snaplen, "linktype": linktype, "raw": d}, recs


def pcap_bytes(linktype, records, snaplen=65535, endian="<", nsec=False):
    """records: iterable of (sec, frac, data[, orig_len]); frac is usec or nsec."""
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    out = [struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)]
    for r in records:
        sec, frac, data = r[0], r[1], r[2]
        orig = r[3] if len(r) > 3 else len(data)
        out.append(struct.pack(endian + "IIII", sec, frac, len(data), orig))
        out.append(data)
    return b"".join(out)


def write(path, data, text):
    path.write_bytes(data)
    note(path, text)


# --------------------------------------------------------------------------
# pcapng (little-endian writer)
# --------------------------------------------------------------------------

def _pad4(b):
    return b + b"\x00" * (-len(b) % 4)


def ng_opts(opts):
    """opts: list of (code, bytes). Adds opt_endofopt when non-empty."""
    if not opts:
        return b""
    out = b"".join(struct.pack("<HH", c, len(v)) + _pad4(v) for c, v in opts)
    return out + struct.pack("<HH", 0, 0)


def ng_block(btype, body):
    body = _pad4(body)
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def ng_shb(appl=b"quietwire tests/gen/make_captures.py"):
    body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    return ng_block(0x0A0D0D0A, body + ng_opts([(4, appl)]))


def ng_idb(linktype, snaplen, opts=()):
    return ng_block(1, struct.pack("<HHI", linktype, 0, snaplen) + ng_opts(list(opts)))


def ng_epb(ifid, ts_units, data, orig_len=None):
    """ts_units: timestamp in the interface's if_tsresol units (default usec)."""
    orig = len(data) if orig_len is None else orig_len
    body = struct.pack("<IIIII", ifid, ts_units >> 32, ts_units & 0xFFFFFFFF,
                       len(data), orig) + _pad4(data)
    return ng_block(6, body)


# --------------------------------------------------------------------------
# DHCP / BOOTP body builder (so malformed variants are easy)
# --------------------------------------------------------------------------

DHCP_COOKIE = b"\x63\x82\x53\x63"


def dhcp_opt(code, data):
    return bytes([code, len(data)]) + data


def bootp_body(op, xid, chaddr, options, *, ciaddr="0.0.0.0", yiaddr="0.0.0.0",
               siaddr="0.0.0.0", giaddr="0.0.0.0", flags=0, htype=1, hlen=6,
               cookie=DHCP_COOKIE, pad_to=300, end=True):
    fixed = struct.pack(
        "!BBBBIHH4s4s4s4s16s64s128s", op, htype, hlen, 0, xid, 0, flags,
        ip4(ciaddr), ip4(yiaddr), ip4(siaddr), ip4(giaddr),
        chaddr.ljust(16, b"\x00"), b"", b"")
    assert len(fixed) == 236
    body = fixed + cookie + options + (b"\xff" if end else b"")
    if pad_to and len(body) < pad_to:
        body += b"\x00" * (pad_to - len(body))
    return body


def dhcp_udp(src_ip, dst_ip, sport, dport, body, ip_id):
    return (IP(src=src_ip, dst=dst_ip, ttl=64, id=ip_id, flags=0)
            / UDP(sport=sport, dport=dport) / Raw(body))


# --------------------------------------------------------------------------
# derived copies of the HS110 capture
# --------------------------------------------------------------------------

def sll_pkttype(dst, src):
    if src == HS110_CAPTURE_HOST:
        return 4  # PACKET_OUTGOING: sent by the capturing host
    if dst == b"\xff" * 6:
        return 1  # PACKET_BROADCAST
    if dst[0] & 1:
        return 2  # PACKET_MULTICAST
    if dst == HS110_CAPTURE_HOST:
        return 0  # PACKET_HOST
    return 3  # PACKET_OTHERHOST


def eth_split(frame):
    """Return (dst, src, protocol, payload) as Linux cooked capture sees it."""
    dst, src = frame[0:6], frame[6:12]
    etype = struct.unpack("!H", frame[12:14])[0]
    payload = frame[14:]
    if etype <= 1500:  # 802.3 length field: SLL uses protocol 0x0004 (802.2 LLC)
        payload = payload[:etype]
        etype = 0x0004
    return dst, src, etype, payload


def to_sll(frame):
    dst, src, proto, payload = eth_split(frame)
    hdr = struct.pack("!HHH8sH", sll_pkttype(dst, src), 1, 6, src.ljust(8, b"\x00"), proto)
    return hdr + payload


def to_sll2(frame):
    dst, src, proto, payload = eth_split(frame)
    hdr = struct.pack("!HHIHBB8s", proto, 0, 1, 1, sll_pkttype(dst, src), 6,
                      src.ljust(8, b"\x00"))
    return hdr + payload


def make_derived():
    hdr, recs = read_pcap(HS110_SRC)
    assert hdr["linktype"] == LINKTYPE_ETHERNET
    snap = hdr["snaplen"]
    n = len(recs)

    # 1. pcapng via editcap -----------------------------------------------
    out = DERIVED / "hs110.pcapng"
    if shutil.which("editcap"):
        subprocess.run(["editcap", "-F", "pcapng", str(HS110_SRC), str(out)], check=True)
        how = "editcap -F pcapng"
    else:
        blocks = [ng_shb(), ng_idb(LINKTYPE_ETHERNET, snap)]
        blocks += [ng_epb(0, s * 1_000_000 + u, d, o) for s, u, d, o, _ in recs]
        out.write_bytes(b"".join(blocks))
        how = "python pcapng writer (editcap not found)"
    note(out, f"{n} pkts, pcapng, 1 Ethernet IDB ({how})")

    # 2. Linux cooked v1 (DLT 113) ------------------------------------------
    pk = {}
    sll = []
    for s, u, d, o, _ in recs:
        c = to_sll(d)
        t = c[1]
        pk[t] = pk.get(t, 0) + 1
        sll.append((s, u, c, o - len(d) + len(c)))
    types = ", ".join(f"pkttype {k}: {v}" for k, v in sorted(pk.items()))
    write(DERIVED / "hs110-sll.pcap",
          pcap_bytes(LINKTYPE_LINUX_SLL, sll, snaplen=snap),
          f"{n} pkts, LINKTYPE_LINUX_SLL 113 ({types})")

    # 3. Linux cooked v2 (DLT 276) ------------------------------------------
    sll2 = []
    for s, u, d, o, _ in recs:
        c = to_sll2(d)
        sll2.append((s, u, c, o - len(d) + len(c)))
    write(DERIVED / "hs110-sll2.pcap",
          pcap_bytes(LINKTYPE_LINUX_SLL2, sll2, snaplen=snap),
          f"{n} pkts, LINKTYPE_LINUX_SLL2 276, ifindex 1")

    # 4. nanosecond, big-endian pcap ----------------------------------------
    ns = [(s, u * 1000 + 789, d, o) for s, u, d, o, _ in recs]
    write(DERIVED / "hs110-nsec-be.pcap",
          pcap_bytes(LINKTYPE_ETHERNET, ns, snaplen=snap, endian=">", nsec=True),
          f"{n} pkts, magic a1b23c4d big-endian, ts_nsec = usec*1000 + 789")

    # 5. truncated in the middle of the last-but-one record ----------------
    raw = hdr["raw"]
    _, _, d2, _, off2 = recs[-2]
    cut = off2 + 16 + len(d2) // 2
    write(DERIVED / "hs110-truncated.pcap", raw[:cut],
          f"{n - 2} complete pkts; record {n - 1} header + {len(d2) // 2} of "
          f"{len(d2)} data bytes; record {n} absent (cut at byte {cut} of {len(raw)})")

    # 6. pcapng with a second interface of another link type ---------------
    # Interface 0: Ethernet, usec timestamps (all 52 frames).
    # Interface 1: LINKTYPE_RAW (101), if_tsresol = 9 (nanoseconds); it gets the
    # IPv4 packet of each DNS query the plug sent, 1 us after the original.
    blocks = [ng_shb(),
              ng_idb(LINKTYPE_ETHERNET, snap, [(2, b"eth0")]),
              ng_idb(LINKTYPE_RAW, 65535, [(2, b"rawip0"), (9, b"\x09")])]
    extra = 0
    for s, u, d, o, _ in recs:
        blocks.append(ng_epb(0, s * 1_000_000 + u, d, o))
        # IPv4, UDP (17), destination port 53, sent by the plug.
        if d[12:14] == b"\x08\x00" and d[23] == 17 and d[6:12] == mac("50:c7:bf:00:c7:03"):
            ihl = (d[14] & 0x0F) * 4
            dport = struct.unpack("!H", d[14 + ihl + 2: 14 + ihl + 4])[0]
            if dport == 53:
                ipkt = d[14:]
                blocks.append(ng_epb(1, (s * 1_000_000 + u + 1) * 1000, ipkt))
                extra += 1
    assert extra == 2, extra
    write(DERIVED / "hs110-two-linktypes.pcapng", b"".join(blocks),
          f"{n + extra} pkts: {n} Ethernet on IDB 0 (usec) + {extra} raw IPv4 "
          f"(DLT 101) on IDB 1 (nsec)")


# --------------------------------------------------------------------------
# crafted captures
# --------------------------------------------------------------------------

CLIENT = "50:c7:bf:11:22:01"
SERVER = "00:11:22:33:44:55"
BCAST = "ff:ff:ff:ff:ff:ff"
XID = 0x3903F326


def vlan20(src, dst, payload):
    return Ether(src=src, dst=dst) / Dot1Q(vlan=20, prio=0) / payload


def arp(op, hwsrc, psrc, hwdst, pdst):
    return ARP(op=op, hwsrc=hwsrc, psrc=psrc, hwdst=hwdst, pdst=pdst)


def ts_records(frames):
    """Fixed timestamps: frame i (1-based) at BASE_TS + (i-1) s + i*1001 us."""
    return [(BASE_TS + i - 1, i * 1001, pad60(bytes(f))) for i, f in enumerate(frames, 1)]


def make_vlan_dhcp_arp():
    cmac = mac(CLIENT)
    client_opts = [
        dhcp_opt(61, b"\x01" + cmac),                      # client id: type 1 + MAC
        dhcp_opt(57, struct.pack("!H", 576)),              # max message size
        dhcp_opt(12, b"archer-c7"),                        # hostname
        dhcp_opt(60, b"udhcp 1.19.4"),                     # vendor class
        dhcp_opt(55, bytes([1, 3, 6, 12, 15, 28, 42])),    # PRL
        # FQDN, flags 0x05 (S|E: server updates A RR, canonical wire encoding)
        dhcp_opt(81, b"\x05\x00\x00" + b"\x09archer-c7\x03lan\x00"),
    ]
    server_opts = [
        dhcp_opt(54, ip4("10.20.0.1")),                    # server identifier
        dhcp_opt(51, struct.pack("!I", 86400)),            # lease time
        dhcp_opt(1, ip4("255.255.255.0")),
        dhcp_opt(3, ip4("10.20.0.1")),
        dhcp_opt(6, ip4("10.20.0.1")),
        dhcp_opt(15, b"lan"),
    ]
    discover = bootp_body(1, XID, cmac, dhcp_opt(53, b"\x01") + b"".join(client_opts))
    offer = bootp_body(2, XID, cmac, dhcp_opt(53, b"\x02") + b"".join(server_opts),
                       yiaddr="10.20.0.50", siaddr="10.20.0.1")
    request = bootp_body(1, XID, cmac, dhcp_opt(53, b"\x03")
                         + dhcp_opt(50, ip4("10.20.0.50"))
                         + dhcp_opt(54, ip4("10.20.0.1")) + b"".join(client_opts))
    ack = bootp_body(2, XID, cmac, dhcp_opt(53, b"\x05") + b"".join(server_opts),
                     yiaddr="10.20.0.50", siaddr="10.20.0.1")

    frames = [
        # 1-4: DHCP DORA on VLAN 20
        vlan20(CLIENT, BCAST, dhcp_udp("0.0.0.0", "255.255.255.255", 68, 67, discover, 1)),
        vlan20(SERVER, CLIENT, dhcp_udp("10.20.0.1", "10.20.0.50", 67, 68, offer, 101)),
        vlan20(CLIENT, BCAST, dhcp_udp("0.0.0.0", "255.255.255.255", 68, 67, request, 2)),
        vlan20(SERVER, CLIENT, dhcp_udp("10.20.0.1", "10.20.0.50", 67, 68, ack, 102)),
        # 5: ARP request who-has 10.20.0.1 tell 10.20.0.50
        vlan20(CLIENT, BCAST, arp(1, CLIENT, "10.20.0.50", "00:00:00:00:00:00", "10.20.0.1")),
        # 6: ARP reply 10.20.0.1 is-at 00:11:22:33:44:55
        vlan20(SERVER, CLIENT, arp(2, SERVER, "10.20.0.1", CLIENT, "10.20.0.50")),
        # 7: gratuitous ARP (request form, spa == tpa)
        vlan20(CLIENT, BCAST, arp(1, CLIENT, "10.20.0.50", "00:00:00:00:00:00", "10.20.0.50")),
        # 8: ARP probe (RFC 5227): sender IP 0.0.0.0, target 10.20.0.77
        vlan20("3c:52:a1:00:00:09", BCAST,
               arp(1, "3c:52:a1:00:00:09", "0.0.0.0", "00:00:00:00:00:00", "10.20.0.77")),
        # 9: QinQ: S-tag 0x88a8 VLAN 100, C-tag 0x8100 VLAN 30, ARP who-has 10.30.0.1 tell 10.30.0.9
        Ether(src="9c:53:22:aa:bb:cc", dst=BCAST) / Dot1AD(vlan=100) / Dot1Q(vlan=30)
        / arp(1, "9c:53:22:aa:bb:cc", "10.30.0.9", "00:00:00:00:00:00", "10.30.0.1"),
        # 10: ARP reply whose Ethernet source != ARP sender hardware address
        vlan20("de:ad:be:ef:00:01", CLIENT, arp(2, SERVER, "10.20.0.1", CLIENT, "10.20.0.50")),
        # 11: untagged IPv4/TCP SYN from a locally administered MAC; nothing to parse
        Ether(src="02:00:00:00:00:42", dst="02:00:00:00:00:01")
        / IP(src="192.168.1.42", dst="192.168.1.1", ttl=64, id=4242, flags="DF")
        / TCP(sport=49152, dport=12345, flags="S", seq=1000, window=64240, options=[]),
        # 12: multicast source MAC (invalid as a sender), IPv4/UDP to discard port
        Ether(src="01:00:5e:00:00:fb", dst=BCAST)
        / IP(src="192.168.1.99", dst="255.255.255.255", ttl=64, id=99, flags=0)
        / UDP(sport=9, dport=9) / Raw(b"multicast-src"),
        # 13: all-zero source MAC, ARP announcement with all-zero sender hw
        Ether(src="00:00:00:00:00:00", dst=BCAST)
        / arp(1, "00:00:00:00:00:00", "192.168.1.200", "00:00:00:00:00:00", "192.168.1.200"),
    ]
    write(CRAFTED / "vlan-dhcp-arp.pcap",
          pcap_bytes(LINKTYPE_ETHERNET, ts_records(frames)),
          f"{len(frames)} pkts: DORA + ARP on VLAN 20, probe, QinQ 100/30, "
          "spoofed ARP reply, LAA TCP, multicast/zero source")


def make_malformed_dhcp():
    def discover(src, body, ip_id):
        return Ether(src=src, dst=BCAST) / dhcp_udp("0.0.0.0", "255.255.255.255",
                                                    68, 67, body, ip_id)

    def req_opts(m, host, extra=b""):
        return (dhcp_opt(53, b"\x03") + dhcp_opt(61, b"\x01" + m)
                + dhcp_opt(50, ip4("192.168.50.10")) + extra + dhcp_opt(12, host)
                + dhcp_opt(55, bytes([1, 3, 6])))

    m_a, m_b, m_c, m_d = (mac(f"00:1d:0f:00:00:0{x}") for x in "abcd")
    good = mac("00:1d:0f:00:00:01")

    # a) hlen = 0xda (218) although htype is Ethernet and chaddr is 16 bytes.
    a = bootp_body(1, 0x0000A001, m_a, req_opts(m_a, b"bad-hlen"), hlen=0xDA)
    # b) wrong magic cookie 63 82 53 64 (last byte off by one).
    b = bootp_body(1, 0x0000B002, m_b, req_opts(m_b, b"bad-cookie"),
                   cookie=b"\x63\x82\x53\x64")
    # c) option 12 claims 200 bytes but only 10 follow; no END, no padding.
    c_opts = (dhcp_opt(53, b"\x03") + dhcp_opt(61, b"\x01" + m_c)
              + bytes([12, 200]) + b"bad-optlen")
    c = bootp_body(1, 0x0000C003, m_c, c_opts, end=False, pad_to=0)
    # d) 239-byte BOOTP body: 236-byte fixed part + 3 of the 4 cookie bytes.
    d = bootp_body(1, 0x0000D004, m_d, b"", end=False, pad_to=0)[:239]
    assert len(d) == 239
    # e) good DHCP Request.
    e = bootp_body(1, 0x0000E005, good, req_opts(good, b"good-host"))

    frames = [
        discover("00:1d:0f:00:00:0a", a, 11),
        discover("00:1d:0f:00:00:0b", b, 12),
        discover("00:1d:0f:00:00:0c", c, 13),
        discover("00:1d:0f:00:00:0d", d, 14),
        discover("00:1d:0f:00:00:01", e, 15),
    ]
    write(CRAFTED / "malformed-dhcp.pcap",
          pcap_bytes(LINKTYPE_ETHERNET, ts_records(frames)),
          f"{len(frames)} pkts: hlen 218, bad cookie, option past end, "
          "239-byte BOOTP, then good 'good-host'")


# --------------------------------------------------------------------------
# corrupt files
# --------------------------------------------------------------------------

def det_bytes(seed, n):
    """Deterministic pseudo-random bytes: SHA-256(seed || counter)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(seed + struct.pack("<I", i)).digest()
        i += 1
    return bytes(out[:n])


def garp(src, ipaddr):
    return pad60(bytes(Ether(src=src, dst=BCAST) / arp(1, src, ipaddr, "00:00:00:00:00:00", ipaddr)))


def make_corrupt():
    write(CORRUPT / "zero-length.pcap", b"", "0 bytes")
    write(CORRUPT / "not-a-capture.pcap",
          b"This is not a packet capture.\nquietwire must report an error, not panic.\n",
          "plain ASCII text")

    hdr = pcap_bytes(LINKTYPE_ETHERNET, [])
    write(CORRUPT / "random-with-pcap-magic.pcap",
          hdr + det_bytes(b"quietwire-corrupt-v1", 4096),
          "24-byte LE usec pcap header (DLT 1) + 4096 SHA-256-CTR bytes")

    good = garp("00:1d:0f:00:00:77", "192.168.99.77")
    body = pcap_bytes(LINKTYPE_ETHERNET, [(BASE_TS, 1, good)])
    body += struct.pack("<IIII", BASE_TS + 1, 2, 0x7FFFFFFF, 0x7FFFFFFF)
    body += garp("00:1d:0f:00:00:7f", "192.168.99.127")  # 60 bytes, then EOF
    write(CORRUPT / "huge-record.pcap", body,
          "1 good record, then caplen=origlen=0x7fffffff with 60 bytes left")

    good = garp("00:1d:0f:00:00:78", "192.168.99.78")
    ng = ng_shb() + ng_idb(LINKTYPE_ETHERNET, 65535) + ng_epb(0, BASE_TS * 1_000_000 + 3, good)
    partial = garp("00:1d:0f:00:00:79", "192.168.99.79")
    # EPB claiming 65536 bytes; only its 28-byte fixed part + 60 data bytes exist.
    ts = BASE_TS * 1_000_000 + 4
    ng += struct.pack("<II", 6, 0x10000)
    ng += struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, 60, 60)
    ng += partial
    write(CORRUPT / "pcapng-block-past-end.pcapng", ng,
          "SHB + IDB + 1 EPB, then EPB with block length 65536 and 88 bytes left")


# --------------------------------------------------------------------------
# verification (optional, needs tshark/capinfos)
# --------------------------------------------------------------------------

def tshark_fields(path, flt, *fields):
    cmd = ["tshark", "-n", "-r", str(path)]
    if flt:
        cmd += ["-Y", flt]
    cmd += ["-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return [line.split("\t") for line in r.stdout.splitlines()], r.stderr


def verify():
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("  ok   " if cond else "  FAIL ") + msg)
        ok = ok and cond

    print("verify:")
    for name in ["hs110.pcapng", "hs110-sll.pcap", "hs110-sll2.pcap", "hs110-nsec-be.pcap"]:
        rows, _ = tshark_fields(DERIVED / name, "dhcp", "dhcp.option.hostname")
        hosts = sorted({r[0] for r in rows if r and r[0]})
        check(len(rows) == 6 and hosts == ["HS110(EU)"], f"{name}: 6 DHCP, hostname {hosts}")
    rows, _ = tshark_fields(DERIVED / "hs110-sll.pcap", None, "sll.src.eth")
    check(sorted({r[0] for r in rows}) == ["00:b5:6d:06:08:ba", "50:c7:bf:00:c7:03"],
          "hs110-sll.pcap: SLL source addresses")
    rows, _ = tshark_fields(DERIVED / "hs110-nsec-be.pcap", "frame.number==1", "frame.time_epoch")
    check(rows[0][0] == "1472729307.033389789", f"hs110-nsec-be.pcap: first ts {rows[0][0]}")
    rows, err = tshark_fields(DERIVED / "hs110-truncated.pcap", None, "frame.number")
    check(len(rows) == 50 and "cut short" in err, f"hs110-truncated.pcap: {len(rows)} frames + cut short")
    rows, _ = tshark_fields(DERIVED / "hs110-two-linktypes.pcapng", None,
                            "frame.interface_id", "frame.encap_type", "dns.qry.name")
    raw = [r for r in rows if r[0] == "1"]
    check(len(rows) == 54 and len(raw) == 2 and all(r[1] == "7" for r in raw),
          f"hs110-two-linktypes.pcapng: 54 frames, raw IP on IDB 1: {[r[2] for r in raw]}")

    f = CRAFTED / "vlan-dhcp-arp.pcap"
    rows, _ = tshark_fields(f, "dhcp", "vlan.id", "dhcp.option.dhcp", "dhcp.option.hostname",
                            "dhcp.option.vendor_class_id", "dhcp.fqdn.name",
                            "dhcp.ip.your", "dhcp.option.dhcp_server_id")
    check([r[1] for r in rows] == ["1", "2", "3", "5"], f"vlan-dhcp-arp: DORA {rows}")
    rows, _ = tshark_fields(f, "arp", "vlan.id", "eth.src", "arp.src.hw_mac",
                            "arp.src.proto_ipv4", "arp.isgratuitous", "arp.isprobe")
    for r in rows:
        print("       arp:", r)
    check(len(rows) == 7, "vlan-dhcp-arp: 7 ARP frames")
    f = CRAFTED / "malformed-dhcp.pcap"
    rows, _ = tshark_fields(f, None, "frame.number", "eth.src", "dhcp.option.hostname",
                            "_ws.malformed", "_ws.expert.message")
    for r in rows:
        print("       malformed-dhcp:", r)
    good = [r for r in rows if r[2] == "good-host"]
    check(len(good) == 1 and good[0][1] == "00:1d:0f:00:00:01", "malformed-dhcp: good-host")
    for name in sorted(os.listdir(CORRUPT)):
        r = subprocess.run(["capinfos", "-c", str(CORRUPT / name)], capture_output=True, text=True)
        msg = (r.stdout + r.stderr).strip().splitlines()
        print(f"       {name}: rc={r.returncode} {' | '.join(m.strip() for m in msg[-2:])}")
    return ok


# --------------------------------------------------------------------------

def main():
    # derived/ and corrupt/ are this script's alone; crafted/ is shared with the other
    # generators in tests/gen/, so only the files written here are replaced.
    for d in (DERIVED, CORRUPT):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    CRAFTED.mkdir(parents=True, exist_ok=True)
    make_derived()
    make_vlan_dhcp_arp()
    make_malformed_dhcp()
    make_corrupt()
    for path, text in written:
        data = path.read_bytes()
        assert len(data) < 100_000, path
        print(f"wrote {path.relative_to(ROOT)}  {len(data)} B  "
              f"sha256 {hashlib.sha256(data).hexdigest()[:16]}  {text}")
    if "--verify" in sys.argv[1:]:
        if not verify():
            sys.exit(1)


if __name__ == "__main__":
    main()
