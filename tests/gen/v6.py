#!/usr/bin/env python3
"""Write quietwire's crafted DHCPv6 / ICMPv6 neighbour-discovery captures.

    python3 tests/gen/v6.py            # writes captures/crafted/v6-*.pcap
    python3 tests/gen/v6.py --verify   # ... then prints what tshark reads in them
    python3 tests/gen/v6.py --oracle [FILE...]
                                       # compare tshark with target/debug/quietwire on
                                       # the shared real captures (or FILEs)

Files (expected facts: see the frame comments below and tests/e2e_v6.rs):

  v6-home.pcap       a home LAN: a TP-Link router sending RAs and serving DHCPv6,
                     a TP-Link client with DUID-EN 11863, a laptop whose DUID-LLT
                     names another MAC, DAD, proxy ND, a bridge, a relay agent
  v6-malformed.pcap  bad ND and DHCPv6 messages, each from its own MAC, some with
                     good parts before the bad one; a 1,700-level Relay-forw chain

Deterministic: fixed timestamps (2024-01-01T00:00:00Z + n seconds), fixed MACs,
transaction ids and DUID times; the pcap is written here, byte for byte. scapy
only builds the Ethernet/IPv6/UDP headers and checksums.
"""

import collections
import ipaddress
import json
import struct
import subprocess
import sys
from pathlib import Path

import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import UDP  # noqa: E402
from scapy.layers.inet6 import IPv6, in6_chksum  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CRAFTED = ROOT / "captures" / "crafted"
BASE_TS = 1704067200  # 2024-01-01T00:00:00Z
LINKTYPE_ETHERNET = 1

ALL_NODES = "ff02::1"
ALL_ROUTERS = "ff02::2"
ALL_DHCP = "ff02::1:2"


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ip6(s):
    import ipaddress

    return ipaddress.IPv6Address(s).packed


def mcast_mac(addr):
    """33:33 + the low 32 bits of an IPv6 multicast address."""
    b = ip6(addr)
    return "33:33:" + ":".join(f"{x:02x}" for x in b[12:])


def solicited_node(addr):
    b = ip6(addr)
    return "ff02::1:ff" + f"{b[13]:02x}:{b[14]:02x}{b[15]:02x}"


def pcap(records, snaplen=262144):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, LINKTYPE_ETHERNET)
    for ts, frame in records:
        out += struct.pack("<IIII", ts, 0, len(frame), len(frame)) + frame
    return out


# ---------------------------------------------------------------- ICMPv6 ND


def icmpv6(src_mac, dst_mac, src, dst, body):
    """An ICMPv6 message with its checksum filled in (hop limit 255, as ND requires)."""
    ip = IPv6(src=src, dst=dst, nh=58, hlim=255)
    ck = in6_chksum(58, ip, body)
    body = body[:2] + struct.pack(">H", ck) + body[4:]
    return bytes(Ether(src=src_mac, dst=dst_mac, type=0x86DD) / ip / Raw(body))


def lla(kind, m):
    return bytes([kind, 1]) + mac(m)


def slla(m):
    return lla(1, m)


def tlla(m):
    return lla(2, m)


def prefix_info(prefix, length, flags=0xC0, valid=2592000, preferred=604800):
    return struct.pack(">BBBBII4x", 3, 4, length, flags, valid, preferred) + ip6(prefix)


def mtu_opt(mtu):
    return struct.pack(">BBHI", 5, 1, 0, mtu)


def rdnss(server, lifetime=1800):
    return struct.pack(">BBHI", 25, 3, 0, lifetime) + ip6(server)


def rs(options=b""):
    return struct.pack(">BBHI", 133, 0, 0, 0) + options


def ra(flags, lifetime, options=b"", hop_limit=64, reachable=0, retrans=0):
    return struct.pack(">BBHBBHII", 134, 0, 0, hop_limit, flags, lifetime, reachable, retrans) + options


