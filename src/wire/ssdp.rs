//! SSDP (UPnP Device Architecture 1.1/2.0 discovery, HTTP over UDP 1900): `NOTIFY`
//! (`ssdp:alive`, `ssdp:byebye`, `ssdp:update`), `M-SEARCH` and `HTTP/1.1 200 OK` answers.
//!
//! Two layers, as elsewhere in `wire`: [`parse`] reads the message head into a
//! [`Message`] (start line plus raw header lines), and [`SsdpRepr::parse`] picks out the
//! headers SSDP defines, typed.
//!
//! The head is read by httparse when it is well formed (the common case: one pass, no
//! allocation beyond the header list). httparse refuses a head that has more headers than
//! its array, a line it cannot tokenise (a space before the colon in a request, a control
//! byte in a value), or no final blank line; those heads are re-read by a lenient line
//! reader that keeps every readable header, counts the lines it skipped and stops at
//! [`MAX_HEADERS`]. Both accept LF-only line ends. Header values are raw bytes: a real
//! TP-Link router puts Chinese text in SERVER, and other devices send GBK; they are never
//! a reason to drop the message.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::WireError;

pub const PORT: u16 = 1900;
/// The IPv4 multicast group all SSDP announcements and searches go to.
pub const MULTICAST_V4: Ipv4Addr = Ipv4Addr::new(239, 255, 255, 250);
/// The link-local IPv6 group (`FF02::C`); UDA 1.1 also uses site-local `FF05::C` and
/// the other `FF0X::C` scopes.
pub const MULTICAST_V6_LINK: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0xc);
pub const MULTICAST_V6_SITE: Ipv6Addr = Ipv6Addr::new(0xff05, 0, 0, 0, 0, 0, 0, 0xc);

/// Header lines kept from one message. UDA 2.0's longest message (`NOTIFY ssdp:alive`)
/// defines 11 headers; stacks add a few of their own (`OPT`, `01-NLS`, `X-User-Agent`,
/// `hue-bridgeid` …: at most 12 in all in the real captures). 32 leaves room for
/// extensions while bounding the work and memory a hostile datagram can cause; it is
/// also the size of the array handed to httparse.
pub const MAX_HEADERS: usize = 32;
/// Longest header value kept, in bytes; longer values are cut to this. LOCATION URLs and
/// SERVER strings in the wild stay under 120 bytes.
pub const MAX_VALUE_LEN: usize = 512;

/// The request method of an SSDP request line.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Method<'a> {
    Notify,
    MSearch,
    /// Any other token (kept, not an error).
    Other(&'a str),
}

impl<'a> Method<'a> {
    fn from_token(t: &'a str) -> Method<'a> {
        if t.eq_ignore_ascii_case("NOTIFY") {
            Method::Notify
        } else if t.eq_ignore_ascii_case("M-SEARCH") {
            Method::MSearch
        } else {
            Method::Other(t)
        }
    }
}

/// The start line.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Start<'a> {
    /// `NOTIFY * HTTP/1.1`, `M-SEARCH * HTTP/1.1` …
    Request { method: Method<'a>, target: &'a str, minor_version: u8 },
    /// `HTTP/1.1 200 OK`
    Response { code: u16, minor_version: u8 },
}

/// One header line: a case-insensitive name and a raw value (surrounding white space
/// removed, at most [`MAX_VALUE_LEN`] bytes).
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Header<'a> {
    pub name: &'a str,
    pub value: &'a [u8],
}

/// A message head as read from the wire.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Message<'a> {
    pub start: Start<'a>,
    /// In wire order, at most [`MAX_HEADERS`].
    pub headers: Vec<Header<'a>>,
    /// Header lines that could not be read (no colon, a bad name, an obsolete folded
    /// continuation line); the others are kept.
    pub skipped_lines: usize,
    /// More than [`MAX_HEADERS`] header lines; the first ones are kept.
    pub too_many_headers: bool,
    /// The datagram ended inside a header line. That line is dropped (its value may be
    /// cut short, e.g. by the capture's snapshot length); the lines before it are kept.
    pub cut: bool,
}

impl<'a> Message<'a> {
    /// The first header called `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
    }
}

