//! DHCPv4 / BOOTP (RFC 2131, 2132; long options RFC 3396; option overload, option 52).
//!
//! The fixed header is validated here before anything else reads it (dhcproto's
//! `chaddr()` panics when `hlen` exceeds 16, and its owned decoder skips the magic-cookie
//! check). Fixed fields are then read through dhcproto's zero-copy `borrowed::Message`,
//! and message types and opcodes are dhcproto's enums. Options are walked here rather
//! than with dhcproto's iterator because that iterator ends silently on a truncated
//! option, and a malformed option must be counted while the options before it are kept.

use std::net::Ipv4Addr;

use dhcproto::v4::borrowed::Message;
pub use dhcproto::v4::{MessageType, Opcode};

use super::WireError;
use crate::mac::MacAddr;

mod field {
    pub const HTYPE: usize = 1;
    pub const HLEN: usize = 2;
    pub const SNAME: core::ops::Range<usize> = 44..108;
    pub const FILE: core::ops::Range<usize> = 108..236;
    pub const COOKIE: core::ops::Range<usize> = 236..240;
    pub const OPTIONS: usize = 240;
}

pub const SERVER_PORT: u16 = 67;
pub const CLIENT_PORT: u16 = 68;
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// Longest `chaddr` the header can hold.
const MAX_HLEN: u8 = 16;
/// Longest option value kept after RFC 3396 concatenation.
pub const MAX_OPTION_LEN: usize = 1024;
/// Distinct options remembered in order for the fingerprint.
pub const MAX_OPTIONS: usize = 64;

pub mod code {
    pub const PAD: u8 = 0;
    pub const HOSTNAME: u8 = 12;
    pub const REQUESTED_IP: u8 = 50;
    pub const OVERLOAD: u8 = 52;
    pub const MESSAGE_TYPE: u8 = 53;
    pub const SERVER_ID: u8 = 54;
    pub const PARAM_REQUEST_LIST: u8 = 55;
    pub const VENDOR_CLASS: u8 = 60;
    pub const CLIENT_ID: u8 = 61;
    pub const CLIENT_FQDN: u8 = 81;
    pub const END: u8 = 255;
}

/// A decoded DHCPv4 message: the fields and options quietwire uses, raw where the wire
/// format is free-form bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpRepr {
    pub op: u8,
    pub htype: u8,
    pub chaddr: Vec<u8>,
    pub xid: u32,
    pub ciaddr: Ipv4Addr,
    pub yiaddr: Ipv4Addr,
    pub siaddr: Ipv4Addr,
    pub giaddr: Ipv4Addr,
    pub message_type: Option<u8>,
    pub hostname: Option<Vec<u8>>,
    pub requested_ip: Option<Ipv4Addr>,
    pub server_id: Option<Ipv4Addr>,
    pub param_request_list: Option<Vec<u8>>,
    pub vendor_class: Option<Vec<u8>>,
    pub client_id: Option<Vec<u8>>,
    /// Option 81: the domain name, decoded from wire format when the E flag says so.
    pub client_fqdn: Option<Vec<u8>>,
    /// Option codes in the order they first appear (a client fingerprint).
    pub option_order: Vec<u8>,
    /// An option ran past the end of its area, or a value had an impossible length;
    /// everything decoded before it is kept.
    pub malformed_option: bool,
}

impl Default for DhcpRepr {
    fn default() -> Self {
        let zero = Ipv4Addr::UNSPECIFIED;
        DhcpRepr {
            op: 0,
            htype: 0,
            chaddr: Vec::new(),
            xid: 0,
            ciaddr: zero,
            yiaddr: zero,
            siaddr: zero,
            giaddr: zero,
            message_type: None,
            hostname: None,
            requested_ip: None,
            server_id: None,
            param_request_list: None,
            vendor_class: None,
            client_id: None,
            client_fqdn: None,
            option_order: Vec::new(),
            malformed_option: false,
        }
    }
}

impl DhcpRepr {
    pub fn opcode(&self) -> Opcode {
        Opcode::from(self.op)
    }
    pub fn message_type(&self) -> Option<MessageType> {
        self.message_type.map(MessageType::from)
    }
    /// The client's Ethernet address, when the hardware type says Ethernet.
    pub fn client_mac(&self) -> Option<MacAddr> {
        if self.htype == 1 && self.chaddr.len() == 6 { MacAddr::from_slice(&self.chaddr) } else { None }
    }
}

/// Accumulates options from one or more areas (options, then file, then sname).
struct Options<'r> {
    repr: &'r mut DhcpRepr,
    overload: u8,
}

