#!/usr/bin/env python3
"""Craft quietwire's classification test captures.

    python3 tests/gen/classify.py

Writes captures/crafted/classify-{evidence,conflicts,brands,attribution}.pcap (Ethernet, microsecond
pcap). Deterministic: fixed MACs, addresses, ports, sequence numbers and timestamps
(2024-03-01T00:00:00Z plus 10 ms per frame), no randomness. tests/e2e_classify.rs
asserts, device by device, the flag, brand, confidence, evidence rules, conflict and
risks; captures/README.md lists the same facts.

- classify-evidence.pcap: one device per kind of evidence. Devices that must show one
  kind alone use locally administered MACs 02:c1:ee:00:00:NN (00:c1:ee is unregistered,
  so the MAC adds no evidence and no conflict); the registry cases use real blocks.
- classify-conflicts.pcap: another vendor's block against weak, medium and strong
  hints; several medium signals; weak hints alone.
- classify-brands.pcap: one device per brand, the models of every CISA KEV entry (with
  and without a known hardware version), the Quad7 ports, TDDP, and a Hikvision
  camera for the fcc-covered list.
- classify-attribution.pcap: facts told by one host about another or by several
  protocols: a DNS forwarder answering the admin name with the gateway's address (and
  with an address nobody holds); models named by an SSDP SERVER and also by a UPnP
  description or devDiscover, which win.

Wire formats of TP-Link's own protocols come from tests/gen/tplink.py (imported). Values
that no public source shows a device sending (Mercury speaking devDiscover, a CDP
platform naming TP-Link, the Aginet/VIGI/Festa/Neffos names) are invented for coverage
and marked so in captures/README.md.

Needs python3 + scapy (frames only).
"""

import logging
import socket
import struct
import sys
from pathlib import Path

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.contrib.cdp import (  # noqa: E402
    CDPAddrRecordIPv4,
    CDPMsgAddr,
    CDPMsgCapabilities,
    CDPMsgDeviceID,
    CDPMsgPlatform,
    CDPMsgPortID,
    CDPMsgSoftwareVersion,
    CDPv2_HDR,
)
from scapy.contrib.lldp import (  # noqa: E402
    LLDPDUChassisID,
    LLDPDUEndOfLLDPDU,
    LLDPDUPortID,
    LLDPDUSystemDescription,
    LLDPDUSystemName,
    LLDPDUTimeToLive,
)
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import ARP, LLC, SNAP, Dot3, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tplink  # noqa: E402  (Kasa, TDP, Easy Smart, devDiscover and TDDP builders)

ROOT = Path(__file__).resolve().parents[2]
CRAFTED = ROOT / "captures" / "crafted"
BASE_TS = 1709251200  # 2024-03-01T00:00:00Z
BCAST = "ff:ff:ff:ff:ff:ff"
SSDP = ("01:00:5e:7f:ff:fa", "239.255.255.250")
MDNS = ("01:00:5e:00:00:fb", "224.0.0.251")
ALL_DHCP6 = ("33:33:00:01:00:02", "ff02::1:2")


def lan(n):
    return f"192.168.10.{n}"


# ---------------------------------------------------------------- frame builders

def mac_bytes(m):
    return bytes.fromhex(m.replace(":", ""))


def ip_bytes(a):
    return socket.inet_aton(a)


def udp(src, dst, sport, dport, payload):
    """src, dst: (mac, ip)."""
    return bytes(Ether(src=src[0], dst=dst[0]) / IP(src=src[1], dst=dst[1], id=1, ttl=64)
                 / UDP(sport=sport, dport=dport) / Raw(payload))


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    p = Ether(src=src[0], dst=dst[0]) / IP(src=src[1], dst=dst[1], id=1, ttl=64) / TCP(
        sport=sport, dport=dport, seq=seq, ack=ack, flags=flags, window=8192)
    return bytes(p / Raw(payload) if payload else p)