/// Reads an SSDP message head. Errors mean the start line is unusable (not HTTP, or cut
/// before its end); problems in header lines are flagged in the [`Message`] instead.
pub fn parse(b: &[u8]) -> Result<Message<'_>, WireError> {
    // httparse skips blank lines before the start line; so do we, to find where it ends.
    let begin = b.iter().position(|&c| c != b'\r' && c != b'\n').unwrap_or(b.len());
    let Some(nl) = b[begin..].iter().position(|&c| c == b'\n').map(|i| begin + i) else {
        return Err(WireError::Truncated { needed: b.len() + 1, got: b.len() });
    };
    let start = start_line(&b[..=nl])?;
    let rest = &b[nl + 1..];
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let headers = match httparse::parse_headers(rest, &mut slots) {
        Ok(httparse::Status::Complete((_, hs))) => {
            hs.iter().map(|h| Header { name: h.name, value: bound(h.value) }).collect()
        }
        // No final blank line, more than MAX_HEADERS lines, or a line httparse will not
        // tokenise: read the lines one by one.
        Ok(httparse::Status::Partial) | Err(_) => return Ok(lenient(start, rest)),
    };
    Ok(Message { start, headers, skipped_lines: 0, too_many_headers: false, cut: false })
}

/// Parses the start line (`line` ends with its `\n`). httparse sets the start-line fields
/// before it looks at headers, so with an empty header array it reports `Partial` once
/// the line is read.
fn start_line(line: &[u8]) -> Result<Start<'_>, WireError> {
    let mut cfg = httparse::ParserConfig::default();
    cfg.allow_multiple_spaces_in_request_line_delimiters(true)
        .allow_multiple_spaces_in_response_status_delimiters(true);
    let trimmed = line.trim_ascii_start();
    if trimmed.len() >= 5 && trimmed[..5].eq_ignore_ascii_case(b"HTTP/") {
        let mut r = httparse::Response::new(&mut []);
        let res = cfg.parse_response(&mut r, line);
        match (res, r.version, r.code) {
            (Ok(_), Some(v), Some(code)) => Ok(Start::Response { code, minor_version: v }),
            (Err(httparse::Error::Version), ..) => Err(WireError::Invalid("SSDP HTTP version")),
            _ => Err(WireError::Invalid("SSDP status line")),
        }
    } else {
        let mut r = httparse::Request::new(&mut []);
        let res = cfg.parse_request(&mut r, line);
        match (res, r.method, r.path, r.version) {
            (Ok(_), Some(m), Some(target), Some(v)) => {
                Ok(Start::Request { method: Method::from_token(m), target, minor_version: v })
            }
            (Err(httparse::Error::Version), ..) => Err(WireError::Invalid("SSDP HTTP version")),
            _ => Err(WireError::Invalid("SSDP request line")),
        }
    }
}

fn bound(v: &[u8]) -> &[u8] {
    &v[..v.len().min(MAX_VALUE_LEN)]
}

/// An RFC 9110 token character (header names).
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// Reads header lines one by one, keeping what it can.
fn lenient<'a>(start: Start<'a>, mut rest: &'a [u8]) -> Message<'a> {
    let mut m = Message { start, headers: Vec::new(), skipped_lines: 0, too_many_headers: false, cut: false };
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&c| c == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => {
                m.cut = true;
                break;
            }
        };
        rest = next;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break; // end of the head
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            m.skipped_lines += 1;
            continue;
        };
        // A folded continuation line starts with white space; a space before the colon
        // is tolerated (real stacks send `NT : …`).
        let name = line[..colon].trim_ascii_end();
        let name = match std::str::from_utf8(name) {
            Ok(n) if !n.is_empty() && n.bytes().all(is_tchar) => n,
            _ => {
                m.skipped_lines += 1;
                continue;
            }
        };
        if m.headers.len() == MAX_HEADERS {
            m.too_many_headers = true;
            break;
        }
        m.headers.push(Header { name, value: bound(line[colon + 1..].trim_ascii()) });
    }
    m
}

/// `NTS` of a `NOTIFY`.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Nts<'a> {
    Alive,
    ByeBye,
    Update,
    Other(&'a [u8]),
}