def ns(target, options=b"", code=0):
    return struct.pack(">BBHI", 135, code, 0, 0) + ip6(target) + options


def na(flags, target, options=b""):
    return struct.pack(">BBHB3x", 136, 0, 0, flags) + ip6(target) + options


def redirect(target, destination):
    return struct.pack(">BBHI", 137, 0, 0, 0) + ip6(target) + ip6(destination)


def echo_request():
    return struct.pack(">BBHHH", 128, 0, 0, 0x1234, 1) + b"quietwire"


RA_M, RA_O = 0x80, 0x40
NA_R, NA_S, NA_O = 0x80, 0x40, 0x20

# ---------------------------------------------------------------- DHCPv6


def opt(code, value):
    return struct.pack(">HH", code, len(value)) + value


def duid_llt(m, time=0x2D0A_1B00):
    return struct.pack(">HHI", 1, 1, time) + mac(m)


def duid_en(enterprise, ident):
    return struct.pack(">HI", 2, enterprise) + ident


def duid_ll(m):
    return struct.pack(">HH", 3, 1) + mac(m)


def fqdn(flags, name, partial=False):
    wire = b"".join(bytes([len(label)]) + label.encode() for label in name.split("."))
    return bytes([flags]) + wire + (b"" if partial else b"\x00")


def class_data(*strings):
    return b"".join(struct.pack(">H", len(s)) + s for s in strings)


def ia_na(iaid, *addresses, t1=3600, t2=5400):
    inner = b"".join(opt(5, ip6(a) + struct.pack(">II", pref, valid)) for a, pref, valid in addresses)
    return opt(3, struct.pack(">III", iaid, t1, t2) + inner)


def oro(*codes):
    return opt(6, b"".join(struct.pack(">H", c) for c in codes))


def message(msg_type, xid, *options):
    return bytes([msg_type]) + xid.to_bytes(3, "big") + b"".join(options)


def relay_forw(hop, link, peer, inner, *options):
    return bytes([12, hop]) + ip6(link) + ip6(peer) + b"".join(options) + opt(9, inner)


def udp6(src_mac, dst_mac, src, dst, sport, dport, payload):
    return bytes(Ether(src=src_mac, dst=dst_mac, type=0x86DD) / IPv6(src=src, dst=dst, hlim=64) / UDP(sport=sport, dport=dport) / Raw(payload))


def client_msg(src_mac, src, payload):
    return udp6(src_mac, mcast_mac(ALL_DHCP), src, ALL_DHCP, 546, 547, payload)


def server_msg(src_mac, dst_mac, src, dst, payload):
    return udp6(src_mac, dst_mac, src, dst, 547, 546, payload)


# ---------------------------------------------------------------- v6-home.pcap

ROUTER = "50:c7:bf:a0:00:01"  # TP-Link OUI; EUI-64 link-local
ROUTER_LL = "fe80::52c7:bfff:fea0:1"
ROUTER_DUID = duid_ll(ROUTER)
DECO = "3c:52:a1:00:00:10"  # TP-Link Systems OUI; DUID-EN 11863
DECO_LL = "fe80::3e52:a1ff:fe00:10"
DECO_SLAAC = "2001:db8:cafe::3e52:a1ff:fe00:10"
DECO_DUID = duid_en(11863, b"deco-x20-0001")
LAPTOP = "68:5d:43:00:00:30"  # Wi-Fi; its DUID-LLT names its wired port
LAPTOP_WIRED = "08:2e:5f:00:00:31"
LAPTOP_LL = "fe80::9154:c66f:8d0e:30"  # privacy IID, not EUI-64
LAPTOP_DUID = duid_llt(LAPTOP_WIRED)
EXTENDER = "02:00:00:00:00:40"  # answers ND for others (proxy), bridges an RS
HIDDEN = "00:11:22:33:44:66"  # behind the extender, seen only in an SLLA
HIDDEN_LL = "fe80::211:22ff:fe33:4466"
RELAY = "00:11:22:33:44:77"  # DHCPv6 relay agent for another link
REMOTE = "00:11:22:33:44:88"  # client on that link, seen only inside the relay message


