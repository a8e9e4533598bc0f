//! TP-Link discovery protocol (TDP) on UDP 20002/20004, and (in [`tddp`]) the TP-Link
//! Device Debug Protocol on UDP 1040.
//!
//! TDP: a 16-byte header `>BBHHBBII` (version, message type, op code, message size,
//! flags, padding, serial, checksum), then `message size` bytes of body. The Tapo/Kasa
//! "SMART." devices and their app use version 2: the checksum is a CRC-32 (zlib's)
//! over the whole message computed while the checksum field holds [`CHECKSUM_SEED`],
//! and the body is JSON, plaintext in replies (python-kasa `kasa/discover.py`; checked
//! on every probe and reply of the Tapo captures in the corpus). The `tdpServer`/`tddpd`
//! of China-market WR/WDR routers uses version 1 with the same seed but a 32-bit
//! big-endian word sum as checksum and TLVs as body (77clearlove/TP-LINK-POC_2).

use serde_json::Value;

use super::kasa::{parse_json, scalar};
use super::{WireError, be16, need};

pub const PORT: u16 = 20002;
/// The second discovery port python-kasa probes.
pub const PORT_ALT: u16 = 20004;
/// Held by the checksum field while the checksum is computed.
pub const CHECKSUM_SEED: u32 = 0x5A6B_7C8D;
/// Longest JSON body decoded. The largest body seen (a Tapo C200 reply carrying an
/// RSA-wrapped key) is 1,243 bytes, and python-kasa's discovery fixtures stay under
/// 2 KiB; the 16-bit size field would allow 64 KiB.
pub const MAX_JSON_LEN: usize = 8 * 1024;
/// Deepest nesting accepted in a body (replies nest 3 levels: `result` →
/// `mgt_encrypt_schm` → value).
pub const MAX_JSON_DEPTH: usize = 8;

mod field {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const MSG_TYPE: usize = 1;
    pub const OP_CODE: usize = 2;
    pub const MSG_SIZE: usize = 4;
    pub const FLAGS: usize = 6;
    pub const PAD: usize = 7;
    pub const SERIAL: Range<usize> = 8..12;
    pub const CHECKSUM: Range<usize> = 12..16;
    pub const BODY: usize = 16;
}

pub const HEADER_LEN: usize = field::BODY;

/// Header versions and what their checksum and body are.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Version {
    /// Routers' `tdpServer`: word-sum checksum, TLV body.
    V1,
    /// Tapo/Kasa discovery: CRC-32 checksum, JSON body.
    V2,
}

impl Version {
    fn from_byte(b: u8) -> Option<Version> {
        match b {
            1 => Some(Version::V1),
            2 => Some(Version::V2),
            _ => None,
        }
    }
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Header {
    pub version: Version,
    pub msg_type: u8,
    pub op_code: u16,
    pub msg_size: u16,
    pub flags: u8,
    pub pad: u8,
    pub serial: u32,
    pub checksum: u32,
}

/// A TDP message: its header, whether the checksum verified, and the body.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct TdpRepr<'a> {
    pub header: Header,
    pub checksum_ok: bool,
    /// Exactly `msg_size` bytes (bytes after them are ignored).
    pub body: &'a [u8],
}

/// Whether a payload has a TDP header (16 bytes, version 1 or 2). Port 20002 is not
/// TP-Link's alone; anything else there is not TDP.
pub fn is_tdp(b: &[u8]) -> bool {
    b.len() >= HEADER_LEN && Version::from_byte(b[field::VERSION]).is_some()
}

const fn crc32_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static CRC32_TABLE: [u32; 256] = crc32_table();

/// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`) over the concatenation of `parts`.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = !0u32;
    for part in parts {
        for &b in *part {
            c = CRC32_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
        }
    }
    !c
}

/// Wrapping sum of the big-endian 32-bit words of the concatenation of `parts`; a
/// trailing partial word is not summed.
fn word_sum(parts: &[&[u8]]) -> u32 {
    let mut bytes = parts.iter().flat_map(|p| p.iter().copied());
    let mut sum = 0u32;
    loop {
        let mut w = [0u8; 4];
        for slot in w.iter_mut() {
            match bytes.next() {
                Some(b) => *slot = b,
                None => return sum,
            }
        }
        sum = sum.wrapping_add(u32::from_be_bytes(w));
    }
}

