#!/usr/bin/env python3
"""Writes captures/crafted/quad7.pcap: a TP-Link router (50:c7:bf:aa:00:01, 192.168.0.1)
seen serving the CovertNetwork-1658 ("Quad7") implant's ports to an outside client
(00:1b:21:00:00:02, 203.0.113.9 behind the mirror): a SYN-ACK and an `xlogin:` banner from
TCP 7777, and a SOCKS5 method-selection reply from TCP 11288. A second TP-Link
(50:c7:bf:aa:00:03) only answers HTTP on 80 and must get no finding. Deterministic."""
from pathlib import Path
from scapy.all import Ether, IP, TCP, Raw, wrpcap

ROUTER, OTHER, CLIENT = "50:c7:bf:aa:00:01", "50:c7:bf:aa:00:03", "00:1b:21:00:00:02"
T0 = 1730000000.0
frames = []

def add(pkt, i):
    pkt.time = T0 + i
    frames.append(pkt)

add(Ether(src=CLIENT, dst=ROUTER) / IP(src="203.0.113.9", dst="192.168.0.1") / TCP(sport=41000, dport=7777, flags="S", seq=100), 0)
add(Ether(src=ROUTER, dst=CLIENT) / IP(src="192.168.0.1", dst="203.0.113.9") / TCP(sport=7777, dport=41000, flags="SA", seq=500, ack=101), 1)
add(Ether(src=ROUTER, dst=CLIENT) / IP(src="192.168.0.1", dst="203.0.113.9") / TCP(sport=7777, dport=41000, flags="PA", seq=501, ack=101) / Raw(b"xlogin: "), 2)
add(Ether(src=CLIENT, dst=ROUTER) / IP(src="203.0.113.9", dst="192.168.0.1") / TCP(sport=41001, dport=11288, flags="PA", seq=200) / Raw(b"\x05\x01\x00"), 3)
add(Ether(src=ROUTER, dst=CLIENT) / IP(src="192.168.0.1", dst="203.0.113.9") / TCP(sport=11288, dport=41001, flags="PA", seq=900, ack=203) / Raw(b"\x05\x00"), 4)
add(Ether(src=OTHER, dst=CLIENT) / IP(src="192.168.0.3", dst="203.0.113.9") / TCP(sport=80, dport=41002, flags="SA", seq=1, ack=1), 5)

out = Path(__file__).resolve().parents[2] / "captures" / "crafted" / "quad7.pcap"
wrpcap(str(out), frames)
print(f"wrote {out} ({len(frames)} frames)")