def make_home():
    frames = [
        # 1 RS from the Deco, SLLA = its MAC.
        icmpv6(DECO, mcast_mac(ALL_ROUTERS), DECO_LL, ALL_ROUTERS, rs(slla(DECO))),
        # 2 RA from the router: M+O, lifetime 1800, SLLA, MTU 1500, two prefixes, RDNSS.
        icmpv6(
            ROUTER,
            mcast_mac(ALL_NODES),
            ROUTER_LL,
            ALL_NODES,
            ra(RA_M | RA_O, 1800, slla(ROUTER) + mtu_opt(1500) + prefix_info("2001:db8:cafe::", 64) + prefix_info("fd00:cafe::", 64) + rdnss("2001:db8:cafe::1")),
        ),
        # 3 DAD probe for the Deco's SLAAC address: binds nothing.
        icmpv6(DECO, mcast_mac(solicited_node(DECO_SLAAC)), "::", solicited_node(DECO_SLAAC), ns(DECO_SLAAC)),
        # 4 Solicit from the Deco: DUID-EN 11863, FQDN, vendor class 11863, user class, ORO.
        client_msg(
            DECO,
            DECO_LL,
            message(
                1,
                0x00A001,
                opt(1, DECO_DUID),
                opt(8, b"\x00\x00"),
                ia_na(1),
                opt(39, fqdn(0x01, "deco-x20.home.arpa")),
                opt(16, struct.pack(">I", 11863) + class_data(b"Deco X20", b"1.0")),
                opt(15, class_data(b"tplink-mesh")),
                oro(23, 24, 39, 82),
            ),
        ),
        # 5 Advertise to the Deco (offers, assigns nothing).
        server_msg(ROUTER, DECO, ROUTER_LL, DECO_LL, message(2, 0x00A001, opt(1, DECO_DUID), opt(2, ROUTER_DUID), ia_na(1, ("2001:db8:cafe::10", 3600, 7200)))),
        # 6 Request from the Deco.
        client_msg(DECO, DECO_LL, message(3, 0x00A002, opt(1, DECO_DUID), opt(2, ROUTER_DUID), ia_na(1, ("2001:db8:cafe::10", 0, 0)), oro(23, 24, 39, 82))),
        # 7 Reply: 2001:db8:cafe::10 (valid), 2001:db8:cafe::dead (valid lifetime 0: not bound).
        server_msg(
            ROUTER,
            DECO,
            ROUTER_LL,
            DECO_LL,
            message(7, 0x00A002, opt(1, DECO_DUID), opt(2, ROUTER_DUID), ia_na(1, ("2001:db8:cafe::10", 3600, 7200), ("2001:db8:cafe::dead", 0, 0))),
        ),
        # 8 Unsolicited NA from the Deco for its SLAAC address (O flag, TLLA).
        icmpv6(DECO, mcast_mac(ALL_NODES), DECO_LL, ALL_NODES, na(NA_O, DECO_SLAAC, tlla(DECO))),
        # 9 Solicit from the laptop: DUID-LLT of its wired port, partial FQDN, MSFT vendor class.
        client_msg(
            LAPTOP,
            LAPTOP_LL,
            message(
                1,
                0x00B001,
                opt(8, b"\x00\x00"),
                opt(1, LAPTOP_DUID),
                ia_na(0x0E00_0030),
                opt(39, fqdn(0x00, "laptop-7", partial=True)),
                opt(16, struct.pack(">I", 311) + class_data(b"MSFT 5.0")),
                oro(24, 23, 17, 39),
            ),
        ),
        # 10 Reply to the laptop's Wi-Fi MAC: the address goes there, not to the DUID's MAC.
        server_msg(ROUTER, LAPTOP, ROUTER_LL, LAPTOP_LL, message(7, 0x00B001, opt(1, LAPTOP_DUID), opt(2, ROUTER_DUID), ia_na(0x0E00_0030, ("2001:db8:cafe::30", 3600, 7200)))),
        # 11 NS from the laptop's global address for the router, SLLA.
        icmpv6(LAPTOP, mcast_mac(solicited_node(ROUTER_LL)), "2001:db8:cafe::30", solicited_node(ROUTER_LL), ns(ROUTER_LL, slla(LAPTOP))),
        # 12 NA from the router: R, S, O; TLLA.
        icmpv6(ROUTER, LAPTOP, ROUTER_LL, "2001:db8:cafe::30", na(NA_R | NA_S | NA_O, ROUTER_LL, tlla(ROUTER))),
        # 13 Proxy NA from the extender: TLLA but no O flag: binds nothing.
        icmpv6(EXTENDER, mcast_mac(ALL_NODES), "fe80::40", ALL_NODES, na(NA_S, "2001:db8:cafe::99", tlla(EXTENDER))),
        # 14 RS bridged by the extender, SLLA of the hidden host: the address goes to the SLLA.
        icmpv6(EXTENDER, mcast_mac(ALL_ROUTERS), HIDDEN_LL, ALL_ROUTERS, rs(slla(HIDDEN))),
        # 15 Redirect from the router: presence only.
        icmpv6(ROUTER, LAPTOP, ROUTER_LL, "2001:db8:cafe::30", redirect("fe80::1:1", "2001:db8:beef::1")),
        # 16 Echo request from the laptop: another ICMPv6 type, ignored.
        icmpv6(LAPTOP, ROUTER, "2001:db8:cafe::30", "2001:db8:cafe::1", echo_request()),
        # 17 Relay-forw from a relay agent to the server, for a client on another link:
        #    option 79 names the client's MAC; DUID-LL the same; FQDN remote-cam.
        udp6(
            RELAY,
            ROUTER,
            "2001:db8:cafe::77",
            "2001:db8:cafe::1",
            547,
            547,
            relay_forw(
                0,
                "2001:db8:f00d::1",
                "fe80::211:22ff:fe33:4488",
                message(1, 0x00C001, opt(1, duid_ll(REMOTE)), opt(39, fqdn(0x01, "remote-cam.home.arpa")), oro(23, 24)),
                opt(79, struct.pack(">H", 1) + mac(REMOTE)),
                opt(18, b"vlan30"),
            ),
        ),
    ]
    return pcap([(BASE_TS + i, f) for i, f in enumerate(frames)])