impl<'a> Nts<'a> {
    pub fn from_value(v: &'a [u8]) -> Nts<'a> {
        if v.eq_ignore_ascii_case(b"ssdp:alive") {
            Nts::Alive
        } else if v.eq_ignore_ascii_case(b"ssdp:byebye") {
            Nts::ByeBye
        } else if v.eq_ignore_ascii_case(b"ssdp:update") {
            Nts::Update
        } else {
            Nts::Other(v)
        }
    }
}

/// The headers SSDP defines, raw where the value is free-form.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct SsdpRepr<'a> {
    pub host: Option<&'a [u8]>,
    pub location: Option<&'a [u8]>,
    pub server: Option<&'a [u8]>,
    pub usn: Option<&'a [u8]>,
    /// Notification type (NOTIFY).
    pub nt: Option<&'a [u8]>,
    pub nts: Option<Nts<'a>>,
    /// Search target (M-SEARCH and its responses).
    pub st: Option<&'a [u8]>,
    pub man: Option<&'a [u8]>,
    /// Seconds a searcher lets devices wait before answering.
    pub mx: Option<u32>,
    pub user_agent: Option<&'a [u8]>,
    pub cache_control: Option<&'a [u8]>,
    /// `max-age` from CACHE-CONTROL, when it holds one.
    pub max_age: Option<u32>,
    pub bootid: Option<u32>,
    /// The new boot id announced by `ssdp:update`.
    pub next_bootid: Option<u32>,
    pub configid: Option<u32>,
}