/// The checksum a message should carry (`head` = its first 12 bytes).
pub fn checksum(version: Version, head: &[u8], body: &[u8]) -> u32 {
    let seed = CHECKSUM_SEED.to_be_bytes();
    match version {
        Version::V1 => word_sum(&[head, &seed, body]),
        Version::V2 => crc32(&[head, &seed, body]),
    }
}

/// Parses a TDP message. A body shorter than the size field says is an error.
pub fn parse(b: &[u8]) -> Result<TdpRepr<'_>, WireError> {
    need(b, HEADER_LEN)?;
    let version = Version::from_byte(b[field::VERSION]).ok_or(WireError::Invalid("TDP version"))?;
    let be32 =
        |r: core::ops::Range<usize>| u32::from_be_bytes([b[r.start], b[r.start + 1], b[r.start + 2], b[r.start + 3]]);
    let header = Header {
        version,
        msg_type: b[field::MSG_TYPE],
        op_code: be16(b, field::OP_CODE),
        msg_size: be16(b, field::MSG_SIZE),
        flags: b[field::FLAGS],
        pad: b[field::PAD],
        serial: be32(field::SERIAL),
        checksum: be32(field::CHECKSUM),
    };
    let end = HEADER_LEN + header.msg_size as usize;
    need(b, end)?;
    let body = &b[HEADER_LEN..end];
    let checksum_ok = checksum(version, &b[..field::CHECKSUM.start], body) == header.checksum;
    Ok(TdpRepr { header, checksum_ok, body })
}

/// What a version-2 reply says about its sender (`result` object). Values are as sent.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct DeviceInfo {
    /// e.g. `SMART.TAPOPLUG`, `SMART.IPCAMERA`.
    pub device_type: Option<String>,
    /// e.g. `P110(FR)`, `C200`.
    pub device_model: Option<String>,
    /// Cameras: `Tapo camera`.
    pub device_name: Option<String>,
    /// `9C-53-22-A2-56-35`, unparsed.
    pub mac: Option<String>,
    pub ip: Option<String>,
    pub firmware_version: Option<String>,
    pub hardware_version: Option<String>,
    pub device_id: Option<String>,
    /// A hash of the owning cloud account.
    pub owner: Option<String>,
    pub obd_src: Option<String>,
    /// `mgt_encrypt_schm.encrypt_type` (`KLAP`, `AES`), or the camera's top-level
    /// `encrypt_type` list joined with commas.
    pub encrypt_type: Option<String>,
    pub http_port: Option<String>,
    pub factory_default: Option<String>,
}

/// Decodes a version-2 body. `Ok(None)` when it is not a reply (a probe's `params`).
pub fn parse_reply(body: &[u8]) -> Result<Option<DeviceInfo>, WireError> {
    if body.is_empty() {
        return Ok(None);
    }
    let doc = parse_json(body, MAX_JSON_LEN, MAX_JSON_DEPTH)?;
    let Some(Value::Object(r)) = doc.get("result") else { return Ok(None) };
    let get = |k: &str| scalar(r.get(k));
    let schm = r.get("mgt_encrypt_schm");
    let list = |v: Option<&Value>| match v {
        Some(Value::Array(a)) => {
            let items: Vec<String> = a.iter().filter_map(|x| scalar(Some(x))).collect();
            Some(items.join(",")).filter(|s| !s.is_empty())
        }
        other => scalar(other),
    };
    Ok(Some(DeviceInfo {
        device_type: get("device_type"),
        device_model: get("device_model"),
        device_name: get("device_name"),
        mac: get("mac"),
        ip: get("ip"),
        firmware_version: get("firmware_version"),
        hardware_version: get("hardware_version"),
        device_id: get("device_id"),
        owner: get("owner"),
        obd_src: get("obd_src"),
        encrypt_type: scalar(schm.and_then(|s| s.get("encrypt_type"))).or_else(|| list(r.get("encrypt_type"))),
        http_port: scalar(schm.and_then(|s| s.get("http_port"))),
        factory_default: get("factory_default"),
    }))
}

/// TDDP, the TP-Link Device Debug Protocol (patent CN102096654A; softScheck
/// `tddp-client`; M. Garrett's SR20 write-up): requests to UDP 1040, replies to the
/// client's UDP 61000. Header: version (1 = plain, 2 = DES-ECB payload), type, code
/// (1 request, 2 reply), reply info/status, payload length (32-bit), packet id
/// (16-bit), subtype, reserved; version 2 then carries a 16-byte MD5 digest. The payload
/// is not decoded (version 2 needs the device's credentials).
pub mod tddp {
    use super::super::{WireError, be16, need};

