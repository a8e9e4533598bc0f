//! TCP service signatures that matter on their own: the ports and banners of the
//! CovertNetwork-1658 ("Quad7") implant on hijacked TP-Link routers — a login service on
//! TCP 7777 answering `xlogin:` and a SOCKS5 relay on TCP 11288 (Sekoia, Microsoft 2024).
//! Facts go on the server (the frame's source), as attributes of the `tcp` section.

use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol};
use crate::wire::tcp::{ACK, SYN, TcpSegment};

pub const QUAD7_LOGIN_PORT: u16 = 7777;
pub const QUAD7_SOCKS_PORT: u16 = 11288;

/// Whether a segment is from one of the watched server ports.
pub fn wants(seg: &TcpSegment<'_>) -> bool {
    matches!(seg.src_port, QUAD7_LOGIN_PORT | QUAD7_SOCKS_PORT)
}

pub fn handle(cx: &Context, seg: &TcpSegment<'_>, out: &mut Vec<Observation>) -> Outcome {
    let Some(server) = cx.src_mac else { return Ok(()) };
    let attr = |key: &'static str, v: &str| cx.obs(server, Protocol::Tcp, Fact::Attr(key, AttrValue::Text(v.into())));
    let accepting = seg.flags & (SYN | ACK) == SYN | ACK;
    match seg.src_port {
        QUAD7_LOGIN_PORT => {
            if accepting {
                out.push(attr("listening_7777", "accepted a connection on TCP 7777"));
            }
            if seg.payload.starts_with(b"xlogin:") {
                out.push(attr("xlogin_banner_7777", "sent the banner \"xlogin:\" from TCP 7777"));
            }
        }
        QUAD7_SOCKS_PORT => {
            if accepting {
                out.push(attr("listening_11288", "accepted a connection on TCP 11288"));
            }
            // SOCKS5 method-selection reply: version 5, then the chosen method.
            if let [0x05, 0x00 | 0x02 | 0xff] = seg.payload {
                out.push(attr("socks5_11288", "answered SOCKS5 method selection on TCP 11288"));
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::MacAddr;
    use crate::timestamp::Timestamp;

    fn seg(src_port: u16, flags: u8, payload: &[u8]) -> TcpSegment<'_> {
        TcpSegment { src_port, dst_port: 50000, seq: 1, flags, payload }
    }

    #[test]
    fn quad7_signatures() {
        let mac: MacAddr = "50:c7:bf:00:00:01".parse().unwrap();
        let cx = Context { src_mac: Some(mac), ..Context::at(Timestamp(1)) };
        let mut out = Vec::new();
        handle(&cx, &seg(7777, SYN | ACK, b""), &mut out).unwrap();
        handle(&cx, &seg(7777, ACK, b"xlogin: "), &mut out).unwrap();
        handle(&cx, &seg(11288, ACK, &[5, 0]), &mut out).unwrap();
        handle(&cx, &seg(11288, ACK, &[5, 0, 0]), &mut out).unwrap();
        let keys: Vec<_> = out.iter().map(|o| match &o.fact { Fact::Attr(k, _) => *k, _ => "" }).collect();
        assert_eq!(keys, vec!["listening_7777", "xlogin_banner_7777", "socks5_11288"]);
        assert!(out.iter().all(|o| o.mac == mac && o.protocol == Protocol::Tcp));
        assert!(wants(&seg(7777, 0, b"")) && !wants(&seg(80, 0, b"")));
    }
}
