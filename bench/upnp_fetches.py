#!/usr/bin/env python3
"""Writes N UPnP description fetches (handshake, GET, a 4-segment response with one
retransmission, FIN) between distinct client ports and a TP-Link router, spread evenly
over [start, end] seconds: mixed into a bulk capture with mergecap, they show what
following description streams costs. Usage: upnp_fetches.py N START END OUT.pcap"""
import sys
from scapy.all import Ether, IP, TCP, Raw, ARP, wrpcap

n, start, end, out = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
ROUTER, CLIENT = "50:c7:bf:aa:10:01", "00:1b:21:00:10:02"
DESC = open(__file__.replace("upnp_fetches.py", "../src/wire/upnp_fixture.xml"), "rb").read()
msg = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(DESC) + DESC
q = len(msg) // 4
frames = []
step = (end - start) / max(n, 1)
arp = Ether(src=ROUTER, dst=CLIENT) / ARP(op=2, hwsrc=ROUTER, psrc="192.168.0.1", hwdst=CLIENT, pdst="192.168.0.100")
arp.time = start
frames.append(arp)
for i in range(n):
    t = start + i * step
    cport = 20000 + i % 40000
    def add(p):
        nonlocal_t[0] += 0.0005
        p.time = nonlocal_t[0]
        frames.append(p)
    nonlocal_t = [t]
    add(Ether(src=CLIENT, dst=ROUTER) / IP(src="192.168.0.100", dst="192.168.0.1") / TCP(sport=cport, dport=1900, flags="S", seq=1))
    add(Ether(src=ROUTER, dst=CLIENT) / IP(src="192.168.0.1", dst="192.168.0.100") / TCP(sport=1900, dport=cport, flags="SA", seq=1000, ack=2))
    add(Ether(src=CLIENT, dst=ROUTER) / IP(src="192.168.0.100", dst="192.168.0.1") / TCP(sport=cport, dport=1900, flags="PA", seq=2, ack=1001) / Raw(b"GET /gatedesc.xml HTTP/1.1\r\nHost: 192.168.0.1:1900\r\n\r\n"))
    for k in [0, 2, 1, 1, 3]:
        part = msg[k * q:(k + 1) * q] if k < 3 else msg[3 * q:]
        add(Ether(src=ROUTER, dst=CLIENT) / IP(src="192.168.0.1", dst="192.168.0.100") / TCP(sport=1900, dport=cport, flags="PA", seq=1001 + k * q, ack=60) / Raw(part))
    add(Ether(src=ROUTER, dst=CLIENT) / IP(src="192.168.0.1", dst="192.168.0.100") / TCP(sport=1900, dport=cport, flags="FA", seq=1001 + len(msg), ack=60))
wrpcap(out, frames)
print(f"wrote {out}: {len(frames)} frames, {n} fetches")