    pub const PORT: u16 = 1040;
    /// Where replies go (the client's port).
    pub const REPLY_PORT: u16 = 61000;

    mod field {
        use core::ops::Range;
        pub const VERSION: usize = 0;
        pub const TYPE: usize = 1;
        pub const CODE: usize = 2;
        pub const REPLY: usize = 3;
        pub const LENGTH: Range<usize> = 4..8;
        pub const ID: usize = 8;
        pub const SUBTYPE: usize = 10;
        pub const RESERVED: usize = 11;
        pub const DIGEST: Range<usize> = 12..28;
    }

    /// Header length of version 1 (no digest).
    pub const V1_HEADER_LEN: usize = field::DIGEST.start;
    /// Header length of version 2.
    pub const V2_HEADER_LEN: usize = field::DIGEST.end;

    #[derive(Copy, Clone, Debug, Eq, PartialEq)]
    pub enum Code {
        Request,
        Reply,
        Unknown(u8),
    }

    impl From<u8> for Code {
        fn from(v: u8) -> Self {
            match v {
                1 => Code::Request,
                2 => Code::Reply,
                o => Code::Unknown(o),
            }
        }
    }

    #[derive(Copy, Clone, Debug, Eq, PartialEq)]
    pub struct TddpRepr {
        /// 1 (plain) or 2 (DES).
        pub version: u8,
        /// Command type (e.g. 0x03 special command, 0x31 factory-test config).
        pub kind: u8,
        pub code: Code,
        pub reply_info: u8,
        /// The payload length field (version 1 senders often leave it 0).
        pub length: u32,
        pub id: u16,
        pub subtype: u8,
        pub reserved: u8,
        /// Version 2 only.
        pub digest: Option<[u8; 16]>,
        /// Bytes after the header.
        pub payload_len: usize,
    }

    /// Parses a TDDP header. Errors for anything that is not one: unknown version or
    /// code, too short, or (version 2) a length field beyond the payload. UDP 1040 is
    /// also an ephemeral port on some systems, so the caller treats an error as "not
    /// TDDP", not as malformed.
    pub fn parse(b: &[u8]) -> Result<TddpRepr, WireError> {
        need(b, V1_HEADER_LEN)?;
        let version = b[field::VERSION];
        let header_len = match version {
            1 => V1_HEADER_LEN,
            2 => V2_HEADER_LEN,
            _ => return Err(WireError::Invalid("TDDP version")),
        };
        need(b, header_len)?;
        let code = Code::from(b[field::CODE]);
        if let Code::Unknown(_) = code {
            return Err(WireError::Invalid("TDDP code"));
        }
        let l = field::LENGTH;
        let length = u32::from_be_bytes([b[l.start], b[l.start + 1], b[l.start + 2], b[l.start + 3]]);
        let payload_len = b.len() - header_len;
        if version == 2 && length as usize > payload_len {
            return Err(WireError::Truncated { needed: header_len.saturating_add(length as usize), got: b.len() });
        }
        let digest = (version == 2).then(|| {
            let mut d = [0u8; 16];
            d.copy_from_slice(&b[field::DIGEST]);
            d
        });
        Ok(TddpRepr {
            version,
            kind: b[field::TYPE],
            code,
            reply_info: b[field::REPLY],
            length,
            id: be16(b, field::ID),
            subtype: b[field::SUBTYPE],
            reserved: b[field::RESERVED],
            digest,
            payload_len,
        })
    }

    #[cfg(test)]
    pub(crate) mod tests {
        use super::*;

        /// softScheck's example: version 2, type 3 (special command), request, id 1,
        /// subtype 0x0e (WAN link status), no payload; the digest is MD5 of the packet with
        /// the digest field zeroed (as the client computes it).
        pub(crate) const V2_REQUEST: [u8; 28] = [
            0x02, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0e, 0x00, //
            0x70, 0xc4, 0x36, 0x3b, 0x05, 0xae, 0xca, 0xc9, 0x5d, 0xc9, 0x31, 0xaa, 0x11, 0xfc, 0x13, 0x48,
        ];
        /// Garrett's SR20 message: version 1, type 0x31, request, length left 0, then a
        /// plaintext argument.
        pub(crate) const V1_REQUEST: &[u8] = b"\x01\x31\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00/testfile;arbitrary";

