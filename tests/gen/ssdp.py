#!/usr/bin/env python3
"""Crafted SSDP captures for quietwire, and the tshark oracle for SSDP.

    python3 tests/gen/ssdp.py                 # (re)write captures/crafted/ssdp-*.pcap
    python3 tests/gen/ssdp.py --verify        # ... then check them with tshark
    python3 tests/gen/ssdp.py --oracle [BIN]  # compare quietwire with tshark on the real captures

Writes (deterministic: fixed timestamps and MACs, no randomness):

  captures/crafted/ssdp-devices.pcap  well-formed SSDP a TP-Link router and a phone would
                                      send: GBK bytes in SERVER, LF-only line ends, no
                                      final blank line, lower-case names, IPv4 and IPv6
                                      groups, ssdp:update, ssdp:byebye, a unicast
                                      200 OK to an ephemeral port, a second UPnP stack
                                      whose LOCATION names another address, M-SEARCH.
  captures/crafted/ssdp-hostile.pcap  damaged and hostile SSDP: too many headers, an
                                      overlong value and LOCATION, an unreadable line, a
                                      datagram ending inside a line, a frame cut by the
                                      snapshot length, garbage to the group, and
                                      non-SSDP traffic that merely uses port 1900.

The expected facts are asserted in tests/e2e_ssdp.rs (and listed in the report that
goes with this script into captures/README.md).

Needs python3 + scapy (frames only); --verify and --oracle need tshark.
"""

import json
import logging
import hashlib
import struct
import subprocess
import sys
from pathlib import Path

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CRAFTED = ROOT / "captures" / "crafted"
REAL = ROOT.parent / "shared" / "captures" / "real"

# 2024-01-01T00:00:00Z, base time of all crafted files.
BASE_TS = 1704067200

ROUTER = "98:da:c4:00:00:01"        # TP-Link OUI
ROUTER_IP = "192.168.0.1"
ROUTER_LL = "fe80::9ada:c4ff:fe00:1"
PHONE = "02:00:5e:00:00:aa"         # locally administered, as phones randomise
PHONE_IP = "192.168.0.23"
PHONE_LL = "fe80::5eff:fe00:aa"
HOSTILE = "00:1d:0f:00:05:01"       # every hostile frame but the last comes from here
OTHER = "00:1d:0f:00:05:02"         # sends non-SSDP traffic from port 1900

GROUP4 = "239.255.255.250"
GROUP4_MAC = "01:00:5e:7f:ff:fa"
LINK6, SITE6 = "ff02::c", "ff05::c"

GBK_SERVER = b"vxWorks/5.5 UPnP/1.0 TL-XDR6030\xd2\xd7\xd5\xb9\xb0\xe6/2.0"  # 易展版 in GBK
ROOT_UUID = "8c15e41f-3d83-41c1-b35d-98dac4000001"
WPS_UUID = "00000000-0000-1000-0000-98dac4000001"
IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
WANIP = "urn:schemas-upnp-org:service:WANIPConnection:1"
WFA = "urn:schemas-wifialliance-org:device:WFADevice:1"
LOCATION = "http://192.168.0.1:1900/igd.xml"
LOCATION6 = "http://[fe80::9ada:c4ff:fe00:1]:1900/igd.xml"
WPS_LOCATION = "http://192.168.1.1:49152/wps_device.xml"
WPS_SERVER = b"Linux/2.6.36, UPnP/1.0, Portable SDK for UPnP devices/1.6.19"


def crlf(*lines, end=b"\r\n\r\n"):
    return b"\r\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + end


def v4(src, sip, sport, payload, dst_ip=GROUP4, dst=GROUP4_MAC, dport=1900):
    return bytes(Ether(src=src, dst=dst) / IP(src=sip, dst=dst_ip, ttl=4, id=0) / UDP(sport=sport, dport=dport) / payload)


def v6(src, sip, dst_ip, sport, payload, dport=1900):
    dst = "33:33:00:00:00:0c"  # 33:33 + the group's low 32 bits, for FF02::C and FF05::C
    return bytes(Ether(src=src, dst=dst) / IPv6(src=sip, dst=dst_ip, hlim=1) / UDP(sport=sport, dport=dport) / payload)