def arp_reply(dev, to):
    return bytes(Ether(src=dev[0], dst=to[0]) / ARP(op=2, hwsrc=dev[0], psrc=dev[1], hwdst=to[0], pdst=to[1]))


def arp_announce(dev):
    """A gratuitous ARP: the device claims its address."""
    return bytes(Ether(src=dev[0], dst=BCAST) / ARP(op=1, hwsrc=dev[0], psrc=dev[1], hwdst="00:00:00:00:00:00", pdst=dev[1]))


def dhcp_request(mac, hostname=None, vendor_class=None, xid=1):
    """A DHCPREQUEST (BOOTP op 1) from `mac`, options in udhcpc's order."""
    opts = b"\x35\x01\x03" + b"\x32\x04" + ip_bytes("192.168.10.200")
    if hostname is not None:
        opts += bytes([12, len(hostname)]) + hostname.encode()
    opts += b"\x37\x04\x01\x03\x06\x0c"
    if vendor_class is not None:
        opts += bytes([60, len(vendor_class)]) + vendor_class.encode()
    opts += b"\x3d\x07\x01" + mac_bytes(mac) + b"\xff"
    bootp = struct.pack(">BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, b"\0" * 4, b"\0" * 4,
                        b"\0" * 4, b"\0" * 4, mac_bytes(mac) + b"\0" * 10, b"\0" * 64, b"\0" * 128)
    payload = bootp + b"\x63\x82\x53\x63" + opts
    return udp((mac, "0.0.0.0"), (BCAST, "255.255.255.255"), 68, 67, payload)


def dhcp6_solicit(mac, link_local, options):
    def opt(code, value):
        return struct.pack(">HH", code, len(value)) + value
    body = bytes([1]) + (0x00C1EE).to_bytes(3, "big") + b"".join(opt(c, v) for c, v in options)
    return bytes(Ether(src=mac, dst=ALL_DHCP6[0]) / IPv6(src=link_local, dst=ALL_DHCP6[1], hlim=1)
                 / UDP(sport=546, dport=547) / Raw(body))


def dns_name(n):
    return b"".join(bytes([len(label)]) + label.encode() for label in n.split(".")) + b"\0"


def dns_rr(n, rtype, rdata, rclass=1, ttl=120):
    return dns_name(n) + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def dns_query(ident, n):
    return struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + dns_name(n) + struct.pack(">HH", 1, 1)


def dns_answer(ident, n, addr):
    return (struct.pack(">HHHHHH", ident, 0x8180, 1, 1, 0, 0) + dns_name(n) + struct.pack(">HH", 1, 1)
            + dns_rr(n, 1, ip_bytes(addr), ttl=0))


def mdns_hap(dev, host, instance, txt):
    """An mDNS announcement of a HomeKit (_hap._tcp) service: PTR, SRV, TXT and A."""
    svc = "_hap._tcp.local"
    inst = f"{instance}.{svc}"
    txt_rdata = b"".join(bytes([len(s)]) + s.encode() for s in txt)
    records = [
        dns_rr(svc, 12, dns_name(inst)),
        dns_rr(inst, 33, struct.pack(">HHH", 0, 0, 8080) + dns_name(f"{host}.local"), rclass=0x8001),
        dns_rr(inst, 16, txt_rdata, rclass=0x8001),
        dns_rr(f"{host}.local", 1, ip_bytes(dev[1]), rclass=0x8001),
    ]
    msg = struct.pack(">HHHHHH", 0, 0x8400, 0, len(records), 0, 0) + b"".join(records)
    return udp(dev, MDNS, 5353, 5353, msg)


def mdns_host(dev, host):
    """An mDNS announcement of the device's own host name (A record)."""
    rec = dns_rr(f"{host}.local", 1, ip_bytes(dev[1]), rclass=0x8001)
    return udp(dev, MDNS, 5353, 5353, struct.pack(">HHHHHH", 0, 0x8400, 0, 1, 0, 0) + rec)