        #[test]
        fn v2_request_fields() {
            let r = parse(&V2_REQUEST).unwrap();
            assert_eq!(r.version, 2);
            assert_eq!(r.kind, 3);
            assert_eq!(r.code, Code::Request);
            assert_eq!(r.reply_info, 0);
            assert_eq!(r.length, 0);
            assert_eq!(r.id, 1);
            assert_eq!(r.subtype, 0x0e);
            assert_eq!(r.reserved, 0);
            assert_eq!(r.digest.unwrap()[..4], [0x70, 0xc4, 0x36, 0x3b]);
            assert_eq!(r.payload_len, 0);
        }

        #[test]
        fn v1_request_fields() {
            let r = parse(V1_REQUEST).unwrap();
            assert_eq!((r.version, r.kind, r.code, r.length, r.id, r.subtype), (1, 0x31, Code::Request, 0, 0, 0));
            assert_eq!(r.digest, None);
            assert_eq!(r.payload_len, b"/testfile;arbitrary".len());
        }

        #[test]
        fn not_tddp() {
            assert!(parse(&V2_REQUEST[..27]).is_err());
            assert!(parse(&V1_REQUEST[..11]).is_err());
            let mut b = V2_REQUEST;
            b[0] = 3;
            assert_eq!(parse(&b), Err(WireError::Invalid("TDDP version")));
            let mut b = V2_REQUEST;
            b[2] = 7;
            assert_eq!(parse(&b), Err(WireError::Invalid("TDDP code")));
            let mut b = V2_REQUEST.to_vec();
            b[7] = 8; // announces 8 bytes of DES data that are not there
            assert!(matches!(parse(&b), Err(WireError::Truncated { needed: 36, got: 28 })));
            b.extend([0u8; 8]);
            let r = parse(&b).unwrap();
            assert_eq!((r.length, r.payload_len), (8, 8));
            b[2] = 2;
            assert_eq!(parse(&b).unwrap().code, Code::Reply);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// python-kasa's minimal probe: version 2, op 1, no body, serial 0, CRC 0x463cb5d3.
    pub(crate) const MINIMAL_PROBE: [u8; 16] =
        [0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46, 0x3c, 0xb5, 0xd3];

    /// The P110(FR) reply in smart-home-hidden-communication-patterns TpLinkPlug toggle
    /// `1732175631.anon.pcap` (header and body as captured).
    pub(crate) const P110_BODY: &str = concat!(
        r#"{"result":{"device_id":"6084c1ce5aea73198f776c78210f12f8","owner":"866637D2A7BF8DEB82E5CB8BCEDFAB94","#,
        r#""device_type":"SMART.TAPOPLUG","device_model":"P110(FR)","ip":"192.168.1.134","mac":"9C-53-22-A2-56-35","#,
        r#""is_support_iot_cloud":true,"obd_src":"tplink","protocol_version":1,"factory_default":false,"#,
        r#""mgt_encrypt_schm":{"is_support_https":false,"encrypt_type":"KLAP","http_port":80,"lv":2}},"error_code":0}"#
    );
    pub(crate) const P110_HEADER: [u8; 16] =
        [0x02, 0x00, 0x00, 0x01, 0x01, 0x93, 0x02, 0x00, 0x04, 0xb9, 0xa3, 0xf1, 0xbb, 0x4e, 0xb2, 0x1c];

    pub(crate) fn p110_reply() -> Vec<u8> {
        let mut b = P110_HEADER.to_vec();
        b.extend(P110_BODY.as_bytes());
        b
    }

    /// A version-1 message in the layout of the router PoC: op 2, flags 0x21, serial
    /// 0xdeadbeef, word-sum checksum, one TLV (type 1, 4 bytes).
    pub(crate) fn v1_message() -> Vec<u8> {
        let body = [0x00, 0x01, 0x00, 0x04, b'h', b'e', b'l', b'o'];
        let mut b = vec![0x01, 0x00, 0x00, 0x02, 0x00, body.len() as u8, 0x21, 0x00, 0xde, 0xad, 0xbe, 0xef];
        let sum = checksum(Version::V1, &b, &body);
        b.extend(sum.to_be_bytes());
        b.extend(body);
        b
    }

    #[test]
    fn crc32_matches_zlib() {
        assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
        assert_eq!(crc32(&[b"1234", b"56789"]), 0xCBF4_3926);
        assert_eq!(crc32(&[]), 0);
    }

    #[test]
    fn minimal_probe() {
        let r = parse(&MINIMAL_PROBE).unwrap();
        assert_eq!(
            r.header,
            Header {
                version: Version::V2,
                msg_type: 0,
                op_code: 1,
                msg_size: 0,
                flags: 0,
                pad: 0,
                serial: 0,
                checksum: 0x463c_b5d3
            }
        );
        assert!(r.checksum_ok);
        assert!(r.body.is_empty());
        assert_eq!(parse_reply(r.body).unwrap(), None);
    }

    #[test]
    fn real_reply_fields() {
        let b = p110_reply();
        assert!(is_tdp(&b));
        let r = parse(&b).unwrap();
        assert_eq!(
            r.header,
            Header {
                version: Version::V2,
                msg_type: 0,
                op_code: 1,
                msg_size: 403,
                flags: 0x02,
                pad: 0,
                serial: 0x04b9_a3f1,
                checksum: 0xbb4e_b21c
            }
        );
        assert!(r.checksum_ok, "CRC-32 with the seed in the checksum field");
        assert_eq!(r.body, P110_BODY.as_bytes());
        let o = |v: &str| Some(v.to_string());
        assert_eq!(
            parse_reply(r.body).unwrap().unwrap(),
            DeviceInfo {
                device_type: o("SMART.TAPOPLUG"),
                device_model: o("P110(FR)"),
                device_name: None,
                mac: o("9C-53-22-A2-56-35"),
                ip: o("192.168.1.134"),
                firmware_version: None,
                hardware_version: None,
                device_id: o("6084c1ce5aea73198f776c78210f12f8"),
                owner: o("866637D2A7BF8DEB82E5CB8BCEDFAB94"),
                obd_src: o("tplink"),
                encrypt_type: o("KLAP"),
                http_port: o("80"),
                factory_default: o("false"),
            }
        );
    }

    #[test]
    fn camera_encrypt_type_list() {
        let body = br#"{"error_code":0,"result":{"device_model":"C200","firmware_version":"1.3.15 Build 240715 Rel.43073n(4555)","hardware_version":"3.0","encrypt_type":["3"],"mgt_encrypt_schm":{"is_support_https":true}}}"#;
        let d = parse_reply(body).unwrap().unwrap();
        assert_eq!(d.encrypt_type.as_deref(), Some("3"));
        assert_eq!(d.firmware_version.as_deref(), Some("1.3.15 Build 240715 Rel.43073n(4555)"));
        assert_eq!(d.hardware_version.as_deref(), Some("3.0"));
        assert_eq!(d.http_port, None);
    }

    #[test]
    fn checksum_and_size_errors() {
        let mut b = p110_reply();
        b[100] ^= 1;
        assert!(!parse(&b).unwrap().checksum_ok);
        let b = p110_reply();
        assert!(matches!(parse(&b[..200]), Err(WireError::Truncated { needed: 419, got: 200 })));
        let mut extra = p110_reply();
        extra.extend(b"trailing");
        let r = parse(&extra).unwrap();
        assert!(r.checksum_ok && r.body.len() == 403);
        assert!(!is_tdp(&[3; 16]) && !is_tdp(&[2; 15]));
        assert_eq!(parse(&[3; 16]), Err(WireError::Invalid("TDP version")));
    }

    #[test]
    fn version_1_word_sum() {
        let b = v1_message();
        let r = parse(&b).unwrap();
        assert_eq!(r.header.version, Version::V1);
        assert_eq!((r.header.op_code, r.header.flags, r.header.serial), (2, 0x21, 0xdead_beef));
        assert!(r.checksum_ok);
        assert_eq!(word_sum(&[&[0, 0, 0, 1], &[0, 0], &[0, 2, 9]]), 3);
    }

    #[test]
    fn limits() {
        // MAX_JSON_LEN
        let mut big = br#"{"result":{"x":""#.to_vec();
        big.resize(MAX_JSON_LEN + 1, b'a');
        big.extend(br#""}}"#);
        assert!(parse_reply(&big).is_err());
        // MAX_JSON_DEPTH: the result object sits at depth 2.
        let nest = |n: usize| format!(r#"{{"result":{}1{}}}"#, r#"{"a":"#.repeat(n - 1), "}".repeat(n - 1));
        assert!(parse_reply(nest(MAX_JSON_DEPTH).as_bytes()).is_ok());
        assert!(parse_reply(nest(MAX_JSON_DEPTH + 1).as_bytes()).is_err());
    }
}
