#!/usr/bin/env python3
"""Craft quietwire's TP-Link protocol test captures.

    python3 tests/gen/tplink.py

Writes captures/crafted/tplink-*.pcap (Ethernet, microsecond pcap), deterministic:
fixed timestamps from 2024-01-01T00:00:00Z, fixed MACs and addresses, no randomness
(opaque payload bytes come from SHA-256 over a fixed label). Each file covers what no
real capture in the corpus holds; the expected facts are listed in FILES below and
asserted by tests/e2e_tplink.rs.

Formats follow their public sources (never their code):
  Kasa        XOR autokey 171 (softScheck/tplink-smartplug, python-kasa); values shaped
              like python-kasa's KL130(US) and HS300(US) fixtures.
  TDP         16-byte header, CRC-32 with 0x5A6B7C8D in the checksum field
              (python-kasa kasa/discover.py); a KP125M(US) discovery result.
  Easy Smart  RC4 with the public key, 32-byte header and TLVs (pklaus/smrt).
  TDDP        softScheck tddp-client (version 2 + MD5) and M. Garrett's SR20 message
              (version 1). The reply's 24 payload bytes stand in for DES ciphertext.
  Omada       payload format undocumented: opaque bytes on the documented ports.
  devDiscover UDP 5001 header, records and checksum as in suricata-verify otherhtp.pcap.

Needs python3 + scapy (frames only).
"""

import hashlib
import json
import logging
import struct
import zlib
from pathlib import Path

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CRAFTED = ROOT / "captures" / "crafted"
BASE_TS = 1704067200  # 2024-01-01T00:00:00Z
BCAST = "ff:ff:ff:ff:ff:ff"

# Hosts (TP-Link OUIs for the TP-Link devices; others are not TP-Link).
PHONE = ("f0:18:98:12:34:56", "192.168.0.100")  # Apple OUI: runs the vendor's app
PC = ("00:1b:21:0a:0b:0c", "192.168.0.101")  # Intel OUI: Easy Smart utility, TDDP client
BULB = ("1c:3b:f3:5a:6b:7c", "192.168.0.21")  # Kasa KL130(US)
STRIP = ("00:5f:67:a1:b2:c3", "192.168.0.22")  # Kasa HS300(US)
KP125M = ("78:8c:b5:4d:2e:1f", "192.168.0.23")  # Kasa KP125M(US), TDP
SWITCH = ("b0:4e:26:12:34:56", "192.168.0.2")  # TL-SG108E
ROUTER = ("14:cf:92:00:00:01", "192.168.0.1")  # TP-Link router, TDDP v2
SR20 = ("ac:84:c6:00:00:02", "192.168.0.3")  # TP-Link SR20-like, TDDP v1
EAP = ("50:d4:f7:33:44:55", "192.168.0.30")  # Omada access point
CONTROLLER = ("00:1b:21:aa:bb:cc", "192.168.0.10")  # PC running the Omada controller
XDR1860 = ("3c:06:a7:58:c3:68", "10.25.17.160")  # as in otherhtp.pcap

PASSWORD = "quietwire-secret-7d1c"  # must never appear in quietwire's output


def opaque(label, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def udp(src, dst, sport, dport, payload, dst_mac=None):
    return bytes(
        Ether(src=src[0], dst=dst_mac or dst[0])
        / IP(src=src[1], dst=dst[1], id=1, ttl=64)
        / UDP(sport=sport, dport=dport)
        / payload
    )


def udp_bcast(src, sport, dport, payload, dst_ip="255.255.255.255"):
    return udp(src, (BCAST, dst_ip), sport, dport, payload)


def tcp(src, dst, sport, dport, seq, ack, payload):
    return bytes(
        Ether(src=src[0], dst=dst[0])
        / IP(src=src[1], dst=dst[1], id=1, ttl=64)
        / TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags="PA", window=5840)
        / payload
    )


def write_pcap(name, frames):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, f in enumerate(frames):
        sec, usec = BASE_TS + i // 10, (i % 10) * 100_000
        out.append(struct.pack("<IIII", sec, usec, len(f), len(f)))
        out.append(f)
    (CRAFTED / name).write_bytes(b"".join(out))
    print(f"wrote captures/crafted/{name} ({len(frames)} frames)")


