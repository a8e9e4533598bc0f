#!/usr/bin/env python3
"""Write quietwire's crafted DNS / mDNS / LLMNR / NBNS captures.

    python3 tests/gen/dns.py            # rewrite captures/crafted/dns-*.pcap
    python3 tests/gen/dns.py --verify   # ... then print what tshark reads in them

No real capture holds these cases: a TP-Link gateway answering its admin name, a
Bonjour sleep proxy answering for another host, a forward compression pointer, a
non-ASCII DNS-SD instance name, an NBNS node status table. Messages are assembled
byte by byte here (so compression pointers sit exactly where intended); scapy only
builds the Ethernet/IP/UDP layers. Output is byte-identical from run to run: fixed
timestamps, MACs and IDs, no randomness. The expected facts are asserted in
tests/e2e_dns.rs and listed in the report that added these files.
"""

import logging
import struct
import subprocess
import sys
from pathlib import Path

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CRAFTED = ROOT / "captures" / "crafted"
# 2024-01-01T00:00:00Z, as the other crafted captures.
BASE_TS = 1704067200

GATEWAY = ("98:da:c4:00:00:01", "192.168.0.1")  # TP-Link OUI
PHONE = ("3c:28:6d:00:00:02", "192.168.0.100")
RELAY = ("00:11:22:33:44:55", "192.168.0.254")
PRINTER = ("3c:2a:f4:00:00:03", "192.168.0.50", "fe80::3e2a:f4ff:fe00:3")
APPLE_TV = ("28:cf:e9:00:00:04", "192.168.0.10")
LAMP = ("d0:73:d5:00:00:05", "192.168.0.30")
BROKEN = ("02:00:00:00:00:09", "192.168.0.99")
PC = ("00:0c:29:00:00:06", "192.168.0.60", "fe80::20c:29ff:fe00:6")
NAS = ("00:11:32:00:00:07", "192.168.0.70")
NAS_UNIT_ID = bytes.fromhex("001132a1b2c3")
WINS = ("00:0c:29:00:00:08", "192.168.0.2")

MDNS4 = ("01:00:5e:00:00:fb", "224.0.0.251")
MDNS6 = ("33:33:00:00:00:fb", "ff02::fb")
LLMNR4 = ("01:00:5e:00:00:fc", "224.0.0.252")
BCAST = ("ff:ff:ff:ff:ff:ff", "192.168.0.255")


# --------------------------------------------------------------------------
# DNS message assembly
# --------------------------------------------------------------------------

def name(*labels, ptr=None):
    """Labels (str or bytes) then the root, or a compression pointer to `ptr`."""
    out = b""
    for l in labels:
        b = l.encode() if isinstance(l, str) else l
        out += bytes([len(b)]) + b
    return out + (struct.pack("!H", 0xC000 | ptr) if ptr is not None else b"\x00")