def pcap(records, snaplen=65535):
    """records: (frame, orig_len or None); one frame per second from BASE_TS."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1)]
    for i, (data, orig) in enumerate(records):
        out.append(struct.pack("<IIII", BASE_TS + i, 0, len(data), orig or len(data)))
        out.append(data)
    return b"".join(out)


def devices_frames():
    f = []
    # 1. IPv6 link-local group: rootdevice, LF-only line ends, lower-case names.
    f.append(v6(ROUTER, ROUTER_LL, LINK6, 1900, (
        "NOTIFY * HTTP/1.1\nhost: [FF02::C]:1900\ncache-control: max-age=1800\n"
        f"location: {LOCATION6}\nnt: upnp:rootdevice\nnts: ssdp:alive\nserver: ").encode()
        + GBK_SERVER + f"\nusn: uuid:{ROOT_UUID}::upnp:rootdevice\n\n".encode()))
    # 2. IPv6 site-local group: the IGD type.
    f.append(v6(ROUTER, ROUTER_LL, SITE6, 1900, crlf(
        "NOTIFY * HTTP/1.1", "HOST: [FF05::C]:1900", "CACHE-CONTROL: max-age=1800",
        f"LOCATION: {LOCATION6}", f"NT: {IGD}", "NTS: ssdp:alive", b"SERVER: " + GBK_SERVER,
        f"USN: uuid:{ROOT_UUID}::{IGD}")))
    # 3. The phone searches for everything (IPv4).
    f.append(v4(PHONE, PHONE_IP, 50000, crlf(
        "M-SEARCH * HTTP/1.1", "HOST: 239.255.255.250:1900", 'MAN: "ssdp:discover"', "MX: 2",
        "ST: ssdp:all", "USER-AGENT: Android/13 UPnP/1.1 quietwire-test/1.0")))
    # 4. The router answers unicast, from 1900 to the phone's ephemeral port; mixed-case
    #    names, no final blank line (the head ends with one CRLF).
    f.append(v4(ROUTER, ROUTER_IP, 1900, crlf(
        "HTTP/1.1 200 OK", "Cache-Control: max-age=120", "EXT:", f"Location: {LOCATION}",
        b"Server: " + GBK_SERVER, f"ST: {WANIP}", f"USN: uuid:{ROOT_UUID}::{WANIP}",
        "BOOTID.UPNP.ORG: 5", end=b"\r\n"), dst_ip=PHONE_IP, dst=PHONE, dport=50000))
    # 5. IPv4 group: rootdevice, LF-only, no final blank line.
    f.append(v4(ROUTER, ROUTER_IP, 1900, (
        "NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nCACHE-CONTROL: max-age=1800\n"
        f"LOCATION: {LOCATION}\nNT: upnp:rootdevice\nNTS: ssdp:alive\nSERVER: ").encode()
        + GBK_SERVER + f"\nUSN: uuid:{ROOT_UUID}::upnp:rootdevice\nBOOTID.UPNP.ORG: 5\n".encode()))
    # 6. A second stack on the router (WPS): LOCATION on another address (not bound).
    f.append(v4(ROUTER, ROUTER_IP, 1900, crlf(
        "NOTIFY * HTTP/1.1", "HOST: 239.255.255.250:1900", "CACHE-CONTROL: max-age=300",
        f"LOCATION: {WPS_LOCATION}", f"NT: {WFA}", "NTS: ssdp:alive", b"SERVER: " + WPS_SERVER,
        f"USN: uuid:{WPS_UUID}::{WFA}")))
    # 7. ssdp:update: a new boot id.
    f.append(v4(ROUTER, ROUTER_IP, 1900, crlf(
        "NOTIFY * HTTP/1.1", "HOST: 239.255.255.250:1900", f"LOCATION: {LOCATION}",
        "NT: upnp:rootdevice", "NTS: ssdp:update", f"USN: uuid:{ROOT_UUID}::upnp:rootdevice",
        "BOOTID.UPNP.ORG: 5", "NEXTBOOTID.UPNP.ORG: 6")))
    # 8. The phone searches for gateways over IPv6.
    f.append(v6(PHONE, PHONE_LL, LINK6, 50001, crlf(
        "M-SEARCH * HTTP/1.1", "HOST: [FF02::C]:1900", 'MAN: "ssdp:discover"', "MX: 1", f"ST: {IGD}",
        "USER-AGENT: Android/13 UPnP/1.1 quietwire-test/1.0")))
    # 9. The WPS stack leaves: presence only.
    f.append(v4(ROUTER, ROUTER_IP, 1900, crlf(
        "NOTIFY * HTTP/1.1", "HOST: 239.255.255.250:1900", f"NT: {WFA}", "NTS: ssdp:byebye",
        f"USN: uuid:{WPS_UUID}::{WFA}")))
    return [(x, None) for x in f]


def hostile_frames():
    H, HIP = HOSTILE, "192.168.0.66"
    r = []
    # 1. 40 vendor headers before USN: the first 32 are kept, USN is lost; malformed.
    many = ["NOTIFY * HTTP/1.1", "NT: upnp:rootdevice", "NTS: ssdp:alive", "SERVER: many-headers/1.0"]
    many += [f"X-Pad-{i}: {i}" for i in range(40)] + ["USN: uuid:lost::upnp:rootdevice"]
    r.append((v4(H, HIP, 1900, crlf(*many)), None))
    # 2. A 1000-byte SERVER (cut to 512 by the parser, 255 in the inventory) and a
    #    300-byte LOCATION (dropped rather than kept cut); well formed, not malformed.
    r.append((v4(H, HIP, 1900, crlf(
        "NOTIFY * HTTP/1.1", "NT: upnp:rootdevice", "NTS: ssdp:alive", "SERVER: " + "S" * 1000,
        "LOCATION: http://192.168.0.66/" + "l" * 270, "USN: uuid:hostile-1::upnp:rootdevice")), None))
    # 3. An unreadable line and a control byte in a value: the other lines are kept; malformed.
    r.append((v4(H, HIP, 1900, crlf(
        "NOTIFY * HTTP/1.1", "NT : urn:quietwire-test:device:Odd:1", "this line has no colon",
        "NTS: ssdp:alive", "LOCATION: http://192.168.0.66:8080/odd.xml",
        b"USN: uuid:hostile-2\x01::urn:quietwire-test:device:Odd:1")), None))
    # 4. The datagram ends inside its last line (not a capture cut): malformed, line dropped.
    r.append((v4(H, HIP, 1900, b"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nCACHE-CONTROL: max-age=77\r\nLOCATION: http://192.168.0.66:8"), None))
    # 5. A frame cut by the snapshot length inside LOCATION: counted as skipped.snaplen.
    full = v4(H, HIP, 1900, crlf(
        "NOTIFY * HTTP/1.1", "NT: upnp:rootdevice", "NTS: ssdp:alive", "CACHE-CONTROL: max-age=99",
        "LOCATION: http://192.168.0.66:49000/cut-by-snaplen.xml", "USN: uuid:hostile-3::upnp:rootdevice"))
    cut = full.index(b"cut-by-snaplen")
    r.append((full[:cut], len(full)))
    # 6. Garbage and an empty datagram to the SSDP group: malformed, no facts.
    r.append((v4(H, HIP, 1900, b"\x16\x03\x01\x00\x2a" + bytes(range(32))), None))
    r.append((v4(H, HIP, 1901, b""), None))
    # 7. Not SSDP: a QUIC-like datagram from an ephemeral port that happens to be 1900,
    #    to 443: neither counted nor turned into facts.
    r.append((v4(OTHER, "192.168.0.67", 1900, b"\xc3\x00\x00\x00\x01\x08quic", dst_ip="203.0.113.7",
                 dst="00:1d:0f:00:05:fe", dport=443), None))
    return r


def write(name, data):
    path = CRAFTED / name
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)}  {len(data)} B  sha256 {hashlib.sha256(data).hexdigest()[:16]}")


def tshark(path, flt, *fields):
    cmd = ["tshark", "-n", "-r", str(path), "-Y", flt, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def verify():
    ok = True
    rows = tshark(CRAFTED / "ssdp-devices.pcap", "ssdp", "eth.src", "http.request.method", "http.response.code",
                  "http.server", "http.location")
    print("ssdp-devices.pcap (tshark):")
    for row in rows:
        print("   ", row)
    ok &= len(rows) == 9
    ok &= sum(1 for x in rows if x[0] == ROUTER) == 7 and sum(1 for x in rows if x[0] == PHONE) == 2
    rows = tshark(CRAFTED / "ssdp-hostile.pcap", "udp", "frame.len", "frame.cap_len", "eth.src", "udp.srcport",
                  "udp.dstport", "http.server", "http.location")
    print("ssdp-hostile.pcap (tshark):")
    for row in rows:
        print("   ", [x[:60] for x in row])
    ok &= len(rows) == 8 and sum(1 for x in rows if x[0] != x[1]) == 1
    print("verify:", "ok" if ok else "FAIL")
    return ok


# --------------------------------------------------------------------------
# oracle: tshark vs quietwire on every real capture that carries SSDP
# --------------------------------------------------------------------------

REAL_SSDP = [
    "suricata-verify/tests/http-multiple100/otherhtp.pcap",
    "suricata-verify/tests/sip-ssdp-pm/ssdp.pcap",
    "suricata-verify/tests/base64-decode-5885/input.pcap",
    "suricata-verify/tests/output-eve-ftp-data/input.pcap",
    "suricata-verify/tests/smb2-ntlmssp-negotiateflags/input.pcap",
    "smart-home-firewall/eval/latency/philips-hue/my-firewall/wlan5.0.pcap",
    "smart-home-firewall/eval/latency/all-devices/my-firewall/lan.pcap",
    "zeek/testing/btest/Traces/raw_packets.pcap",
    "zeek/testing/btest/Traces/igmp/home-multicast-short.pcap",
    "tcpdump/tests/eapon1.pcap",
    "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/D-LinkCam/Setup-A-4-STA.pcap",
    "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/D-LinkDayCam/Setup-C-13-STA.pcap",
    "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/D-LinkHomeHub/Setup-C-6-STA.pcap",
    "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/EdimaxCam1/Setup-A-6-STA.pcap",
    "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/HueBridge/Setup-C-12-STA.pcap",
    "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/WeMoInsightSwitch/Setup-A-3-STA.pcap",
    "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/WeMoSwitch2/Setup-C-1-STA.pcap",
]


def ascii_shape(s):
    """tshark 4.0 prints each non-ASCII byte of an HTTP header as U+FFFD; quietwire keeps
    UTF-8. Compare both with every non-ASCII byte replaced by '?'."""
    if "\ufffd" in s:
        return s.replace("\ufffd", "?")
    return "".join(c if ord(c) < 128 else "?" * len(c.encode()) for c in s)


def headers(unknown):
    """tshark 4.0 puts SSDP's own headers (NT, NTS, USN, ST …) in http.unknown_header."""
    out = {}
    for h in unknown.split("|"):
        name, _, value = h.partition(":")
        out.setdefault(name.strip().upper(), value.replace("\\r\\n", "").strip())
    return out