impl Options<'_> {
    fn walk(&mut self, area: &[u8]) {
        let mut i = 0;
        while i < area.len() {
            let c = area[i];
            match c {
                code::PAD => {
                    i += 1;
                    continue;
                }
                code::END => return,
                _ => {}
            }
            let Some(&len) = area.get(i + 1) else {
                self.repr.malformed_option = true;
                return;
            };
            let Some(value) = area.get(i + 2..i + 2 + len as usize) else {
                self.repr.malformed_option = true;
                return;
            };
            self.take(c, value);
            i += 2 + len as usize;
        }
    }

    fn take(&mut self, c: u8, value: &[u8]) {
        let r = &mut *self.repr;
        if !r.option_order.contains(&c) && r.option_order.len() < MAX_OPTIONS {
            r.option_order.push(c);
        }
        // RFC 3396: repeated instances of an option are concatenated.
        let append = |slot: &mut Option<Vec<u8>>| {
            let v = slot.get_or_insert_with(Vec::new);
            let room = MAX_OPTION_LEN.saturating_sub(v.len());
            v.extend_from_slice(&value[..value.len().min(room)]);
        };
        let ipv4 = |v: &[u8]| <[u8; 4]>::try_from(v).ok().map(Ipv4Addr::from);
        match c {
            code::HOSTNAME => append(&mut r.hostname),
            code::VENDOR_CLASS => append(&mut r.vendor_class),
            code::CLIENT_ID => append(&mut r.client_id),
            code::PARAM_REQUEST_LIST => append(&mut r.param_request_list),
            code::CLIENT_FQDN => match decode_fqdn(value) {
                Some(name) => r.client_fqdn = Some(name),
                None => r.malformed_option = true,
            },
            code::MESSAGE_TYPE => match value {
                [t] => r.message_type = Some(*t),
                _ => r.malformed_option = true,
            },
            code::REQUESTED_IP | code::SERVER_ID => match ipv4(value) {
                Some(a) if c == code::REQUESTED_IP => r.requested_ip = Some(a),
                Some(a) => r.server_id = Some(a),
                None => r.malformed_option = true,
            },
            code::OVERLOAD => match value {
                [v @ 1..=3] => self.overload = *v,
                _ => r.malformed_option = true,
            },
            _ => {}
        }
    }
}

/// Option 81 (RFC 4702): flags, two obsolete rcodes, then the name; with the E flag set
/// the name is in DNS wire format (uncompressed labels), otherwise ASCII.
fn decode_fqdn(v: &[u8]) -> Option<Vec<u8>> {
    let (&flags, rest) = v.split_first()?;
    let name = rest.get(2..)?;
    if flags & 0x04 == 0 {
        return Some(name.to_vec());
    }
    let mut out = Vec::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        let len = name[i] as usize;
        if len == 0 {
            break;
        }
        if len > 63 {
            return None;
        }
        let label = name.get(i + 1..i + 1 + len)?;
        if !out.is_empty() {
            out.push(b'.');
        }
        out.extend_from_slice(label);
        i += 1 + len;
    }
    Some(out)
}