# ---------------------------------------------------------------- v6-malformed.pcap


def deep_relay_chain(levels):
    inner = message(1, 0x00D001, opt(1, duid_ll("00:1d:0f:00:06:0f")))  # never reached
    for _ in range(levels):
        inner = relay_forw(0, "::", "::", inner)
    return inner


def make_malformed():
    a = "00:1d:0f:00:06:0{}".format
    ll = "fe80::21d:fff:fe00:60{}".format
    frames = [
        # 1 RA with a good SLLA and MTU, then a zero-length option: router kept, malformed.
        icmpv6(a(1), mcast_mac(ALL_NODES), ll(1), ALL_NODES, ra(0, 600, slla(a(1)) + mtu_opt(1280) + b"\x19\x00" + b"\x00" * 6)),
        # 2 NS cut inside its target (20 bytes of ICMPv6): malformed.
        icmpv6(a(2), mcast_mac(ALL_NODES), ll(2), ALL_NODES, ns("2001:db8::2")[:20]),
        # 3 NS with code 1: malformed (RFC 4861 receivers drop it).
        icmpv6(a(3), mcast_mac(ALL_NODES), ll(3), ALL_NODES, ns("2001:db8::3", slla(a(3)), code=1)),
        # 4 RA with 65 options (the limit is 64): the first 64 are read, malformed.
        icmpv6(a(4), mcast_mac(ALL_NODES), ll(4), ALL_NODES, ra(0, 600, mtu_opt(1500) * 64 + slla(a(4)))),
        # 5 Solicit with client id and FQDN, then an option running past the end: kept, malformed.
        client_msg(a(5), ll(5), message(1, 0x00D005, opt(1, duid_ll(a(5))), opt(39, fqdn(1, "cut-host"))) + b"\x00\x06\x00\x10\x00\x17"),
        # 6 A 1,700-level Relay-forw chain (64.6 KB): nesting over the limit, malformed.
        udp6(a(6), ROUTER, "2001:db8::6", "2001:db8::1", 547, 547, deep_relay_chain(1700)),
        # 7 Solicit with a 2-byte Vendor Class (panics dhcproto's decoder in debug builds)
        #   followed by a good FQDN: malformed, FQDN kept.
        client_msg(a(7), ll(7), message(1, 0x00D007, opt(1, duid_ll(a(7))), opt(16, b"\x00\x00"), opt(39, fqdn(1, "after-bad-vc")))),
        # 8 Two bytes on port 547: malformed.
        client_msg(a(8), ll(8), b"\x01\x00"),
        # 9 A good NS, so the file is not all bad.
        icmpv6(a(9), mcast_mac(ALL_NODES), "2001:db8::9", ALL_NODES, ns("2001:db8::1", slla(a(9)))),
    ]
    return pcap([(BASE_TS + 100 + i, f) for i, f in enumerate(frames)])