# ---------------------------------------------------------------- Kasa

def kasa_encrypt(text):
    key, out = 171, bytearray()
    for ch in text.encode():
        key ^= ch
        out.append(key)
    return bytes(out)


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


QUERY = compact({"system": {"get_sysinfo": {}}})

KL130 = compact({"system": {"get_sysinfo": {
    "sw_ver": "1.8.11 Build 191113 Rel.105336", "hw_ver": "1.0", "model": "KL130(US)",
    "description": "Smart Wi-Fi LED Bulb with Color Changing", "alias": "Bedroom lamp",
    "mic_type": "IOT.SMARTBULB", "dev_state": "normal", "mic_mac": "1C3BF35A6B7C",
    "deviceId": "8012E4D6B05F1A2C3D4E5F60718293A4B5C6D7E8", "oemId": "D5C424D3C480911C98D4BA8F06B9B2D1",
    "hwId": "111E35908497A05512E259BB76801E10", "is_factory": False, "disco_ver": "1.0",
    "ctrl_protocols": {"name": "Linkie", "version": "1.0"}, "active_mode": "none",
    "is_dimmable": 1, "is_color": 1, "is_variable_color_temp": 1, "rssi": -52, "err_code": 0}}})

HS300 = compact({"system": {"get_sysinfo": {
    "sw_ver": "1.0.12 Build 220121 Rel.175814", "hw_ver": "2.0", "model": "HS300(US)",
    "deviceId": "8006A1B2C3D4E5F60718293A4B5C6D7E8F901234", "oemId": "32BD0B21AA9BF8E84737D1DB1C66E883",
    "hwId": "955F433CBA24823A248A59AA64571A73", "rssi": -44, "latitude_i": 0, "longitude_i": 0,
    "alias": "Desk strip", "status": "new", "mic_type": "IOT.SMARTPLUGSWITCH", "feature": "TIM:ENE",
    "mac": "00:5F:67:A1:B2:C3", "updating": 0, "led_off": 0,
    "children": [{"id": f"8006A1B2C3D4E5F60718293A4B5C6D7E8F90123{i}", "state": 1,
                  "alias": f"Outlet {i + 1}", "on_time": 710216, "next_action": {"type": -1}}
                 for i in range(6)],
    "child_num": 6, "err_code": 0}}})


def kasa_capture():
    q = kasa_encrypt(QUERY)
    strip_reply = kasa_encrypt(HS300)
    prefixed = struct.pack(">I", len(strip_reply)) + strip_reply
    cut = 700  # the reply continues in a second segment
    frames = [
        udp_bcast(PHONE, 50000, 9999, q),
        udp(BULB, PHONE, 9999, 50000, kasa_encrypt(KL130)),
        tcp(PHONE, STRIP, 50001, 9999, 1000, 5000, struct.pack(">I", len(q)) + q),
        tcp(STRIP, PHONE, 9999, 50001, 5000, 1000 + 4 + len(q), prefixed[:cut]),
        tcp(STRIP, PHONE, 9999, 50001, 5000 + cut, 1000 + 4 + len(q), prefixed[cut:]),
    ]
    write_pcap("tplink-kasa.pcap", frames)


# ---------------------------------------------------------------- TDP

def tdp(body, serial=0, flags=0x02, op=1, version=2, bad_crc=False):
    head = struct.pack(">BBHHBBI", version, 0, op, len(body), flags, 0, serial)
    crc = zlib.crc32(head + struct.pack(">I", 0x5A6B7C8D) + body) & 0xFFFFFFFF
    if bad_crc:
        crc ^= 0x1
    return head + struct.pack(">I", crc) + body


KP125M_RESULT = compact({"result": {
    "device_id": "8f23a1c4e5b60718293a4b5c6d7e8f90", "owner": "3A9C2E7D1B5F4086A2C4E6F8091B3D5F",
    "device_type": "SMART.KASAPLUG", "device_model": "KP125M(US)", "ip": KP125M[1],
    "mac": "78-8C-B5-4D-2E-1F", "is_support_iot_cloud": True, "obd_src": "tplink",
    "factory_default": False,
    "mgt_encrypt_schm": {"is_support_https": False, "encrypt_type": "KLAP", "http_port": 80, "lv": 2}},
    "error_code": 0}).encode()


