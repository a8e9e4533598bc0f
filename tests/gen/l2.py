#!/usr/bin/env python3
"""Write quietwire's crafted LLDP and CDP captures.

    python3 tests/gen/l2.py            # (re)write captures/crafted/l2-*.pcap
    python3 tests/gen/l2.py --verify   # ... then print what tshark reads in them

Files (expected facts: see the end of this docstring and tests/e2e_l2.rs):

  captures/crafted/l2-lldp.pcap       a TP-Link JetStream switch seen from two ports,
                                      an LLDP-MED IP phone, a Wi-Fi access point
  captures/crafted/l2-cdp.pcap        a Cisco IP phone (odd length, sign-extended
                                      checksum byte), a tagged access switch, a CDPv1 router
  captures/crafted/l2-malformed.pcap  broken LLDP and CDP next to good TLVs, and one
                                      LLDPDU cut by the snapshot length

Real captures cover LLDP and CDP from switches and routers; these add what they lack:
a TP-Link switch (none of the public captures has one; its system description follows
the JetStream pattern in /work/shared/research/tplink-signals.md), a phone with LLDP-MED
inventory, a non-MAC chassis ID, a WLAN access point, IPv6 management addresses, a MUD URL,
CDP IPv6 addresses, and malformed messages. Devices other than the TP-Link switch use
locally administered MACs (02:…), so no real vendor is named.

Deterministic: fixed MACs and timestamps (2024-01-01T00:00:00Z + n s), no randomness;
scapy builds the frames (its LLDP and CDP layers are an encoder independent of
quietwire's decoder), a few lines of Python write the pcap.

Expected facts
--------------
l2-lldp.pcap (4 frames)
  50:c7:bf:a0:00:00  TP-Link chassis (facts from frames 1 and 4): hostname T1600G-28TS,
                     lldp.system_description "JetStream 24-Port Gigabit L2 Managed Switch
                     with 4 SFP Slots", capabilities [bridge, router], enabled [bridge],
                     role bridge, ipv4 192.168.0.2, ipv6 2001:db8::2, port_vlan 10,
                     vlan_names ["10 voice", "20 data"], autoneg enabled, mau_type
                     1000BaseTFD, max_frame_size 1518, med_device_class network-connectivity,
                     med_network_policies ["voice vlan 10 tagged priority 5 dscp 46"],
                     port_id gi1/0/5 (frame 4 is the latest), ttl 120
  50:c7:bf:a0:00:03  the switch's port 3 (frame 1 source): note claimed_mac 50:c7:bf:a0:00:00
  50:c7:bf:a0:00:05  the switch's port 5 (frame 4 source): note claimed_mac 50:c7:bf:a0:00:00
  02:00:00:00:50:21  IP phone, chassis = network address 10.0.50.21: hostname phone-21,
                     role phone, ipv4 10.0.50.21, model EP-8800, firmware 66.86.0.15,
                     med_* inventory (hardware 1.0, firmware boot-1.2, software 66.86.0.15,
                     serial PH0001, manufacturer Example Phones, model EP-8800, asset
                     desk-21), med_device_class endpoint-class-3, med_power "pd, source pse,
                     priority high, 5100 mW", med_network_policies ["voice vlan 10 tagged
                     priority 5 dscp 46"]
  02:00:00:00:0a:01  access point, chassis = locally assigned "AP-SN-0007": hostname
                     ap-lobby, role wlan-ap, ipv6 fe80::ff:fe00:a01, mud_url
                     https://mud.example.com/ap-lobby.json
l2-cdp.pcap (3 frames)
  02:00:00:00:0c:01  Cisco IP phone: hostname SEP0200000C0001, model "Cisco IP Phone 7975",
                     firmware SIP75.9-4-2SR3S, role phone, ipv4 10.0.50.31, ipv6
                     2001:db8:50::31, cdp.power_mw 6300, duplex full
  02:00:00:00:0c:02  access switch in VLAN 20: hostname sw-access-1, model
                     "cisco WS-C2960X-48FPD-L", firmware "Cisco IOS Software, C2960X Software
                     (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc1)", role
                     bridge, ipv4 10.0.0.2, vtp_domain LAB, native_vlan 20, voice_vlan 50,
                     vlans [20]
  02:00:00:00:0c:03  CDPv1 router: hostname rtr-1, model "cisco 1841", role router,
                     ipv4 192.0.2.1, cdp.version 1
l2-malformed.pcap (5 frames): capture.malformed {lldp: 2, cdp: 2}, skipped {snaplen: 1}
  02:00:00:00:ee:01  LLDP with a 3-byte System Capabilities TLV, then a system name:
                     hostname still-read (kept), no capabilities
  02:00:00:00:ee:02  LLDP starting with a Port ID: no lldp facts (frame counted only)
  02:00:00:00:ee:03  CDP with a wrong checksum: hostname bad-checksum (kept)
  02:00:00:00:ee:04  CDP whose platform TLV runs past the message: hostname cut-short
                     (kept), no model
  02:00:00:00:ee:05  LLDPDU cut by the snapshot length inside the system description:
                     hostname snap-cut (kept)
"""