def header(ident, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def question(n, qtype, qclass=1):
    return n + struct.pack("!HH", qtype, qclass)


def rr(n, rtype, rdata, ttl=120, rclass=1):
    return n + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def txt(*strings):
    return b"".join(bytes([len(s)]) + s for s in (x.encode() for x in strings))


A, PTR, TXT, AAAA, SRV, ANY = 1, 12, 16, 28, 33, 255
FLUSH = 0x8001  # class IN with the mDNS cache-flush bit


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


# --------------------------------------------------------------------------
# frames and pcap
# --------------------------------------------------------------------------

def udp4(src, dst, sport, dport, payload, ip_id):
    f = (Ether(src=src[0], dst=dst[0]) / IP(src=src[1], dst=dst[1], ttl=255, id=ip_id, flags=0)
         / UDP(sport=sport, dport=dport) / Raw(payload))
    return bytes(f)


def udp6(src_mac, src_ip, dst, sport, dport, payload):
    f = (Ether(src=src_mac, dst=dst[0]) / IPv6(src=src_ip, dst=dst[1], hlim=255)
         / UDP(sport=sport, dport=dport) / Raw(payload))
    return bytes(f)


def pcap(frames):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, f in enumerate(frames):
        out.append(struct.pack("<IIII", BASE_TS + i, 0, len(f), len(f)))
        out.append(f)
    return b"".join(out)


# --------------------------------------------------------------------------
# dns-tplink-admin.pcap: unicast DNS on UDP 53
# --------------------------------------------------------------------------

def dns_tplink_admin():
    q_admin = question(name("tplinkwifi", "net"), A)
    q_cloud = question(name("devs", "tplinkcloud", "com"), A)
    q_login = question(name("tplinklogin", "net"), A)
    frames = [
        # 1. the phone asks its gateway for the admin name
        udp4(PHONE, GATEWAY, 50001, 53, header(0x1001, 0x0100, qd=1) + q_admin, 1),
        # 2. the TP-Link gateway answers with its own address
        udp4(GATEWAY, PHONE, 53, 50001,
             header(0x1001, 0x8180, qd=1, an=1) + q_admin + rr(name(ptr=12), A, ip4(GATEWAY[1]), ttl=0), 2),
        # 3-4. a cloud name: a query fact on the phone, nothing on the gateway
        udp4(PHONE, GATEWAY, 50002, 53, header(0x1002, 0x0100, qd=1) + q_cloud, 3),
        udp4(GATEWAY, PHONE, 53, 50002,
             header(0x1002, 0x8180, qd=1, an=1) + q_cloud + rr(name(ptr=12), A, ip4("52.209.224.132"), ttl=60), 4),
        # 5. another resolver maps tplinklogin.net to the gateway: not its own address
        udp4(RELAY, PHONE, 53, 50003,
             header(0x1003, 0x8180, qd=1, an=1) + q_login + rr(name(ptr=12), A, ip4(GATEWAY[1]), ttl=0), 5),
        # 6. not DNS on port 53 (ignored, not malformed)
        udp4(RELAY, PHONE, 53, 50004, b"\x00\x01not a dns message at all", 6),
        # 7. a query cut inside its name (malformed)
        udp4(PHONE, GATEWAY, 50005, 53, header(0x1005, 0x0100, qd=1) + b"\x0atplink", 7),
    ]
    return frames


# --------------------------------------------------------------------------
# dns-mdns-edge.pcap: mDNS / DNS-SD
# --------------------------------------------------------------------------

def printer_announcement():
    # Offsets: header 12; `_ipp._tcp.local` at 12 (`_tcp` at 17, `local` at 22).
    m = header(0, 0x8400, an=1, ar=4)
    m += rr(name("_ipp", "_tcp", "local"), PTR, name("Küche Drucker", ptr=12), ttl=4500)
    inst = 12 + 17 + 10  # the instance name starts in the PTR's RDATA
    assert m[inst] == len("Küche Drucker".encode())
    srv_rdata_at = len(m) + 2 + 10
    m += rr(name(ptr=inst), SRV, struct.pack("!HHH", 0, 0, 631) + name("brother", ptr=22), rclass=FLUSH)
    host = srv_rdata_at + 6
    m += rr(name(ptr=inst), TXT, txt("txtvers=1", "ty=Brother HL-L2350DW series", "usb_MFG=Brother",
                                     "usb_MDL=HL-L2350DW series", "product=(Brother HL-L2350DW series)"),
            ttl=4500, rclass=FLUSH)
    m += rr(name(ptr=host), A, ip4(PRINTER[1]), rclass=FLUSH)
    m += rr(name(ptr=host), AAAA, ip6(PRINTER[2]), rclass=FLUSH)
    return m


def apple_tv_own():
    m = header(0, 0x8400, an=2, ar=1)
    m += rr(name("_sleep-proxy", "_udp", "local"), PTR, name("70-35-60-63.1 Living Room", ptr=12), ttl=4500)
    inst = 12 + len(name("_sleep-proxy", "_udp", "local")) + 10
    m += rr(name(ptr=inst), SRV, struct.pack("!HHH", 0, 0, 59000) + name("Apple-TV", "local"), rclass=FLUSH)
    m += rr(name("Living Room", "_device-info", "_tcp", "local"), TXT, txt("model=J105aAP", "osxvers=18"), ttl=4500)
    return m


def apple_tv_proxying():
    # The sleep proxy answers for a sleeping MacBook, and adds its own address record.
    m = header(0, 0x8400, an=2, ar=2)
    m += rr(name("_smb", "_tcp", "local"), PTR, name("MacBook Pro", ptr=12), ttl=4500)
    inst = 12 + len(name("_smb", "_tcp", "local")) + 10
    srv_rdata_at = len(m) + 2 + 10
    m += rr(name(ptr=inst), SRV, struct.pack("!HHH", 0, 0, 445) + name("MacBook-Pro", "local"), rclass=FLUSH)
    mac_host = srv_rdata_at + 6
    m += rr(name(ptr=mac_host), A, ip4("192.168.0.20"), rclass=FLUSH)
    m += rr(name("Apple-TV", "local"), A, ip4(APPLE_TV[1]), rclass=FLUSH)
    return m


def lamp_forward_pointer():
    # Answer 1 (A) names `lamp` + a pointer FORWARD to `local` inside answer 2's
    # owner name, which is written out in full.
    m = header(0, 0x8400, an=2)
    second_at = 12 + 7 + 10 + 4  # the first record: 7-byte name, fixed part, IPv4
    local_at = second_at + 5  # after `\x04lamp`
    m += rr(name("lamp", ptr=local_at), A, ip4(LAMP[1]), rclass=FLUSH)
    assert len(m) == second_at
    m += rr(name("lamp", "local"), AAAA, ip6("fe80::d273:d5ff:fe00:5"), rclass=FLUSH)
    assert m[local_at:local_at + 6] == b"\x05local"
    return m


def phone_qu_query():
    return header(0, 0x0000, qd=1) + question(name("_googlecast", "_tcp", "local"), PTR, qclass=0x8001)


def pointer_loop():
    # An answer whose name is a pointer to itself.
    return header(0, 0x8400, an=1) + rr(name(ptr=12), A, ip4(BROKEN[1]))


def dns_mdns_edge():
    p4 = lambda src, payload, i: udp4(src, MDNS4, 5353, 5353, payload, i)  # noqa: E731
    return [
        p4(PRINTER, printer_announcement(), 1),
        udp6(PRINTER[0], PRINTER[2], MDNS6, 5353, 5353, printer_announcement()),
        p4(APPLE_TV, apple_tv_own(), 2),
        p4(APPLE_TV, apple_tv_proxying(), 3),
        p4(LAMP, lamp_forward_pointer(), 4),
        udp4(PHONE, MDNS4, 5353, 5353, phone_qu_query(), 5),
        p4(BROKEN, pointer_loop(), 6),
    ]


# --------------------------------------------------------------------------
# dns-llmnr-nbns.pcap
# --------------------------------------------------------------------------

def nb_name(n, suffix, pad=b" "):
    raw = n.encode().ljust(15, pad)[:15] + bytes([suffix])
    return bytes([32]) + bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 15))) + b"\x00"