def oracle(binary):
    keys = ("server", "location", "usn_device", "type", "user_agent")
    totals = {k: [0, 0] for k in keys}
    problems = []
    for rel in REAL_SSDP:
        path = REAL / rel
        if not path.exists():
            print(f"skip {rel}: not present")
            continue
        # An ICMP error quoting an SSDP datagram is not SSDP from the ICMP sender.
        rows = tshark(path, "udp.port==1900 && !icmp && !icmpv6", "eth.src", "frame.len", "frame.cap_len",
                      "http.request.method", "http.response.code", "http.server", "http.location",
                      "http.user_agent", "http.unknown_header")
        doc = json.loads(subprocess.run([binary, "read", "-f", "json", str(path)], capture_output=True,
                                        check=True).stdout)
        devs = {d["mac"]: d for d in doc["devices"]}

        def seen(mac, key):
            d = devs.get(mac) or {}
            s = d.get("ssdp") or {}
            vals = set()
            if key in s:
                vals.add(s[key])
            for svc in d.get("services", []):
                vals.update(v for k, v in svc.get("txt", []) if k == key)
                if key == "usn_device":
                    vals.add(svc["name"])
                if key == "type":
                    vals.add(svc["type"])
            if key == "usn_device" and "uuid" in s:
                vals.add(s["uuid"])
            return {ascii_shape(v) for v in vals}

        want = {}
        cut = 0
        for mac, flen, clen, method, code, server, location, ua, unknown in rows:
            if flen != clen:
                cut += 1
                continue  # cut by the snapshot length: quietwire counts it as skipped
            h = headers(unknown)
            usn = h.get("USN", "")
            dev = usn[5:].split("::")[0] if usn.lower().startswith("uuid:") else usn.split("::")[0]
            typ = ""
            if method == "NOTIFY" and h.get("NTS", "").lower() != "ssdp:byebye":
                typ = h.get("NT", "")
            elif code == "200":
                typ = h.get("ST", "")
            if typ.lower().startswith("uuid:"):
                typ = ""
            if method == "M-SEARCH" or h.get("NTS", "").lower() == "ssdp:byebye":
                dev = ""  # a search names no device; a byebye is presence only
            for key, v in (("server", server), ("location", location), ("usn_device", dev), ("type", typ),
                           ("user_agent", ua)):
                if v:
                    want.setdefault((mac, key), set()).add(ascii_shape(v))
        for (mac, key), vals in sorted(want.items()):
            have = seen(mac, key)
            for v in sorted(vals):
                totals[key][1] += 1
                if v in have:
                    totals[key][0] += 1
                else:
                    problems.append(f"{rel}: {mac} {key} {v!r} not in {sorted(have)}")
        m = doc["capture"]["malformed"].get("ssdp", 0)
        print(f"{rel}: {len(rows)} SSDP frames ({cut} cut by snaplen), malformed.ssdp={m}")
    print()
    for key, (a, n) in totals.items():
        print(f"{key:11} {a}/{n} distinct (device, value) pairs from tshark found on the sending device")
    for p in problems:
        print("  MISSING", p)
    return not [p for p in problems if " user_agent " not in p]


def main():
    args = sys.argv[1:]
    if "--oracle" in args:
        rest = [a for a in args if a != "--oracle"]
        binary = rest[0] if rest else str(ROOT / "target" / "debug" / "quietwire")
        sys.exit(0 if oracle(binary) else 1)
    CRAFTED.mkdir(parents=True, exist_ok=True)
    write("ssdp-devices.pcap", pcap(devices_frames()))
    write("ssdp-hostile.pcap", pcap(hostile_frames()))
    if "--verify" in args and not verify():
        sys.exit(1)


if __name__ == "__main__":
    main()