import logging
import socket
import struct
import subprocess
import sys
from pathlib import Path

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.contrib.cdp import (  # noqa: E402
    CDPAddrRecordIPv4,
    CDPAddrRecordIPv6,
    CDPMsgAddr,
    CDPMsgCapabilities,
    CDPMsgDeviceID,
    CDPMsgDuplex,
    CDPMsgMgmtAddr,
    CDPMsgNativeVLAN,
    CDPMsgPlatform,
    CDPMsgPortID,
    CDPMsgPower,
    CDPMsgSoftwareVersion,
    CDPMsgVoIPVLANReply,
    CDPMsgVTPMgmtDomain,
    CDPv2_HDR,
)
from scapy.contrib.lldp import (  # noqa: E402
    LLDPDUChassisID,
    LLDPDUEndOfLLDPDU,
    LLDPDUGenericOrganisationSpecific,
    LLDPDUManagementAddress,
    LLDPDUPortDescription,
    LLDPDUPortID,
    LLDPDUSystemCapabilities,
    LLDPDUSystemDescription,
    LLDPDUSystemName,
    LLDPDUTimeToLive,
)
from scapy.layers.l2 import LLC, SNAP, Dot1Q, Dot3, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CRAFTED = ROOT / "captures" / "crafted"
BASE_TS = 1704067200  # 2024-01-01T00:00:00Z
LINKTYPE_ETHERNET = 1
LLDP_MULTICAST = "01:80:c2:00:00:0e"
CDP_MULTICAST = "01:00:0c:cc:cc:cc"

OUI_8021 = 0x0080C2
OUI_8023 = 0x00120F
OUI_TIA = 0x0012BB
OUI_IANA = 0x00005E