/// Parses a DHCPv4 message. Errors mean the fixed header itself is unusable; a bad
/// option only sets `malformed_option`.
pub fn parse(b: &[u8]) -> Result<DhcpRepr, WireError> {
    super::need(b, field::OPTIONS)?;
    if b[field::HLEN] > MAX_HLEN {
        return Err(WireError::Invalid("DHCP hardware address length"));
    }
    if b[field::COOKIE] != MAGIC_COOKIE {
        return Err(WireError::Invalid("DHCP magic cookie"));
    }
    let m = Message::new(b).map_err(|_| WireError::Truncated { needed: field::OPTIONS, got: b.len() })?;
    let mut repr = DhcpRepr {
        op: b[0],
        htype: b[field::HTYPE],
        chaddr: m.chaddr().to_vec(),
        xid: m.xid(),
        ciaddr: m.ciaddr(),
        yiaddr: m.yiaddr(),
        siaddr: m.siaddr(),
        giaddr: m.giaddr(),
        ..DhcpRepr::default()
    };
    let mut opts = Options { repr: &mut repr, overload: 0 };
    opts.walk(&b[field::OPTIONS..]);
    // Option 52: 1 = options continue in `file`, 2 = in `sname`, 3 = both (file first).
    let overload = opts.overload;
    if overload & 1 != 0 {
        opts.walk(&b[field::FILE]);
    }
    if overload & 2 != 0 {
        opts.walk(&b[field::SNAME]);
    }
    Ok(repr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DHCPREQUEST from 50:c7:bf:00:c7:03 (Kasa HS110 style): hostname, requested IP,
    /// vendor class, client id, PRL, a long hostname split over two option 12 instances.
    pub(crate) fn request_fixture() -> Vec<u8> {
        let mut b = vec![0u8; 240];
        b[0] = 1; // BOOTREQUEST
        b[1] = 1; // Ethernet
        b[2] = 6;
        b[4..8].copy_from_slice(&0xdead_beefu32.to_be_bytes());
        b[28..34].copy_from_slice(&[0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
        b[236..240].copy_from_slice(&MAGIC_COOKIE);
        b.extend([53, 1, 3]);
        b.extend([50, 4, 192, 168, 0, 20]);
        b.extend([12, 4]);
        b.extend(b"HS11");
        b.extend([12, 5]);
        b.extend(b"0(EU)");
        b.extend([60, 16]);
        b.extend(b"udhcp 0.9.9-pre\0");
        b.extend([61, 7, 1, 0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
        b.extend([55, 6, 1, 3, 6, 12, 15, 28]);
        b.extend([81, 3 + 13, 0x04, 0, 0, 5]);
        b.extend(b"hs110");
        b.extend([5]);
        b.extend(b"local");
        b.push(0);
        b.extend([255, 0, 0, 0]);
        b
    }

    #[test]
    fn request_fields() {
        let r = parse(&request_fixture()).unwrap();
        assert_eq!(r.opcode(), Opcode::BootRequest);
        assert_eq!(r.message_type(), Some(MessageType::Request));
        assert_eq!(r.client_mac().unwrap().to_string(), "50:c7:bf:00:c7:03");
        assert_eq!(r.xid, 0xdead_beef);
        assert_eq!(r.hostname.as_deref(), Some(&b"HS110(EU)"[..]));
        assert_eq!(r.requested_ip, Some(Ipv4Addr::new(192, 168, 0, 20)));
        assert_eq!(r.vendor_class.as_deref(), Some(&b"udhcp 0.9.9-pre\0"[..]));
        assert_eq!(r.client_id.as_deref(), Some(&[1, 0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03][..]));
        assert_eq!(r.param_request_list.as_deref(), Some(&[1, 3, 6, 12, 15, 28][..]));
        assert_eq!(r.client_fqdn.as_deref(), Some(&b"hs110.local"[..]));
        assert_eq!(r.option_order, vec![53, 50, 12, 60, 61, 55, 81]);
        assert!(!r.malformed_option);
    }

    #[test]
    fn header_guards() {
        let mut b = request_fixture();
        b[2] = 0xda; // dhcproto's chaddr() would panic on this
        assert_eq!(parse(&b).unwrap_err(), WireError::Invalid("DHCP hardware address length"));
        let mut b = request_fixture();
        b[236] = 0;
        assert_eq!(parse(&b).unwrap_err(), WireError::Invalid("DHCP magic cookie"));
        assert!(matches!(parse(&request_fixture()[..239]), Err(WireError::Truncated { .. })));
    }

    #[test]
    fn truncated_option_keeps_earlier_ones() {
        let mut b = request_fixture();
        b.truncate(240 + 3 + 6 + 2 + 4 + 2); // ends inside the second hostname part
        let r = parse(&b).unwrap();
        assert!(r.malformed_option);
        assert_eq!(r.message_type(), Some(MessageType::Request));
        assert_eq!(r.hostname.as_deref(), Some(&b"HS11"[..]));
    }

    #[test]
    fn overloaded_options_are_read_from_file_and_sname() {
        let mut b = request_fixture();
        b.truncate(240);
        b.extend([53, 1, 1, 52, 1, 3, 255]);
        b[108..114].copy_from_slice(&[12, 3, b'a', b'b', b'c', 255]);
        b[44..50].copy_from_slice(&[60, 3, b'x', b'y', b'z', 255]);
        let r = parse(&b).unwrap();
        assert_eq!(r.hostname.as_deref(), Some(&b"abc"[..]));
        assert_eq!(r.vendor_class.as_deref(), Some(&b"xyz"[..]));
        assert_eq!(r.message_type(), Some(MessageType::Discover));
    }

    #[test]
    fn bad_option_values_are_flagged() {
        let mut b = request_fixture();
        b.truncate(240);
        b.extend([54, 3, 1, 2, 3, 81, 1, 4, 255]);
        let r = parse(&b).unwrap();
        assert!(r.malformed_option);
        assert_eq!(r.server_id, None);
        assert_eq!(decode_fqdn(&[4, 0, 0, 70]), None);
        assert_eq!(decode_fqdn(&[0, 0, 0, b'a']), Some(b"a".to_vec()));
    }
}