def tdp_capture():
    probe = tdp(b"", serial=0, flags=0)  # python-kasa's minimal probe 020000010000…463cb5d3
    assert probe.hex() == "020000010000000000000000463cb5d3"
    frames = [
        udp_bcast(PHONE, 51000, 20002, probe),
        udp_bcast(PHONE, 51000, 20004, probe),
        udp(KP125M, PHONE, 20002, 51000, tdp(KP125M_RESULT)),
    ]
    write_pcap("tplink-tdp.pcap", frames)


# ---------------------------------------------------------------- Easy Smart

RC4_KEY = (b"Ei2HNryt8ysSdRRI54XNQHBEbOIRqNjQgYxsTmuW3srSVRVFyLh8mwvhBLPFQph3"
           b"ecDMLnDtjDUdrUwt7oTsJuYl72hXESNiD6jFIQCtQN1unsmn3JXjeYwGJ55pqTkV"
           b"yN2OOm3vekF6G1LM4t3kiiG4lGwbxG4CG1s5Sli7gcINFBOLXQnPpsQNWDmPbOm7"
           b"4mE7eyR3L7tk8tUhI17FLKm11hrrd1ck74bMw3VYSK3X5RrDgXelewMU6o1tJ3iX")


def rc4(data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + RC4_KEY[i]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def es_message(op, switch_mac, host_mac, seq, records, end=True):
    body = b"".join(struct.pack(">HH", t, len(v)) + v for t, v in records)
    if end:
        body += b"\xff\xff\x00\x00"
    length = 32 + len(body)
    head = struct.pack(">bb6s6shihhhhi", 1, op, switch_mac, host_mac, seq, 0, length, 0, 0, 0, 0)
    return rc4(head + body)


def macb(m):
    return bytes.fromhex(m.replace(":", ""))


def ipb(a):
    return bytes(int(x) for x in a.split("."))


SG108E_RECORDS = [
    (1, b"TL-SG108E\0"),
    (2, b"office-switch\0"),
    (3, macb(SWITCH[0])),
    (4, ipb(SWITCH[1])),
    (5, ipb("255.255.255.0")),
    (6, ipb("192.168.0.1")),
    (7, b"1.0.0 Build 20171214 Rel.70905\0"),
    (8, b"TL-SG108E 3.0\0"),
    (9, b"\x00"),
    (10, b"\x08"),
    (13, b"\x01"),
]


def easysmart_capture():
    zero = b"\0" * 6
    frames = [
        udp_bcast(PC, 29809, 29808, es_message(0, zero, macb(PC[0]), 7, [])),
        udp_bcast(SWITCH, 29808, 29809, es_message(2, macb(SWITCH[0]), macb(PC[0]), 7, SG108E_RECORDS)),
        udp_bcast(PC, 29809, 29808, es_message(3, macb(SWITCH[0]), macb(PC[0]), 8,
                                               [(512, b"admin\0"), (514, PASSWORD.encode() + b"\0")])),
        udp_bcast(SWITCH, 29808, 29809, es_message(4, macb(SWITCH[0]), macb(PC[0]), 8, [])),
    ]
    write_pcap("tplink-easysmart.pcap", frames)


# ---------------------------------------------------------------- TDDP and Omada

def tddp_v2(code, kind, subtype, pkt_id, payload):
    head = struct.pack(">BBBBIHBB", 2, kind, code, 0, len(payload), pkt_id, subtype, 0)
    digest = hashlib.md5(head + b"\0" * 16 + payload).digest()
    return head + digest + payload


def tddp_omada_capture():
    v1 = struct.pack(">BBBB", 1, 0x31, 1, 0) + b"\0" * 8 + b"/testfile;arbitrary"
    frames = [
        udp(PC, ROUTER, 61000, 1040, tddp_v2(1, 3, 0x0E, 1, b"")),
        udp(ROUTER, PC, 1040, 61000, tddp_v2(2, 3, 0x0E, 1, opaque("tddp-des", 24))),
        udp(PC, SR20, 61000, 1040, v1),
        udp_bcast(EAP, 52000, 29810, opaque("omada-discovery", 96)),
        udp(CONTROLLER, EAP, 29810, 52000, opaque("omada-answer", 80)),
    ]
    write_pcap("tplink-tddp-omada.pcap", frames)


# ---------------------------------------------------------------- malformed and look-alikes

def devdiscover(records, bad_checksum=False):
    body = b"".join(struct.pack(">HH", t, len(v)) + v for t, v in records)
    msg = bytearray(bytes([1, 1]) + bytes.fromhex("0e00e12b83c7") + b"\0\0" + struct.pack(">H", len(body)) + b"\0\0" + body)
    s = 0
    for i in range(0, len(msg) - 1, 2):
        s += (msg[i] << 8) | msg[i + 1]
    if len(msg) % 2:
        s += msg[-1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    c = (~s & 0xFFFF) ^ (0x0101 if bad_checksum else 0)
    msg[8:10] = struct.pack(">H", c)
    return bytes(msg)


XDR1860_RECORDS = [
    (6, "TL-XDR1860易展版".encode()), (11, b"1.0"), (7, b"\x01"), (5, b"3C-06-A7-58-C3-68"),
    (8, XDR1860[1].encode()), (9, b"tplogin.cn"), (10, "TL-XDR1860易展版".encode()), (12, b"1.8.12"),
]


def iperf2(seq):
    # iperf2 UDP: 32-bit sequence, 32-bit seconds, 32-bit microseconds, then filler.
    return struct.pack(">iII", seq, BASE_TS, 250_000 * seq) + b"0123456789" * 4


def malformed_capture():
    cut = es_message(2, macb(SWITCH[0]), macb(PC[0]), 9, SG108E_RECORDS[:3], end=False)
    frames = [
        # Kasa reply whose JSON is broken (two commas): malformed.kasa
        udp(BULB, PHONE, 9999, 50000, kasa_encrypt('{"system":{"get_sysinfo":{"model":"KL130(US)",,}}}')),
        # Not Kasa on 9999: nothing
        udp(PHONE, BULB, 50002, 9999, b"hello, not kasa"),
        # TDP reply with a wrong CRC: malformed.tdp, facts kept
        udp(KP125M, PHONE, 20002, 51000, tdp(KP125M_RESULT, bad_crc=True)),
        # Easy Smart reply that stops after three records with no end marker: malformed.easysmart
        udp_bcast(SWITCH, 29808, 29809, cut),
        # devDiscover with a wrong checksum: malformed.tplink5001, facts kept
        udp_bcast(XDR1860, 59285, 5001, devdiscover(XDR1860_RECORDS, bad_checksum=True), dst_ip="10.25.17.255"),
        # iperf2 on 5001: nothing
        udp(PC, PHONE, 45000, 5001, iperf2(1)),
        udp(PC, PHONE, 45000, 5001, iperf2(2)),
        # Something else on UDP 1040: nothing
        udp(PC, ROUTER, 1040, 53000, opaque("not-tddp", 40)),
    ]
    write_pcap("tplink-malformed.pcap", frames)


def main():
    CRAFTED.mkdir(parents=True, exist_ok=True)
    # Check the 5001 builder against the real broadcast it imitates.
    real = bytes.fromhex(
        "01010e00e12b83c77e3f0075000000060013544c2d58445236303330e69893e5b195e78988000b0003322e30"
        "00070001010005001141342d31412d33412d39312d41342d38440008000a31302e32352e31362e350009000a"
        "74706c6f67696e2e636e000a0013544c2d58445236303330e69893e5b195e78988000c0006312e382e3136")
    recs = [(6, "TL-XDR6030易展版".encode()), (11, b"2.0"), (7, b"\x01"), (5, b"A4-1A-3A-91-A4-8D"),
            (8, b"10.25.16.5"), (9, b"tplogin.cn"), (10, "TL-XDR6030易展版".encode()), (12, b"1.8.16")]
    assert devdiscover(recs) == real, "devDiscover builder does not reproduce the real broadcast"
    kasa_capture()
    tdp_capture()
    easysmart_capture()
    tddp_omada_capture()
    malformed_capture()


if __name__ == "__main__":
    main()