impl<'a> SsdpRepr<'a> {
    pub fn parse(m: &Message<'a>) -> SsdpRepr<'a> {
        let cache_control = m.get("CACHE-CONTROL");
        SsdpRepr {
            host: m.get("HOST"),
            location: m.get("LOCATION"),
            server: m.get("SERVER"),
            usn: m.get("USN"),
            nt: m.get("NT"),
            nts: m.get("NTS").map(Nts::from_value),
            st: m.get("ST"),
            man: m.get("MAN"),
            mx: m.get("MX").and_then(number),
            user_agent: m.get("USER-AGENT"),
            cache_control,
            max_age: cache_control.and_then(max_age),
            bootid: m.get("BOOTID.UPNP.ORG").and_then(number),
            next_bootid: m.get("NEXTBOOTID.UPNP.ORG").and_then(number),
            configid: m.get("CONFIGID.UPNP.ORG").and_then(number),
        }
    }
}

/// A decimal number that fits a u32.
fn number(v: &[u8]) -> Option<u32> {
    std::str::from_utf8(v).ok()?.trim().parse().ok()
}

/// `max-age = N` among the CACHE-CONTROL directives (`max-age=1800`, `no-cache="Ext", max-age = 5000`).
fn max_age(v: &[u8]) -> Option<u32> {
    v.split(|&c| c == b',').find_map(|d| {
        let (k, val) = d.split_at(d.iter().position(|&c| c == b'=')?);
        if k.trim_ascii().eq_ignore_ascii_case(b"max-age") { number(val[1..].trim_ascii()) } else { None }
    })
}

/// The device part of a USN: the UUID after `uuid:` and before `::`, e.g.
/// `uuid:8c15e41f-…-0DB393380D24::upnp:rootdevice` → `8c15e41f-…-0DB393380D24`.
pub fn usn_uuid(usn: &[u8]) -> Option<&[u8]> {
    let rest = usn.get(..5).filter(|p| p.eq_ignore_ascii_case(b"uuid:")).map(|_| &usn[5..])?;
    let end = rest.windows(2).position(|w| w == b"::").unwrap_or(rest.len());
    Some(&rest[..end]).filter(|u| !u.is_empty())
}

/// The host and port of an `http://` or `https://` URL (port defaulted from the scheme).
/// The host is an IP literal (brackets removed for IPv6) or a name, as written.
pub fn url_host_port(url: &[u8]) -> Option<(&[u8], u16)> {
    let lower_starts = |p: &[u8]| url.len() >= p.len() && url[..p.len()].eq_ignore_ascii_case(p);
    let (rest, default) = if lower_starts(b"http://") {
        (&url[7..], 80)
    } else if lower_starts(b"https://") {
        (&url[8..], 443)
    } else {
        return None;
    };
    let auth_end = rest.iter().position(|&c| matches!(c, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    let auth = &rest[..auth_end];
    let auth = auth.iter().rposition(|&c| c == b'@').map_or(auth, |i| &auth[i + 1..]);
    let (host, port) = if let Some(v6) = auth.strip_prefix(b"[") {
        let close = v6.iter().position(|&c| c == b']')?;
        (&v6[..close], v6[close + 1..].strip_prefix(b":"))
    } else {
        match auth.iter().rposition(|&c| c == b':') {
            Some(i) => (&auth[..i], Some(&auth[i + 1..])),
            None => (auth, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        None | Some([]) => default,
        Some(p) => std::str::from_utf8(p).ok()?.parse().ok()?,
    };
    Some((host, port))
}

/// Whether `ip` is one of the SSDP multicast groups (239.255.255.250, FF0X::C).
pub fn is_ssdp_group(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a == MULTICAST_V4,
        IpAddr::V6(a) => {
            let s = a.segments();
            s[0] & 0xfff0 == 0xff00 && s[1..7] == [0; 6] && s[7] == 0xc
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TP-Link TL-XDR6030 announcement, verbatim from suricata-verify
    /// tests/http-multiple100/otherhtp.pcap (SERVER holds the UTF-8 for 易展版).
    const XDR6030_NOTIFY: &[u8] = b"NOTIFY * HTTP/1.1\r\n\
HOST: 239.255.255.250:1900\r\n\
CACHE-CONTROL: max-age=60\r\n\
LOCATION: http://10.25.16.5:1900/igd.xml\r\n\
NT: upnp:rootdevice\r\n\
NTS: ssdp:alive\r\n\
SERVER: vxWorks/5.5 UPnP/1.0 TL-XDR6030\xe6\x98\x93\xe5\xb1\x95\xe7\x89\x88/2.0\r\n\
USN: uuid:8c15e41f-3d83-41c1-b35d-0DB393380D24::upnp:rootdevice\r\n\
\r\n";

    /// The same router as a GBK stack would send it (易展版 = d2d7 d5b9 b0e6): invalid
    /// UTF-8, LF-only line ends, lower-case names, no final blank line.
    const GBK_LF_NOTIFY: &[u8] = b"NOTIFY * HTTP/1.1\n\
host: 239.255.255.250:1900\n\
location: http://192.168.0.1:1900/igd.xml\n\
nt: urn:schemas-upnp-org:device:InternetGatewayDevice:1\n\
nts: ssdp:alive\n\
server: vxWorks/5.5 UPnP/1.0 TL-XDR6030\xd2\xd7\xd5\xb9\xb0\xe6/2.0\n\
usn: uuid:8c15e41f-3d83-41c1-b35d-0DB393380D24::urn:schemas-upnp-org:device:InternetGatewayDevice:1\n";

    /// UDA 1.1 `ssdp:update` (MiniUPnPd style).
    const UPDATE: &[u8] = b"NOTIFY * HTTP/1.1\r\n\
HOST: 239.255.255.250:1900\r\n\
LOCATION: http://192.168.1.1:7406/rootDesc.xml\r\n\
NT: upnp:rootdevice\r\n\
NTS: ssdp:update\r\n\
USN: uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice\r\n\
BOOTID.UPNP.ORG: 7\r\n\
CONFIGID.UPNP.ORG: 1337\r\n\
NEXTBOOTID.UPNP.ORG: 8\r\n\
\r\n";

    /// A search from Chrome (base64-decode-5885).
    const MSEARCH: &[u8] = b"M-SEARCH * HTTP/1.1\r\n\
HOST: 239.255.255.250:1900\r\n\
MAN: \"ssdp:discover\"\r\n\
MX: 1\r\n\
ST: urn:dial-multiscreen-org:service:dial:1\r\n\
USER-AGENT: Google Chrome/86.0.4240.198 Windows\r\n\
\r\n";

    /// A Hue bridge's answer (philips-hue wlan5.0.pcap): empty EXT, vendor header.
    const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\n\
HOST: 239.255.255.250:1900\r\n\
EXT:\r\n\
CACHE-CONTROL: max-age=100\r\n\
LOCATION: http://192.168.1.141:80/description.xml\r\n\
SERVER: Hue/1.0 UPnP/1.0 IpBridge/1.57.0\r\n\
hue-bridgeid: 001788FFFE74C2DC\r\n\
ST: upnp:rootdevice\r\n\
USN: uuid:2f402f80-da50-11e1-9b23-00178874c2dc::upnp:rootdevice\r\n\
\r\n";

    fn notify() -> Start<'static> {
        Start::Request { method: Method::Notify, target: "*", minor_version: 1 }
    }

    #[test]
    fn tplink_notify_every_field() {
        let m = parse(XDR6030_NOTIFY).unwrap();
        assert_eq!(m.start, notify());
        assert_eq!(m.headers.len(), 7);
        assert_eq!((m.skipped_lines, m.too_many_headers, m.cut), (0, false, false));
        let r = SsdpRepr::parse(&m);
        let server: &[u8] = b"vxWorks/5.5 UPnP/1.0 TL-XDR6030\xe6\x98\x93\xe5\xb1\x95\xe7\x89\x88/2.0";
        assert_eq!(
            r,
            SsdpRepr {
                host: Some(b"239.255.255.250:1900"),
                location: Some(b"http://10.25.16.5:1900/igd.xml"),
                server: Some(server),
                usn: Some(b"uuid:8c15e41f-3d83-41c1-b35d-0DB393380D24::upnp:rootdevice"),
                nt: Some(b"upnp:rootdevice"),
                nts: Some(Nts::Alive),
                cache_control: Some(b"max-age=60"),
                max_age: Some(60),
                ..Default::default()
            }
        );
        assert_eq!(usn_uuid(r.usn.unwrap()), Some(&b"8c15e41f-3d83-41c1-b35d-0DB393380D24"[..]));
        assert_eq!(url_host_port(r.location.unwrap()), Some((&b"10.25.16.5"[..], 1900)));
    }

    #[test]
    fn gbk_lf_only_lower_case_unterminated_head() {
        let m = parse(GBK_LF_NOTIFY).unwrap();
        assert_eq!(m.start, notify());
        assert_eq!((m.skipped_lines, m.too_many_headers, m.cut), (0, false, false));
        let r = SsdpRepr::parse(&m);
        assert_eq!(r.server, Some(&b"vxWorks/5.5 UPnP/1.0 TL-XDR6030\xd2\xd7\xd5\xb9\xb0\xe6/2.0"[..]));
        assert_eq!(r.nt, Some(&b"urn:schemas-upnp-org:device:InternetGatewayDevice:1"[..]));
        assert_eq!(r.nts, Some(Nts::Alive));
        assert_eq!(r.location, Some(&b"http://192.168.0.1:1900/igd.xml"[..]));
        assert_eq!(r.host, Some(&b"239.255.255.250:1900"[..]));
        assert!(r.usn.unwrap().ends_with(b"InternetGatewayDevice:1"));
        assert_eq!(r.max_age, None);
    }

    #[test]
    fn update_every_field() {
        let m = parse(UPDATE).unwrap();
        let r = SsdpRepr::parse(&m);
        assert_eq!(
            r,
            SsdpRepr {
                host: Some(b"239.255.255.250:1900"),
                location: Some(b"http://192.168.1.1:7406/rootDesc.xml"),
                usn: Some(b"uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice"),
                nt: Some(b"upnp:rootdevice"),
                nts: Some(Nts::Update),
                bootid: Some(7),
                next_bootid: Some(8),
                configid: Some(1337),
                ..Default::default()
            }
        );
    }

    #[test]
    fn msearch_every_field() {
        let m = parse(MSEARCH).unwrap();
        assert_eq!(m.start, Start::Request { method: Method::MSearch, target: "*", minor_version: 1 });
        let r = SsdpRepr::parse(&m);
        assert_eq!(
            r,
            SsdpRepr {
                host: Some(b"239.255.255.250:1900"),
                man: Some(b"\"ssdp:discover\""),
                mx: Some(1),
                st: Some(b"urn:dial-multiscreen-org:service:dial:1"),
                user_agent: Some(b"Google Chrome/86.0.4240.198 Windows"),
                ..Default::default()
            }
        );
    }

    #[test]
    fn response_every_field() {
        let m = parse(RESPONSE).unwrap();
        assert_eq!(m.start, Start::Response { code: 200, minor_version: 1 });
        assert_eq!(m.get("ext"), Some(&b""[..]));
        assert_eq!(m.get("HUE-BRIDGEID"), Some(&b"001788FFFE74C2DC"[..]));
        let r = SsdpRepr::parse(&m);
        assert_eq!(
            r,
            SsdpRepr {
                host: Some(b"239.255.255.250:1900"),
                location: Some(b"http://192.168.1.141:80/description.xml"),
                server: Some(b"Hue/1.0 UPnP/1.0 IpBridge/1.57.0"),
                usn: Some(b"uuid:2f402f80-da50-11e1-9b23-00178874c2dc::upnp:rootdevice"),
                st: Some(b"upnp:rootdevice"),
                cache_control: Some(b"max-age=100"),
                max_age: Some(100),
                ..Default::default()
            }
        );
    }

    #[test]
    fn byebye_and_other_nts() {
        let m = parse(b"NOTIFY * HTTP/1.1\r\nNTS: SSDP:BYEBYE\r\nNT: upnp:rootdevice\r\n\r\n").unwrap();
        assert_eq!(SsdpRepr::parse(&m).nts, Some(Nts::ByeBye));
        assert_eq!(Nts::from_value(b"ssdp:propchange"), Nts::Other(b"ssdp:propchange"));
    }

    #[test]
    fn blank_lines_before_start_and_body_after_head_are_ignored() {
        let m = parse(b"\r\n\nHTTP/1.1 200 OK\r\nST: x\r\n\r\nbody: no\r\n").unwrap();
        assert_eq!(m.start, Start::Response { code: 200, minor_version: 1 });
        assert_eq!(m.headers, vec![Header { name: "ST", value: b"x" }]);
        // Start line alone, terminated: no headers, nothing cut.
        let m = parse(b"M-SEARCH * HTTP/1.1\r\n").unwrap();
        assert!(m.headers.is_empty() && !m.cut);
    }

    #[test]
    fn bad_lines_are_skipped_and_the_rest_kept() {
        // A request with a space before a colon (httparse refuses it in requests), a line
        // without colon, a control byte in a value, an empty name and a folded line.
        let b = b"NOTIFY * HTTP/1.1\r\nNT : upnp:rootdevice\r\ngarbage\r\nSERVER: a\x01b\r\n: x\r\n  folded\r\nNTS: ssdp:alive\r\n\r\n";
        let m = parse(b).unwrap();
        assert_eq!(m.skipped_lines, 3);
        assert!(!m.cut && !m.too_many_headers);
        let r = SsdpRepr::parse(&m);
        assert_eq!(r.nt, Some(&b"upnp:rootdevice"[..]));
        assert_eq!(r.server, Some(&b"a\x01b"[..]));
        assert_eq!(r.nts, Some(Nts::Alive));
    }

    #[test]
    fn cut_last_line_is_dropped() {
        // A Hue NOTIFY cut by a 150-byte snapshot length (smart-home-firewall lan.pcap).
        let b = b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=100\r\nLOCATION: http://192.168.1.141:80";
        let m = parse(b).unwrap();
        assert!(m.cut);
        assert_eq!(m.get("LOCATION"), None);
        assert_eq!(SsdpRepr::parse(&m).max_age, Some(100));
    }

    #[test]
    fn header_count_limit() {
        let mut b = b"NOTIFY * HTTP/1.1\r\n".to_vec();
        for i in 0..MAX_HEADERS {
            b.extend(format!("X-{i}: {i}\r\n").as_bytes());
        }
        let mut at_limit = b.clone();
        at_limit.extend(b"\r\n");
        let m = parse(&at_limit).unwrap();
        assert_eq!((m.headers.len(), m.too_many_headers), (MAX_HEADERS, false));
        b.extend(b"USN: uuid:late\r\n\r\n");
        let m = parse(&b).unwrap();
        assert_eq!((m.headers.len(), m.too_many_headers), (MAX_HEADERS, true));
        assert_eq!(m.get("USN"), None);
        assert_eq!(m.get("X-0"), Some(&b"0"[..]));
    }

    #[test]
    fn value_length_limit() {
        let long = vec![b'a'; MAX_VALUE_LEN + 100];
        for sep in [&b"\r\n"[..], b"\x01\r\n"] {
            // Both the httparse path and the lenient path (forced by a control byte) cut.
            let mut b = b"HTTP/1.1 200 OK\r\nSERVER: ".to_vec();
            b.extend(&long);
            b.extend(sep);
            b.extend(b"\r\n");
            let m = parse(&b).unwrap();
            assert_eq!(m.get("server").unwrap().len(), MAX_VALUE_LEN);
        }
    }

    #[test]
    fn start_line_errors() {
        assert!(matches!(parse(b""), Err(WireError::Truncated { .. })));
        assert!(matches!(parse(b"NOTIFY * HTTP/1.1"), Err(WireError::Truncated { .. })));
        assert_eq!(parse(b"NOTIFY * HTTP/2.0\r\n\r\n"), Err(WireError::Invalid("SSDP HTTP version")));
        assert_eq!(parse(b"HTTP/1.1 2x0 OK\r\n\r\n"), Err(WireError::Invalid("SSDP status line")));
        assert_eq!(parse(b"\x16\x03\x01 hello\n"), Err(WireError::Invalid("SSDP request line")));
        assert_eq!(parse(b"NOTIFY\r\n"), Err(WireError::Invalid("SSDP request line")));
        let m = parse(b"SUBSCRIBE  /x  HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!(m.start, Start::Request { method: Method::Other("SUBSCRIBE"), target: "/x", minor_version: 0 });
    }

    #[test]
    fn numbers_and_directives() {
        assert_eq!(max_age(b"no-cache=\"Ext\", max-age = 5000"), Some(5000));
        assert_eq!(max_age(b"MAX-AGE=1800"), Some(1800));
        assert_eq!(max_age(b"max-age"), None);
        assert_eq!(max_age(b"max-age=-1"), None);
        assert_eq!(number(b"99999999999"), None);
    }

    #[test]
    fn usn_and_url_pieces() {
        assert_eq!(usn_uuid(b"uuid:abc"), Some(&b"abc"[..]));
        assert_eq!(usn_uuid(b"UUID:abc::urn:x"), Some(&b"abc"[..]));
        assert_eq!(usn_uuid(b"unique:id"), None);
        assert_eq!(usn_uuid(b"uuid:"), None);
        assert_eq!(url_host_port(b"http://192.168.0.1/HNAP1/"), Some((&b"192.168.0.1"[..], 80)));
        assert_eq!(url_host_port(b"HTTPS://[fe80::1]:8443/d.xml"), Some((&b"fe80::1"[..], 8443)));
        assert_eq!(url_host_port(b"http://[fe80::1]/d.xml"), Some((&b"fe80::1"[..], 80)));
        assert_eq!(url_host_port(b"http://u:p@host:81"), Some((&b"host"[..], 81)));
        assert_eq!(url_host_port(b"http://host:/x"), Some((&b"host"[..], 80)));
        assert_eq!(url_host_port(b"http://host:99999/"), None);
        assert_eq!(url_host_port(b"http://[::1/"), None);
        assert_eq!(url_host_port(b"http:///x"), None);
        assert_eq!(url_host_port(b"ftp://host/"), None);
    }

    /// Every prefix of every fixture, and every fixture with each byte replaced by a few
    /// troublesome values, parses or fails without panicking; the pieces stay bounded.
    #[test]
    fn prefixes_and_byte_flips_never_panic() {
        for f in [XDR6030_NOTIFY, GBK_LF_NOTIFY, UPDATE, MSEARCH, RESPONSE] {
            let check = |b: &[u8]| {
                if let Ok(m) = parse(b) {
                    assert!(m.headers.len() <= MAX_HEADERS);
                    assert!(m.headers.iter().all(|h| h.value.len() <= MAX_VALUE_LEN));
                    let r = SsdpRepr::parse(&m);
                    let _ = r.usn.map(usn_uuid);
                    let _ = r.location.map(url_host_port);
                }
            };
            for n in 0..=f.len() {
                check(&f[..n]);
            }
            for i in 0..f.len() {
                for v in [0u8, b'\r', b'\n', b':', b' ', b'[', 0xff] {
                    let mut b = f.to_vec();
                    b[i] = v;
                    check(&b);
                }
            }
        }
    }

    proptest::proptest! {
        /// Arbitrary bytes after a valid start line (so the header readers are reached).
        #[test]
        fn arbitrary_heads_never_panic(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let mut b = b"NOTIFY * HTTP/1.1\r\n".to_vec();
            b.extend(&tail);
            let m = parse(&b).unwrap();
            proptest::prop_assert!(m.headers.len() <= MAX_HEADERS);
            let r = SsdpRepr::parse(&m);
            let _ = r.location.map(url_host_port);
            let _ = parse(&tail);
        }
    }

    #[test]
    fn groups() {
        assert!(is_ssdp_group(IpAddr::V4(MULTICAST_V4)));
        assert!(is_ssdp_group(IpAddr::V6(MULTICAST_V6_LINK)));
        assert!(is_ssdp_group(IpAddr::V6(MULTICAST_V6_SITE)));
        assert!(is_ssdp_group("ff0e::c".parse().unwrap()));
        assert!(!is_ssdp_group("ff02::fb".parse().unwrap()));
        assert!(!is_ssdp_group("224.0.0.251".parse().unwrap()));
    }
}