# ---------------------------------------------------------------- tshark oracle

# The captures of the shared catalogue that carry DHCPv6 or ND (CATALOGUE.md `dhcpv6`/`nd`).
ORACLE_CAPTURES = """
chrissanders-packets/dhcp6_outlease_acquisition.pcapng
chrissanders-packets/icmpv6_neighbor_solicitation.pcapng
iot-firewall/data/traces/tplink-plug/tp-link.pcap
iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/D-LinkHomeHub/Setup-C-6-STA.pcap
iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/EdnetCam1/Setup-C-1-STA.pcap
iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/HueBridge/Setup-C-12-STA.pcap
iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/WeMoInsightSwitch/Setup-A-3-STA.pcap
iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/WeMoSwitch2/Setup-C-1-STA.pcap
pcapplusplus/Tests/Packet++Test/PacketExamples/IcmpV6_NeighAdvSoli.pcap
pcapplusplus/Tests/Packet++Test/PacketExamples/dhcpv6.pcap
smart-home-firewall/eval/latency/all-devices/my-firewall/lan.pcap
smart-home-firewall/eval/latency/all-devices/my-firewall/wlan2.4.pcap
suricata-verify/tests/base64-decode-5885/input.pcap
suricata-verify/tests/output-eve-ftp-data/input.pcap
suricata-verify/tests/smb2-ntlmssp-negotiateflags/input.pcap
tcpdump/tests/dcb_ets.pcap
tcpdump/tests/dhcp6_reconf_asan.pcap
tcpdump/tests/dhcpv4v6-rfc5970-rfc8572.pcap
tcpdump/tests/dhcpv6-ia-na.pcap
tcpdump/tests/dhcpv6-ia-pd.pcap
tcpdump/tests/dhcpv6-mud.pcap
tcpdump/tests/dhcpv6-rfc6355-duid-uuid.pcap
tcpdump/tests/dhcpv6-vendor-specific-information.pcap
tcpdump/tests/icmpv6-ra-pref64.pcap
tcpdump/tests/icmpv6.pcap
tcpdump/tests/icmpv6_opt24.pcap
zeek/testing/btest/Traces/communityid/icmp6.pcap
zeek/testing/btest/Traces/icmp/icmp6-nd-options.pcap
zeek/testing/btest/Traces/icmp/icmp6-nd-short-options.pcap
zeek/testing/btest/Traces/icmp_nd_dnssl.pcap
""".split()
REAL = ROOT.parent / "shared" / "captures" / "real"
QW = str(ROOT / "target" / "debug" / "quietwire")


