#!/usr/bin/env python3
"""Crafted captures for passive UPnP description harvesting (captures/crafted/upnp-*.pcap).
Deterministic: fixed MACs, addresses, sequence numbers and timestamps.

Hosts on one segment: TP-Link router 50:c7:bf:aa:10:01 (192.168.0.1), Windows client
00:1b:21:00:10:02 (192.168.0.100), and a gateway 00:11:22:33:10:09 (192.168.0.254) that
forwards traffic from a server on another segment (10.9.0.5)."""
from pathlib import Path
from scapy.all import ARP, Ether, IP, TCP, UDP, Raw, wrpcap

ROUTER, CLIENT, GW = "50:c7:bf:aa:10:01", "00:1b:21:00:10:02", "00:11:22:33:10:09"
R_IP, C_IP, GW_IP, FAR_IP = "192.168.0.1", "192.168.0.100", "192.168.0.254", "10.9.0.5"
OUT = Path(__file__).resolve().parents[2] / "captures" / "crafted"

DESC = b"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<device>
<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<presentationURL>http://192.168.0.1:80</presentationURL>
<friendlyName>Archer AX21</friendlyName>
<manufacturer>TP-Link</manufacturer>
<manufacturerURL>http://www.tp-link.com</manufacturerURL>
<modelDescription>AX1800 Dual-Band Wi-Fi 6 Router</modelDescription>
<modelName>Archer AX21</modelName>
<modelNumber>1.0</modelNumber>
<serialNumber>1.0</serialNumber>
<UDN>uuid:9f0865b3-f5da-4ad5-85b7-7404637fdf37</UDN>
<deviceList><device>
<deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
<friendlyName>WANDevice</friendlyName>
<manufacturer>TP-Link</manufacturer>
<modelName>AX1800</modelName>
<UDN>uuid:9f0865b3-f5da-4ad5-85b7-7404637fdf38</UDN>
</device></deviceList>
</device>
</root>
"""

class Cap:
    def __init__(self, t0):
        self.t, self.frames = t0, []
    def add(self, pkt):
        self.t += 0.001
        pkt.time = self.t
        self.frames.append(pkt)
    def write(self, name):
        wrpcap(str(OUT / name), self.frames)
        print(f"wrote captures/crafted/{name} ({len(self.frames)} frames)")

def arp_reply(c, mac, ip, to_mac, to_ip):
    c.add(Ether(src=mac, dst=to_mac) / ARP(op=2, hwsrc=mac, psrc=ip, hwdst=to_mac, pdst=to_ip))

def ssdp_notify(c, location):
    msg = ("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=100\r\n"
           f"LOCATION: {location}\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
           "SERVER: Linux/2.6.36, UPnP/1.0, Archer AX21/1.0\r\n"
           "USN: uuid:9f0865b3-f5da-4ad5-85b7-7404637fdf37::upnp:rootdevice\r\n\r\n").encode()
    c.add(Ether(src=ROUTER, dst="01:00:5e:7f:ff:fa") / IP(src=R_IP, dst="239.255.255.250", ttl=4) / UDP(sport=1900, dport=1900) / Raw(msg))

def tcp(src, dst, sip, dip, sport, dport, seq, ack, flags, payload=b""):
    p = Ether(src=src, dst=dst) / IP(src=sip, dst=dip) / TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags=flags)
    return p / Raw(payload) if payload else p

def response(body, extra=b""):
    return b"HTTP/1.1 200 OK\r\nCONTENT-TYPE: text/xml; charset=\"utf-8\"\r\n" + extra + b"CONTENT-LENGTH: " + str(len(body)).encode() + b"\r\n\r\n" + body

def ooo():
    """Handshake, GET, the response in 4 segments delivered 1,3,2,2(retransmitted),4, FIN."""
    c = Cap(1730001000.0)
    arp_reply(c, ROUTER, R_IP, CLIENT, C_IP)
    ssdp_notify(c, "http://192.168.0.1:1900/gatedesc.xml")
    cs, ss = 1000, 5000
    c.add(tcp(CLIENT, ROUTER, C_IP, R_IP, 51000, 1900, cs, 0, "S"))
    c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 1900, 51000, ss, cs + 1, "SA"))
    get = b"GET /gatedesc.xml HTTP/1.1\r\nHOST: 192.168.0.1:1900\r\nUSER-AGENT: Microsoft-Windows/10.0 UPnP/1.0\r\n\r\n"
    c.add(tcp(CLIENT, ROUTER, C_IP, R_IP, 51000, 1900, cs + 1, ss + 1, "PA", get))
    msg = response(DESC)
    q = len(msg) // 4
    parts = [msg[:q], msg[q:2 * q], msg[2 * q:3 * q], msg[3 * q:]]
    offs = [0, q, 2 * q, 3 * q]
    for i in [0, 2, 1, 1, 3]:
        c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 1900, 51000, ss + 1 + offs[i], cs + 1 + len(get), "PA", parts[i]))
    c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 1900, 51000, ss + 1 + len(msg), cs + 1 + len(get), "FA"))
    c.write("upnp-out-of-order.pcap")

def midstream():
    """Starts after the handshake; server on a high port announced by LOCATION; then a
    second connection joined in the middle of the body (nothing to decode there)."""
    c = Cap(1730002000.0)
    arp_reply(c, ROUTER, R_IP, CLIENT, C_IP)
    ssdp_notify(c, "http://192.168.0.1:49152/rootDesc.xml")
    msg = response(DESC)
    c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 49152, 51001, 77000, 1, "PA", msg[:600]))
    c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 49152, 51001, 77600, 1, "PA", msg[600:]))
    c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 49152, 51002, 99000, 1, "PA", msg[700:]))
    c.write("upnp-midstream.pcap")

def chunked_keepalive():
    """One connection: a chunked response, then a Content-Length one (keep-alive)."""
    c = Cap(1730003000.0)
    arp_reply(c, ROUTER, R_IP, CLIENT, C_IP)
    half = len(DESC) // 2
    chunked = (b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n" % half + DESC[:half] + b"\r\n" + b"%x\r\n" % (len(DESC) - half) + DESC[half:] + b"\r\n0\r\n\r\n")
    second = response(DESC.replace(b"Archer AX21", b"Archer AX21 v2"))
    seq = 3000
    for part in [chunked[:500], chunked[500:], second]:
        c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 1900, 51003, seq, 1, "PA", part))
        seq += len(part)
    c.write("upnp-chunked-keepalive.pcap")

def bomb_and_routed():
    """An entity bomb served by the router (rejected, counted), and a description from a
    server on another segment whose frames carry the gateway's MAC (not attributed)."""
    c = Cap(1730004000.0)
    arp_reply(c, ROUTER, R_IP, CLIENT, C_IP)
    arp_reply(c, GW, GW_IP, CLIENT, C_IP)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b'<root xmlns="urn:schemas-upnp-org:device-1-0"><device><modelName>&lol3;</modelName></device></root>')
    c.add(tcp(ROUTER, CLIENT, R_IP, C_IP, 1900, 51004, 1, 1, "PA", response(bomb)))
    c.add(tcp(GW, CLIENT, FAR_IP, C_IP, 8080, 51005, 1, 1, "PA", response(DESC.replace(b"TP-Link", b"Other Corp"))))
    c.write("upnp-bomb-routed.pcap")

if __name__ == "__main__":
    ooo(); midstream(); chunked_keepalive(); bomb_and_routed()