def pcap(records, snaplen=65535):
    """records: (seconds after BASE_TS, frame bytes[, captured length])."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, LINKTYPE_ETHERNET)]
    for sec, data, *cut in records:
        caplen = cut[0] if cut else len(data)
        out.append(struct.pack("<IIII", BASE_TS + sec, 0, caplen, len(data)))
        out.append(data[:caplen])
    return b"".join(out)


def pad60(frame):
    return frame + b"\x00" * max(0, 60 - len(frame))


def org(oui, subtype, data):
    return LLDPDUGenericOrganisationSpecific(org_code=oui, subtype=subtype, data=data)


def mgmt(family, addr, ifnum, numbering=2):
    packed = socket.inet_pton(socket.AF_INET if family == 1 else socket.AF_INET6, addr)
    return LLDPDUManagementAddress(
        management_address_subtype=family,
        management_address=packed,
        interface_numbering_subtype=numbering,
        interface_number=ifnum,
    )


def policy(app, vlan, prio, dscp, tagged=True):
    bits = (int(tagged) << 22) | (vlan << 9) | (prio << 6) | dscp
    return org(OUI_TIA, 2, bytes([app]) + bits.to_bytes(3, "big"))


def lldp_frame(src, tlvs):
    return pad60(bytes(Ether(src=src, dst=LLDP_MULTICAST, type=0x88CC) / tlvs))


def cdp_frame(src, payload, vlan=None):
    """An 802.3 frame with LLC/SNAP (00:00:0c, 0x2000), optionally in an 802.1Q tag."""
    body = LLC(dsap=0xAA, ssap=0xAA, ctrl=3) / SNAP(OUI=0x0C, code=0x2000) / payload
    if vlan is None:
        frame = Dot3(src=src, dst=CDP_MULTICAST) / body
    else:
        frame = Ether(src=src, dst=CDP_MULTICAST, type=0x8100) / Dot1Q(vlan=vlan, type=len(body)) / body
    return pad60(bytes(frame))


def tplink_switch_port(port):
    return LLDPDUChassisID(subtype=4, id="50:c7:bf:a0:00:00") / LLDPDUPortID(
        subtype=5, id=f"gi1/0/{port}"
    ) / LLDPDUTimeToLive(ttl=120) / LLDPDUPortDescription(
        description=f"gigabitEthernet 1/0/{port} : copper"
    ) / LLDPDUSystemName(system_name="T1600G-28TS") / LLDPDUSystemDescription(
        description="JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots"
    ) / LLDPDUSystemCapabilities(
        mac_bridge_available=1, router_available=1, mac_bridge_enabled=1
    ) / mgmt(1, "192.168.0.2", 3) / mgmt(2, "2001:db8::2", 3) / org(
        OUI_8021, 1, b"\x00\x0a"
    ) / org(OUI_8021, 3, b"\x00\x0a\x05voice") / org(OUI_8021, 3, b"\x00\x14\x04data") / org(
        OUI_8023, 1, b"\x03\x6c\x01\x00\x1e"
    ) / org(OUI_8023, 4, b"\x05\xee") / org(OUI_TIA, 1, b"\x00\x03\x04") / policy(
        1, 10, 5, 46
    ) / LLDPDUEndOfLLDPDU()


def make_lldp():
    phone = LLDPDUChassisID(subtype=5, family=1, id="10.0.50.21") / LLDPDUPortID(
        subtype=3, id="02:00:00:00:50:21"
    ) / LLDPDUTimeToLive(ttl=180) / LLDPDUSystemName(system_name="phone-21") / LLDPDUSystemCapabilities(
        mac_bridge_available=1, telephone_available=1, telephone_enabled=1
    ) / mgmt(1, "10.0.50.21", 1) / org(OUI_TIA, 1, b"\x00\x33\x03") / policy(1, 10, 5, 46) / org(
        OUI_TIA, 4, bytes([0x52]) + (51).to_bytes(2, "big")
    ) / org(OUI_TIA, 5, b"1.0") / org(OUI_TIA, 6, b"boot-1.2") / org(OUI_TIA, 7, b"66.86.0.15") / org(
        OUI_TIA, 8, b"PH0001"
    ) / org(OUI_TIA, 9, b"Example Phones") / org(OUI_TIA, 10, b"EP-8800") / org(
        OUI_TIA, 11, b"desk-21"
    ) / LLDPDUEndOfLLDPDU()
    ap = LLDPDUChassisID(subtype=7, id="AP-SN-0007") / LLDPDUPortID(subtype=1, id="uplink") / LLDPDUTimeToLive(
        ttl=120
    ) / LLDPDUSystemName(system_name="ap-lobby") / LLDPDUSystemCapabilities(
        mac_bridge_available=1, wlan_access_point_available=1, router_available=1, wlan_access_point_enabled=1
    ) / mgmt(2, "fe80::ff:fe00:a01", 2) / org(
        OUI_IANA, 1, b"https://mud.example.com/ap-lobby.json"
    ) / LLDPDUEndOfLLDPDU()
    records = [
        (0, lldp_frame("50:c7:bf:a0:00:03", tplink_switch_port(3))),
        (1, lldp_frame("02:00:00:00:50:21", phone)),
        (2, lldp_frame("02:00:00:00:0a:01", ap)),
        (3, lldp_frame("50:c7:bf:a0:00:05", tplink_switch_port(5))),
    ]
    return pcap(records)


def cdp_v2(msgs, version=2):
    return CDPv2_HDR(vers=version, ttl=180, msg=msgs)


def make_cdp():
    phone = cdp_v2(
        [
            CDPMsgDeviceID(val=b"SEP0200000C0001"),
            CDPMsgAddr(addr=[CDPAddrRecordIPv4(addr="10.0.50.31"), CDPAddrRecordIPv6(addr="2001:db8:50::31")]),
            CDPMsgPortID(iface=b"Port 1"),
            CDPMsgCapabilities(cap=0x90),
            CDPMsgSoftwareVersion(val=b"SIP75.9-4-2SR3S"),
            CDPMsgPlatform(val=b"Cisco IP Phone 7975"),
            CDPMsgDuplex(duplex=1),
            # 6300 mW = 0x189c: the message ends in 0x9c at an odd length, so the
            # checksum needs Cisco's sign-extended last byte.
            CDPMsgPower(power=6300),
        ]
    )
    banner = (
        b"Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, "
        b"RELEASE SOFTWARE (fc1)\nTechnical Support: http://www.cisco.com/techsupport\n"
        b"Copyright (c) 1986-2023 by Cisco Systems, Inc."
    )
    switch = cdp_v2(
        [
            CDPMsgDeviceID(val=b"sw-access-1"),
            CDPMsgAddr(addr=[CDPAddrRecordIPv4(addr="10.0.0.2")]),
            CDPMsgPortID(iface=b"GigabitEthernet1/0/7"),
            CDPMsgCapabilities(cap=0x28),
            CDPMsgSoftwareVersion(val=banner),
            CDPMsgPlatform(val=b"cisco WS-C2960X-48FPD-L"),
            CDPMsgVTPMgmtDomain(val=b"LAB"),
            CDPMsgNativeVLAN(vlan=20),
            CDPMsgDuplex(duplex=1),
            CDPMsgVoIPVLANReply(status=1, vlan=50),
            CDPMsgMgmtAddr(addr=[CDPAddrRecordIPv4(addr="10.0.0.2")]),
        ]
    )
    router = cdp_v2(
        [
            CDPMsgDeviceID(val=b"rtr-1"),
            CDPMsgAddr(addr=[CDPAddrRecordIPv4(addr="192.0.2.1")]),
            CDPMsgPortID(iface=b"FastEthernet0/0"),
            CDPMsgCapabilities(cap=0x01),
            CDPMsgSoftwareVersion(val=b"Cisco IOS Software, 1841 Software (C1841-ADVIPSERVICESK9-M), Version 12.4(24)T"),
            CDPMsgPlatform(val=b"cisco 1841"),
        ],
        version=1,
    )
    p = bytes(phone)
    assert len(p) % 2 == 1 and p[-1] >= 0x80, "the phone message must end on an odd, high byte"
    return pcap(
        [
            (0, cdp_frame("02:00:00:00:0c:01", phone)),
            (1, cdp_frame("02:00:00:00:0c:02", switch, vlan=20)),
            (2, cdp_frame("02:00:00:00:0c:03", router)),
        ]
    )


def raw_tlv(kind, value):
    return struct.pack("!H", (kind << 9) | len(value)) + value


def make_malformed():
    # 1: a System Capabilities TLV of 3 bytes (must be 4), then a good System Name.
    bad_caps = (
        raw_tlv(1, b"\x07ee01") + raw_tlv(2, b"\x07p1") + raw_tlv(3, b"\x00\x78")
        + raw_tlv(7, b"\x00\x04\x00") + raw_tlv(5, b"still-read") + raw_tlv(0, b"")
    )
    # 2: not an LLDPDU: the first TLV is a Port ID.
    no_chassis = raw_tlv(2, b"\x07p1") + raw_tlv(1, b"\x07ee02") + raw_tlv(3, b"\x00\x78") + raw_tlv(0, b"")
    # 3: CDP with its checksum changed.
    bad_sum = bytearray(bytes(cdp_v2([CDPMsgDeviceID(val=b"bad-checksum"), CDPMsgPlatform(val=b"x")])))
    bad_sum[2] ^= 0x55
    # 4: CDP whose last TLV claims 40 bytes with 9 present (the 802.3 length is right).
    cut = bytes(cdp_v2([CDPMsgDeviceID(val=b"cut-short")])) + struct.pack("!HH", 0x0006, 40) + b"cisco 29"
    # 5: a good LLDPDU cut by the snapshot length inside the System Description.
    snap = (
        raw_tlv(1, b"\x07ee05") + raw_tlv(2, b"\x07p1") + raw_tlv(3, b"\x00\x78")
        + raw_tlv(5, b"snap-cut") + raw_tlv(6, b"a system description longer than the cut") + raw_tlv(0, b"")
    )
    snap_frame = bytes(Ether(src="02:00:00:00:ee:05", dst=LLDP_MULTICAST, type=0x88CC) / Raw(snap))
    cut_at = snap_frame.index(b"a system") + 4
    return pcap(
        [
            (0, pad60(bytes(Ether(src="02:00:00:00:ee:01", dst=LLDP_MULTICAST, type=0x88CC) / Raw(bad_caps)))),
            (1, pad60(bytes(Ether(src="02:00:00:00:ee:02", dst=LLDP_MULTICAST, type=0x88CC) / Raw(no_chassis)))),
            (2, cdp_frame("02:00:00:00:ee:03", Raw(bytes(bad_sum)))),
            (3, cdp_frame("02:00:00:00:ee:04", Raw(cut))),
            (4, snap_frame, cut_at),
        ]
    )


def verify(path):
    fields = [
        "eth.src", "lldp.chassis.id", "lldp.tlv.system.name", "lldp.media.model",
        "cdp.deviceid", "cdp.platform", "cdp.checksum.status", "_ws.malformed",
    ]
    args = ["tshark", "-n", "-r", str(path), "-T", "fields", "-E", "separator=|"]
    for f in fields:
        args += ["-e", f]
    print(f"--- {path.name}: " + " | ".join(fields))
    print(subprocess.run(args, capture_output=True, text=True).stdout, end="")


def main():
    CRAFTED.mkdir(parents=True, exist_ok=True)
    files = {
        "l2-lldp.pcap": make_lldp(),
        "l2-cdp.pcap": make_cdp(),
        "l2-malformed.pcap": make_malformed(),
    }
    for name, data in files.items():
        (CRAFTED / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
    if "--verify" in sys.argv:
        for name in files:
            verify(CRAFTED / name)


if __name__ == "__main__":
    main()