def tshark(f, flt, fields):
    cmd = ['tshark', '-n', '-r', f, '-Y', flt, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,']
    for x in fields:
        cmd += ['-e', x]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split('|')
        rows.append({k: (v.split(',') if v else []) for k, v in zip(fields, parts)})
    return rows


def load(f):
    d = json.loads(subprocess.run([QW, 'read', '-f', 'json', f], capture_output=True, check=True).stdout)
    return d, {x['mac']: x for x in d['devices']}


def norm6(a):
    return str(ipaddress.ip_address(a))


def oracle_check(f):
    d, devs = load(f)
    claims = collections.defaultdict(set)
    for x in d['devices']:
        for n in x['notes']:
            if n['kind'] == 'claimed_mac':
                claims[n['mac']].add(x['mac'])
    res = collections.Counter()
    bad = []

    def ok(k, cond, why):
        res[(k, cond)] += 1
        if not cond:
            bad.append((k, why))

    # DHCPv6 (only over IPv6: quietwire does not read DHCPv6 over IPv4)
    rows = tshark(f, 'dhcpv6 && ipv6 && !icmpv6', ['frame.number', 'eth.src', 'eth.dst', 'dhcpv6.msgtype', 'dhcpv6.duidll.link_layer_addr', 'dhcpv6.duidllt.link_layer_addr', 'dhcpv6.client_domain', 'dhcpv6.iaaddr.ip', 'dhcpv6.iaaddr.valid_lifetime', '_ws.malformed'])
    for r in rows:
        fn = r['frame.number'][0]
        for m in r['dhcpv6.duidll.link_layer_addr'] + r['dhcpv6.duidllt.link_layer_addr']:
            ok('duid_mac', m in devs or m in claims, f'frame {fn}: DUID MAC {m} neither a device nor a claim')
        types = r['dhcpv6.msgtype']
        for h in r['dhcpv6.client_domain']:
            first = h.split('.')[0]
            owners = [x for x in devs.values() if first in x['hostnames']]
            ok('client_fqdn', bool(owners), f'frame {fn}: hostname {first} on no device')
        if '7' in types:
            dst = r['eth.dst'][0]
            for a, life in zip(r['dhcpv6.iaaddr.ip'], r['dhcpv6.iaaddr.valid_lifetime'] or ['1'] * 99):
                a = norm6(a)
                owners = [x['mac'] for x in devs.values() if a in x['ipv6']]
                ok('iaaddr', bool(owners) or life == '0', f'frame {fn}: IA address {a} on no device (dst {dst})')
                if owners and dst not in owners and '12' not in types and '13' not in types:
                    bad.append(('iaaddr-owner', f'frame {fn}: {a} on {owners}, frame dst {dst}'))
    # ND
    rows = tshark(f, 'icmpv6.type >= 133 && icmpv6.type <= 137 && !udp', ['frame.number', 'eth.src', 'ipv6.src', 'icmpv6.type', 'icmpv6.opt.linkaddr', 'icmpv6.nd.ns.target_address', 'icmpv6.nd.na.target_address', 'icmpv6.nd.na.flag.o', 'icmpv6.nd.na.flag.r', '_ws.malformed'])
    for r in rows:
        fn = r['frame.number'][0]
        t = r['icmpv6.type'][0]
        src = r['eth.src'][0] if r['eth.src'] else None
        for m in r['icmpv6.opt.linkaddr']:
            ok('opt_linkaddr', m in devs or m in claims, f'frame {fn} type {t}: link-layer option {m} neither a device nor a claim')
        lla = r['icmpv6.opt.linkaddr'][0] if r['icmpv6.opt.linkaddr'] else src
        if t in ('133', '134', '135'):
            s = norm6(r['ipv6.src'][0])
            if s != '::' and lla in devs:
                ok('nd_source', s in devs[lla]['ipv6'], f'frame {fn} type {t}: source {s} not on {lla}')
        if t == '135':
            # A solicitation's target is a question, not a claim: counted, not bound.
            res[('ns_target_seen', True)] += len(r['icmpv6.nd.ns.target_address'])
        if t == '136':
            proxied = bool(r['icmpv6.opt.linkaddr']) and r['icmpv6.nd.na.flag.o'] in (['0'], ['False'])
            for a in r['icmpv6.nd.na.target_address']:
                a = norm6(a)
                if proxied:
                    res[('na_target_proxy_skipped', True)] += 1
                    continue
                ok('na_target', lla in devs and a in devs[lla]['ipv6'], f'frame {fn}: NA target {a} not on {lla}')
            if r['icmpv6.nd.na.flag.r'] in (['1'], ['True']) and src in devs:
                ok('na_router', 'router' in devs[src]['roles'], f'frame {fn}: R flag but {src} not router')
        if t == '134' and src in devs:
            ok('ra_router', 'router' in devs[src]['roles'], f'frame {fn}: RA sender {src} not router')
    tm = collections.Counter()
    for flt, k in (('dhcpv6 && ipv6 && _ws.malformed', 'dhcpv6'), ('icmpv6.type >= 133 && icmpv6.type <= 137 && !udp && _ws.malformed', 'ndp')):
        n = len(tshark(f, flt, ['frame.number']))
        if n:
            tm[k] = n
    ex = {}
    for flt, k in (('icmpv6.type >= 133 && icmpv6.type <= 137 && udp', 'nd_in_teredo'), ('dhcpv6 && ip', 'dhcpv6_over_ipv4')):
        n = len(tshark(f, flt, ['frame.number']))
        if n:
            ex[k] = n
    return res, bad, (dict(d['capture']['malformed']), dict(tm), ex)



def oracle(files):
    """For each capture: what tshark extracts (DUID MACs, client FQDN, Reply IA
    addresses, ND link-layer options, sources, NA targets, R flag, RA senders) checked
    against quietwire's JSON. Prints agreements, disagreements and what quietwire does
    not read (ND inside Teredo, DHCPv6 over IPv4)."""
    tot = collections.Counter()
    for f in files:
        res, bad, mal = oracle_check(f)
        tot.update(res)
        summ = ", ".join(f"{k}{'' if c else ' DISAGREE'} {n}" for (k, c), n in sorted(res.items()))
        print(f"{f.split('/real/')[-1]}: {summ or '-'}; malformed quietwire {mal[0]} tshark {mal[1]}; not read {mal[2]}")
        seen = set()
        for k, why in bad:
            if (k, why) not in seen:
                seen.add((k, why))
                print("   ", k, why)
    print("TOTAL", dict(tot))


def main():
    if "--oracle" in sys.argv[1:]:
        files = [a for a in sys.argv[1:] if not a.startswith("--")] or [str(REAL / c) for c in ORACLE_CAPTURES]
        oracle(files)
        return
    CRAFTED.mkdir(parents=True, exist_ok=True)
    import hashlib

    for name, data in (("v6-home.pcap", make_home()), ("v6-malformed.pcap", make_malformed())):
        path = CRAFTED / name
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}  {len(data)} B  sha256 {hashlib.sha256(data).hexdigest()[:16]}")
        if "--verify" in sys.argv[1:]:
            fields = ["frame.number", "eth.src", "ipv6.src", "icmpv6.type", "dhcpv6.msgtype", "_ws.malformed", "_ws.expert.message"]
            cmd = ["tshark", "-n", "-r", str(path), "-T", "fields", "-E", "separator=|"]
            for f in fields:
                cmd += ["-e", f]
            for line in subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines():
                print("  " + (line if len(line) < 160 else line[:157] + "..."))


if __name__ == "__main__":
    main()