def nb_registration(ident, n, suffix, group, addr):
    flags = 0x8000 if group else 0x0000
    m = header(ident, 0x2910, qd=1, ar=1) + question(nb_name(n, suffix), 0x20)
    return m + rr(name(ptr=12), 0x20, struct.pack("!H", flags) + ip4(addr), ttl=300000)


def nb_positive_response(ident, n, suffix, addr):
    return header(ident, 0x8500, an=1) + rr(nb_name(n, suffix), 0x20, struct.pack("!H", 0x6000) + ip4(addr),
                                             ttl=300000)


def nb_node_status():
    table = [("NAS", 0x00, 0x0400), ("NAS", 0x03, 0x0400), ("NAS", 0x20, 0x0400),
             ("WORKGROUP", 0x00, 0x8400), ("WORKGROUP", 0x1E, 0x8400)]
    rd = bytes([len(table)])
    for n, s, f in table:
        rd += n.encode().ljust(15, b" ") + bytes([s]) + struct.pack("!H", f)
    rd += NAS_UNIT_ID + bytes(40)
    return header(0x0042, 0x8400, an=1) + rr(nb_name("*", 0x00, pad=b"\x00"), 0x21, rd, ttl=0)


def dns_llmnr_nbns():
    q_pc = question(name("PC60"), A)
    q_pc6 = question(name("PC60"), AAAA)
    return [
        # LLMNR: the phone asks for PC60; PC60 answers over IPv4 and IPv6.
        udp4(PHONE, LLMNR4, 50010, 5355, header(0x2001, 0x0000, qd=1) + q_pc, 1),
        udp4(PC, PHONE, 5355, 50010, header(0x2001, 0x8000, qd=1, an=1) + q_pc + rr(name(ptr=12), A, ip4(PC[1]), ttl=30), 2),
        udp6(PC[0], PC[2], (PHONE[0], "fe80::3e28:6dff:fe00:2"), 5355, 50011,
             header(0x2002, 0x8000, qd=1, an=1) + q_pc6 + rr(name(ptr=12), AAAA, ip6(PC[2]), ttl=30)),
        # NBNS: PC60 registers its names; the NAS answers a node status query; a WINS
        # server answers a name query for PC60 from its own address.
        udp4(PC, BCAST, 137, 137, nb_registration(0x3001, "PC60", 0x00, False, PC[1]), 3),
        udp4(PC, BCAST, 137, 137, nb_registration(0x3002, "WORKGROUP", 0x00, True, PC[1]), 4),
        udp4(NAS, PC, 137, 137, nb_node_status(), 5),
        udp4(WINS, PC, 137, 137, nb_positive_response(0x3003, "PC60", 0x20, PC[1]), 6),
    ]


FILES = {
    "dns-tplink-admin.pcap": dns_tplink_admin,
    "dns-mdns-edge.pcap": dns_mdns_edge,
    "dns-llmnr-nbns.pcap": dns_llmnr_nbns,
}


def main():
    CRAFTED.mkdir(parents=True, exist_ok=True)
    for fname, build in FILES.items():
        path = CRAFTED / fname
        path.write_bytes(pcap(build()))
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} B")
    if "--verify" in sys.argv:
        for fname in FILES:
            print(f"== {fname}")
            subprocess.run(["tshark", "-n", "-r", str(CRAFTED / fname), "-T", "fields", "-e", "frame.number",
                            "-e", "eth.src", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info"], check=False)


if __name__ == "__main__":
    main()