def ssdp_notify(dev, server, location=None, uuid="00000000-0000-1000-0000-000000000000"):
    location = location or f"http://{dev[1]}:1900/igd.xml"
    msg = ("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=100\r\n"
           f"LOCATION: {location}\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: {server}\r\n"
           f"USN: uuid:{uuid}::upnp:rootdevice\r\n\r\n").encode()
    return udp(dev, SSDP, 1900, 1900, msg)


def upnp_description(friendly, manufacturer, model_name, model_number, udn, url="https://www.tp-link.com"):
    return (f'<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
            f"<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
            f"<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>\n"
            f"<friendlyName>{friendly}</friendlyName>\n<manufacturer>{manufacturer}</manufacturer>\n"
            f"<manufacturerURL>{url}</manufacturerURL>\n<modelName>{model_name}</modelName>\n"
            f"<modelNumber>{model_number}</modelNumber>\n<UDN>uuid:{udn}</UDN>\n</device>\n</root>\n").encode()


def upnp_fetch(dev, client, body, port=1900, seq=7000):
    """The client fetches the description: one GET, one response with Content-Length."""
    get = f"GET /igd.xml HTTP/1.1\r\nHOST: {dev[1]}:{port}\r\n\r\n".encode()
    resp = (b"HTTP/1.1 200 OK\r\nCONTENT-TYPE: text/xml; charset=\"utf-8\"\r\nCONTENT-LENGTH: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)
    return [
        tcp(client, dev, 52000, port, 100, seq, "PA", get),
        tcp(dev, client, port, 52000, seq, 100 + len(get), "PA", resp),
    ]


def lldp(dev_mac, name, description, port="gi1/0/1"):
    tlvs = (LLDPDUChassisID(subtype=4, id=dev_mac) / LLDPDUPortID(subtype=5, id=port) / LLDPDUTimeToLive(ttl=120)
            / LLDPDUSystemName(system_name=name) / LLDPDUSystemDescription(description=description)
            / LLDPDUEndOfLLDPDU())
    frame = bytes(Ether(src=dev_mac, dst="01:80:c2:00:00:0e", type=0x88CC) / tlvs)
    return frame + b"\0" * max(0, 60 - len(frame))


def cdp(dev, device_id, platform, software):
    msg = CDPv2_HDR(vers=2, ttl=180, msg=[
        CDPMsgDeviceID(val=device_id.encode()),
        CDPMsgAddr(addr=[CDPAddrRecordIPv4(addr=dev[1])]),
        CDPMsgPortID(iface=b"gigabitEthernet 1/0/24"),
        CDPMsgCapabilities(cap=0x08),
        CDPMsgSoftwareVersion(val=software.encode()),
        CDPMsgPlatform(val=platform.encode()),
    ])
    body = LLC(dsap=0xAA, ssap=0xAA, ctrl=3) / SNAP(OUI=0x0C, code=0x2000) / msg
    frame = bytes(Dot3(src=dev[0], dst="01:00:0c:cc:cc:cc") / body)
    return frame + b"\0" * max(0, 60 - len(frame))


def dash_mac(m):
    return m.replace(":", "-").upper()


def kasa_reply(dev, app, model, hw_ver, mac_key="mac"):
    info = {"sw_ver": "1.5.6 Build 191125 Rel.083657", "hw_ver": hw_ver, "model": model,
            "deviceId": "80061A2B3C4D5E6F708192A3B4C5D6E7F8091A2B", "oemId": "FFF22CFF774A0B89F7624BFC6F50D5DE",
            "hwId": "2448AB56FB7E126DE5CF1B8F2A2C7C56", "alias": "Lab plug", "mic_type": "IOT.SMARTPLUGSWITCH",
            mac_key: dev[0].upper(), "err_code": 0}
    return udp(dev, app, 9999, 50000, tplink.kasa_encrypt(tplink.compact({"system": {"get_sysinfo": info}})))


def kasa_query(app):
    return udp(app, (BCAST, "255.255.255.255"), 50000, 9999, tplink.kasa_encrypt(tplink.QUERY))


def tdp_reply(dev, app, device_type, model):
    body = tplink.compact({"result": {
        "device_id": "0c1ee0000000000000000000000000f0", "device_type": device_type, "device_model": model,
        "ip": dev[1], "mac": dash_mac(dev[0]), "hw_ver": "1.0", "obd_src": "tplink", "factory_default": False,
        "mgt_encrypt_schm": {"is_support_https": False, "encrypt_type": "KLAP", "http_port": 80, "lv": 2}},
        "error_code": 0}).encode()
    return udp(dev, app, 20002, 51000, tplink.tdp(body))


def easysmart_reply(dev, host_mac, model, hostname):
    records = [
        (1, model.encode() + b"\0"), (2, hostname.encode() + b"\0"), (3, mac_bytes(dev[0])),
        (4, ip_bytes(dev[1])), (5, ip_bytes("255.255.255.0")), (6, ip_bytes(lan(1))),
        (7, b"1.0.0 Build 20190411 Rel.52367\0"), (8, (model + " 5.0").encode() + b"\0"),
    ]
    msg = tplink.es_message(2, mac_bytes(dev[0]), mac_bytes(host_mac), 3, records)
    return udp(dev, (BCAST, "255.255.255.255"), 29808, 29809, msg)


def devdiscover(dev, model, hw_ver, fw_ver, domain):
    records = [(6, model.encode()), (11, hw_ver.encode()), (7, b"\x01"), (5, dash_mac(dev[0]).encode()),
               (8, dev[1].encode()), (9, domain.encode()), (10, model.encode()), (12, fw_ver.encode())]
    return udp(dev, (BCAST, "192.168.10.255"), 59285, 5001, tplink.devdiscover(records))


def write_pcap(name, frames):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, f in enumerate(frames):
        sec, usec = BASE_TS + i // 100, (i % 100) * 10_000
        out.append(struct.pack("<IIII", sec, usec, len(f), len(f)))
        out.append(f)
    (CRAFTED / name).write_bytes(b"".join(out))
    print(f"wrote captures/crafted/{name} ({len(frames)} frames)")


# ---------------------------------------------------------------- hosts that only ask

PHONE = ("0a:c1:ee:00:00:f0", lan(240))  # randomised MAC: runs the Kasa/Tapo app, asks names
PC = ("00:1b:21:c1:00:f1", lan(241))  # Intel: fetches UPnP descriptions, sends TDDP, Easy Smart utility


# ---------------------------------------------------------------- classify-evidence.pcap

def evidence():
    f = []
    # oui: TP-Link and Mercusys blocks, the TP-Link block with the local bit set.
    for dev in [("50:c7:bf:10:00:01", lan(1)), ("00:eb:d8:10:00:02", lan(2)), ("52:c7:bf:10:00:03", lan(3))]:
        f.append(arp_announce(dev))
    # dhcp hostname
    f.append(dhcp_request("02:c1:ee:00:00:04", hostname="KP115", xid=4))
    # dhcp vendor class: an Easy Smart switch sends its model
    f.append(dhcp_request("02:c1:ee:00:00:05", vendor_class="TL-SG108E", xid=5))
    # dhcpv6: DUID-EN with TP-Link's enterprise number; a vendor class with it
    f.append(dhcp6_solicit("02:c1:ee:00:00:06", "fe80::c1:eeff:fe00:6", [
        (1, struct.pack(">HI", 2, 11863) + bytes.fromhex("0c1ee0000006")), (6, b"\x00\x17\x00\x18")]))
    f.append(dhcp6_solicit("02:c1:ee:00:00:07", "fe80::c1:eeff:fe00:7", [
        (1, struct.pack(">HH", 3, 1) + mac_bytes("02:c1:ee:00:00:07")),
        (16, struct.pack(">I", 11863) + struct.pack(">H", 8) + b"Deco X20")]))
    # mdns: a HomeKit plug announcing its model in TXT md=
    f.append(mdns_hap(("02:c1:ee:00:00:08", lan(8)), "lab-plug-08", "Lab plug 08", ["c#=2", "md=KP125M", "ci=7"]))
    # ssdp SERVER (ipos stack): names model and hardware version
    f.append(ssdp_notify(("02:c1:ee:00:00:09", lan(9)), "ipos/7.0 UPnP/1.0 TL-WR841N/9.0",
                         uuid="9f0865b3-f5da-4ad5-85b7-7404637fdf37"))
    # upnp description (fetched by the PC), with a SERVER that names nobody
    ax21 = ("02:c1:ee:00:00:0a", lan(10))
    f.append(arp_reply(ax21, PC))
    f.append(ssdp_notify(ax21, "Linux/4.19 UPnP/1.0 MiniUPnPd/2.1"))
    f += upnp_fetch(ax21, PC, upnp_description("Archer AX21", "TP-Link", "Archer AX21", "1.0",
                                               "upnp-InternetGatewayDevice-02c1ee00000a"))
    # lldp system description
    f.append(lldp("02:c1:ee:00:00:0b", "office-core", "JetStream 24-Port Gigabit L2+ Managed Switch with 4 SFP Slots"))
    # cdp platform and banner
    f.append(cdp(("02:c1:ee:00:00:0c", lan(12)), "core-2", "TP-LINK T2600G-28TS",
                 "JetStream 24-Port Gigabit L2+ Managed Switch with 4 SFP Slots, 2.0.0 Build 20200107 Rel.61473"))
    # dns: the phone asks a cloud name (weak, on the asker) and the admin name, which the
    # gateway answers with its own address (strong, on the gateway, never the phone)
    gw = ("02:c1:ee:00:00:0d", lan(13))
    f.append(udp(PHONE, gw, 50100, 53, dns_query(0x0c01, "n-devs.tplinkcloud.com")))
    f.append(udp(gw, PHONE, 53, 50100, dns_answer(0x0c01, "n-devs.tplinkcloud.com", "52.57.97.17")))
    f.append(udp(PHONE, gw, 50101, 53, dns_query(0x0c02, "tplinkwifi.net")))
    f.append(udp(gw, PHONE, 53, 50101, dns_answer(0x0c02, "tplinkwifi.net", gw[1])))
    # kasa: the app's broadcast and a plug's reply
    f.append(kasa_query(PHONE))
    f.append(kasa_reply(("02:c1:ee:00:00:0e", lan(14)), PHONE, "HS110(EU)", "2.0"))
    # tdp: a Tapo plug's reply to the app's probe
    f.append(udp(PHONE, (BCAST, "255.255.255.255"), 51000, 20002, tplink.tdp(b"", flags=0)))
    f.append(tdp_reply(("02:c1:ee:00:00:0f", lan(15)), PHONE, "SMART.TAPOPLUG", "P110(EU)"))
    # easysmart: a TL-SG105E answers the utility's discovery
    f.append(easysmart_reply(("02:c1:ee:00:00:10", lan(16)), PC[0], "TL-SG105E", "lab-switch"))
    # tplink5001: devDiscover broadcast of a router
    f.append(devdiscover(("02:c1:ee:00:00:11", lan(17)), "TL-XDR3010", "2.0", "1.0.12", "tplogin.cn"))
    # tddp: the PC's request reaches a device, which replies
    tddp_dev = ("02:c1:ee:00:00:12", lan(18))
    f.append(udp(PC, tddp_dev, 61000, 1040, tplink.tddp_v2(1, 3, 0x0E, 1, b"")))
    f.append(udp(tddp_dev, PC, 1040, 61000, tplink.tddp_v2(2, 3, 0x0E, 1, tplink.opaque("classify-tddp", 24))))
    # omada: an access point looking for its controller
    f.append(udp(("02:c1:ee:00:00:13", lan(19)), (BCAST, "255.255.255.255"), 52000, 29810,
                 tplink.opaque("classify-omada", 96)))
    # affiliate_cn: Mercury and FAST blocks alone; Mercury with a devDiscover broadcast
    f.append(arp_announce(("00:4b:f3:10:00:14", lan(20))))
    f.append(arp_announce(("00:5a:39:10:00:15", lan(21))))
    f.append(devdiscover(("00:4b:f3:10:00:16", lan(22)), "MW325R", "5.0", "1.0.3", "melogin.cn"))
    # the hosts that only asked are seen too
    f.append(arp_announce(PHONE))
    f.append(arp_announce(PC))
    write_pcap("classify-evidence.pcap", f)


# ---------------------------------------------------------------- classify-conflicts.pcap

def conflicts():
    f = []
    # another vendor's block + a weak hint: a Raspberry Pi named tplink-backup
    f.append(dhcp_request("b8:27:eb:20:00:01", hostname="tplink-backup", xid=0x21))
    # an Espressif module with its default name: no TP-Link evidence at all
    f.append(dhcp_request("24:0a:c4:20:00:02", hostname="ESP_1A2B3C", xid=0x22))
    # another vendor's block + a medium hint (a model-style name)
    f.append(dhcp_request("24:0a:c4:20:00:03", hostname="HS100", xid=0x23))
    # another vendor's block + a strong hint: an ESP board answering the Kasa protocol
    f.append(kasa_query(PHONE))
    f.append(kasa_reply(("24:0a:c4:20:00:04", lan(34)), PHONE, "HS100(US)", "1.0"))
    # another vendor's block + two medium hints from different rules: still a hint
    esp = ("24:0a:c4:20:00:05", lan(35))
    f.append(dhcp_request(esp[0], hostname="HS103", xid=0x25))
    f.append(mdns_hap(esp, "esp-plug", "ESP plug", ["md=HS103"]))
    # no registry evidence + medium signals from two rules: high
    c6 = ("02:c1:ee:00:00:20", lan(36))
    f.append(dhcp_request(c6[0], hostname="Archer_C6", xid=0x26))
    f.append(ssdp_notify(c6, "Linux/3.3.8 UPnP/1.0 Archer C6/2.0"))
    # the same rule twice (names told by DHCP and by mDNS) is one signal: medium
    deco = ("02:c1:ee:00:00:21", lan(37))
    f.append(dhcp_request(deco[0], hostname="Deco-M5", xid=0x27))
    f.append(mdns_host(deco, "Deco-M5-Living"))
    # weak hints only (a cloud query and the word in a name): low, never more
    tablet = ("0a:c1:ee:00:00:22", lan(38))
    f.append(dhcp_request(tablet[0], hostname="my-tplink-tablet", xid=0x28))
    gw = ("02:c1:ee:00:00:2f", lan(47))
    f.append(udp(tablet, gw, 50200, 53, dns_query(0x0c21, "eu-wap.tplinkcloud.com")))
    f.append(arp_announce(PHONE))
    write_pcap("classify-conflicts.pcap", f)


# ---------------------------------------------------------------- classify-brands.pcap

def brands():
    f = []
    # Omada: discovery and an EAP name on a TP-Link block
    eap = ("50:c7:bf:30:00:01", lan(51))
    f.append(dhcp_request(eap[0], hostname="EAP245", xid=0x31))
    f.append(udp(eap, (BCAST, "255.255.255.255"), 52001, 29810, tplink.opaque("classify-eap245", 96)))
    # JetStream: a managed switch's LLDP
    f.append(lldp("50:c7:bf:30:00:02", "T1600G-28TS", "JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots"))
    # Kasa: a dimmer's DHCP name
    f.append(dhcp_request("50:c7:bf:30:00:03", hostname="ES20M", xid=0x33))
    # Tapo: a camera's DHCP name
    f.append(dhcp_request("50:c7:bf:30:00:04", hostname="C310", xid=0x34))
    # Deco: UPnP description of a mesh unit
    deco = ("50:c7:bf:30:00:05", lan(55))
    f.append(arp_reply(deco, PC))
    f += upnp_fetch(deco, PC, upnp_description("Deco X20", "TP-Link", "Deco X20", "4.0", "deco-x20-503000000005"),
                    seq=8000)
    # TP-Link: a router's DHCP name (an access-point-mode Archer C7, hardware unknown)
    f.append(dhcp_request("50:c7:bf:30:00:06", hostname="Archer_C7", xid=0x36))
    # Mercusys: its own block and an SSDP SERVER; a Halo mesh unit's name on a random MAC
    f.append(ssdp_notify(("00:eb:d8:30:00:07", lan(57)), "Linux/4.4 UPnP/1.0 MERCUSYS MR70X/1.0"))
    f.append(dhcp_request("02:c1:ee:00:30:08", hostname="Halo_H50G", xid=0x38))
    # Aginet: UPnP friendly name of an ISP mesh unit
    aginet = ("50:c7:bf:30:00:09", lan(59))
    f.append(arp_reply(aginet, PC))
    f += upnp_fetch(aginet, PC, upnp_description("Aginet HB810", "TP-Link", "HB810", "1.0", "aginet-503000000009"),
                    seq=9000)
    # VIGI, Festa, Neffos
    f.append(dhcp_request("50:c7:bf:30:00:0a", hostname="VIGI-C340", xid=0x3a))
    f.append(lldp("50:c7:bf:30:00:0b", "festa-core", "Festa FS310GP 10-Port Gigabit Smart Switch"))
    f.append(dhcp_request("50:c7:bf:30:00:0c", hostname="Neffos-C5", xid=0x3c))
    # Known exploited: models (and hardware versions) of each CISA KEV entry
    for n, server in [
        (0x10, "ipos/7.0 UPnP/1.0 TL-WR940N/4.0"),  # CVE-2023-33538 (V4)
        (0x11, "ipos/7.0 UPnP/1.0 TL-WR740N/2.0"),  # CVE-2023-33538 (V2), not CVE-2015-3035 (V5)
        (0x12, "ipos/7.0 UPnP/1.0 TL-WA855RE/5.0"),  # CVE-2020-24363 (V5)
        (0x13, "ipos/7.0 UPnP/1.0 TL-WA855RE/4.0"),  # no KEV entry for V4
        (0x14, "ipos/7.0 UPnP/1.0 TL-WDR3600/1.0"),  # CVE-2015-3035 (V1)
    ]:
        f.append(ssdp_notify((f"50:c7:bf:30:00:{n:02x}", lan(n + 60)), server))
    # TL-WR841N by its DHCP vendor class: hardware unknown
    f.append(dhcp_request("50:c7:bf:30:00:15", vendor_class="TL-WR841N", xid=0x45))
    # Archer C7 by UPnP description: hardware from modelNumber, V2 affected, V5 not
    for n, hw in [(0x16, "2.0"), (0x17, "5.0")]:
        dev = (f"50:c7:bf:30:00:{n:02x}", lan(n + 60))
        f.append(arp_reply(dev, PC))
        f += upnp_fetch(dev, PC, upnp_description("Archer C7", "TP-LINK", "Archer C7", hw, f"archer-c7-{n}"),
                        seq=10000 + n * 1000)
    # Quad7: a TP-Link router serving the implant's ports to an outside client
    router = ("50:c7:bf:30:00:20", lan(80))
    client = ("00:1b:21:c1:00:f2", "203.0.113.9")
    f.append(tcp(client, router, 41000, 7777, 100, 0, "S"))
    f.append(tcp(router, client, 7777, 41000, 500, 101, "SA"))
    f.append(tcp(router, client, 7777, 41000, 501, 101, "PA", b"xlogin: "))
    f.append(tcp(client, router, 41001, 11288, 200, 0, "S"))
    f.append(tcp(router, client, 11288, 41001, 900, 201, "SA"))
    f.append(tcp(client, router, 41001, 11288, 201, 901, "PA", b"\x05\x01\x00"))
    f.append(tcp(router, client, 11288, 41001, 901, 204, "PA", b"\x05\x00"))
    # the same banner from a PC: not a TP-Link device, so no finding
    pc2 = ("00:1b:21:c1:00:21", lan(81))
    f.append(tcp(pc2, client, 7777, 41002, 700, 301, "PA", b"xlogin: "))
    # TDDP requests to a TP-Link router (a finding) and to a PC (nothing)
    tddp_target = ("50:c7:bf:30:00:22", lan(82))
    f.append(arp_announce(tddp_target))
    f.append(udp(PC, tddp_target, 61000, 1040, tplink.tddp_v2(1, 3, 0x0E, 2, b"")))
    f.append(udp(PC, pc2, 61000, 1040, tplink.tddp_v2(1, 3, 0x0E, 3, b"")))
    # fcc-covered: a Hikvision camera
    f.append(ssdp_notify(("44:19:b6:30:00:30", lan(90)), "Linux/3.0.8 UPnP/1.0 Hikvision-Webs/1.0"))
    f.append(arp_announce(PC))
    write_pcap("classify-brands.pcap", f)


# ---------------------------------------------------------------- classify-attribution.pcap

def attribution():
    f = []
    # dns: a Pi-hole forwards the phone's admin-name queries; its answers name the
    # gateway's address (the gateway gets the evidence) and an address nobody holds.
    gw = ("02:c1:ee:00:00:40", lan(64))
    pihole = ("b8:27:eb:40:00:41", lan(65))
    f.append(arp_announce(gw))
    f.append(arp_announce(pihole))
    f.append(arp_announce(PHONE))
    f.append(udp(PHONE, pihole, 50200, 53, dns_query(0x4001, "tplinkwifi.net")))
    f.append(udp(pihole, PHONE, 53, 50200, dns_answer(0x4001, "tplinkwifi.net", gw[1])))
    f.append(udp(PHONE, pihole, 50201, 53, dns_query(0x4002, "tplinklogin.net")))
    f.append(udp(pihole, PHONE, 53, 50201, dns_answer(0x4002, "tplinklogin.net", lan(99))))
    # ssdp then upnp: the SERVER names the model, the description fetched by the PC names
    # it too and wins; SSDP announcing again changes nothing.
    c6 = ("02:c1:ee:00:00:42", lan(66))
    f.append(arp_reply(c6, PC))
    f.append(ssdp_notify(c6, "Linux/3.3.8 UPnP/1.0 Archer C6/2.0"))
    f += upnp_fetch(c6, PC, upnp_description("Archer C6", "TP-Link", "Archer C6", "2.0", "archer-c6-02c1ee000042"))
    f.append(ssdp_notify(c6, "Linux/3.3.8 UPnP/1.0 Archer C6/2.0"))
    # ssdp then devDiscover with the same model: the decoded TP-Link protocol tells it
    xdr = ("02:c1:ee:00:00:43", lan(67))
    f.append(ssdp_notify(xdr, "vxWorks/5.5 UPnP/1.0 TL-XDR3010/2.0"))
    f.append(devdiscover(xdr, "TL-XDR3010", "2.0", "1.0.12", "tplogin.cn"))
    # another vendor's camera: its SERVER names a model (D-Link's form, from IoT Sentinel)
    f.append(ssdp_notify(("02:c1:ee:00:00:44", lan(68)), "Linux,    UPnP/1.0 DCS-935L/1.0"))
    f.append(arp_announce(PC))
    write_pcap("classify-attribution.pcap", f)


def main():
    CRAFTED.mkdir(parents=True, exist_ok=True)
    evidence()
    conflicts()
    brands()
    attribution()


if __name__ == "__main__":
    main()
