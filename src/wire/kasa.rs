//! TP-Link Kasa smart-home protocol (XOR autokey 171) on UDP/TCP 9999.
//!
//! Every message is one JSON document, enciphered byte by byte: `c[i] = p[i] ^ c[i-1]`
//! with `c[-1] = 171`. A UDP datagram holds one message and nothing else; over TCP each
//! message is preceded by its length as a 4-byte big-endian integer. Each message starts
//! a fresh key stream. Every message quietwire has seen (and every client and device in
//! python-kasa and Wireshark's `tplink-smarthome` dissector) starts with `{"`, which
//! enciphers to `d0 f2`: that pair is how a payload on the shared port 9999 is told to
//! be Kasa before anything is decoded.
//!
//! This module also holds the bounded JSON reader used by the other TP-Link JSON
//! protocols ([`parse_json`]).

use serde_json::{Map, Value};

use super::WireError;

pub const PORT: u16 = 9999;
/// The key before the first byte.
pub const INITIAL_KEY: u8 = 171;
/// `{"` enciphered: the first two bytes of every Kasa message.
pub const JSON_START: [u8; 2] = [0xd0, 0xf2];
/// Length prefix of a message over TCP.
pub const TCP_PREFIX_LEN: usize = 4;
/// Longest message decoded. python-kasa's fixtures of full `get_sysinfo` replies, power
/// strips with six children included, stay under 4 KiB, and a UDP reply must fit one
/// datagram anyway; 16 KiB leaves room without letting a hostile length make us buffer
/// or parse more.
pub const MAX_MESSAGE_LEN: usize = 16 * 1024;
/// Deepest nesting of objects and arrays accepted. A `get_sysinfo` reply nests 3–5
/// levels (`system` → `get_sysinfo` → `children` → child); serde_json's own guard (128)
/// is far deeper than any device needs, so this one is checked first.
pub const MAX_JSON_DEPTH: usize = 16;
/// Top-level module names (`system`, `cnCloud` …) kept per message.
pub const MAX_MODULES: usize = 16;
/// Messages decoded back to back from one TCP segment (clients send one request and
/// wait; more than a few in one segment is not Kasa behaviour).
pub const MAX_MESSAGES_PER_SEGMENT: usize = 4;

/// Deciphers a message (the same autokey both ways, but decryption keys on the cipher).
pub fn decrypt(cipher: &[u8]) -> Vec<u8> {
    let mut key = INITIAL_KEY;
    cipher
        .iter()
        .map(|&c| {
            let p = c ^ key;
            key = c;
            p
        })
        .collect()
}

/// Enciphers a message (used to build fixtures and crafted captures).
pub fn encrypt(plain: &[u8]) -> Vec<u8> {
    let mut key = INITIAL_KEY;
    plain
        .iter()
        .map(|&p| {
            key ^= p;
            key
        })
        .collect()
}

/// Whether a UDP payload (or a TCP message after its prefix) starts like a Kasa message.
pub fn looks_like_kasa(cipher: &[u8]) -> bool {
    cipher.starts_with(&JSON_START)
}

/// What the start of one TCP segment holds.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum TcpSplit<'a> {
    /// No Kasa length prefix followed by `d0 f2` (a continuation segment, or another
    /// protocol on port 9999).
    NotKasa,
    /// One whole enciphered message, and whatever follows it in the segment.
    Whole { message: &'a [u8], rest: &'a [u8] },
    /// The prefix announces more bytes than the segment holds: the message continues in
    /// later segments.
    Partial { announced: usize, got: usize },
}

/// Splits the first message off a TCP segment. An announced length above
/// [`MAX_MESSAGE_LEN`] is an error: the message is not decoded.
pub fn split_tcp(seg: &[u8]) -> Result<TcpSplit<'_>, WireError> {
    let Some((prefix, body)) = seg.split_first_chunk::<TCP_PREFIX_LEN>() else {
        return Ok(TcpSplit::NotKasa);
    };
    let announced = u32::from_be_bytes(*prefix) as usize;
    if announced < JSON_START.len() || !looks_like_kasa(body) {
        return Ok(TcpSplit::NotKasa);
    }
    if announced > MAX_MESSAGE_LEN {
        return Err(WireError::Invalid("Kasa message longer than MAX_MESSAGE_LEN"));
    }
    Ok(match body.split_at_checked(announced) {
        Some((message, rest)) => TcpSplit::Whole { message, rest },
        None => TcpSplit::Partial { announced, got: body.len() },
    })
}

/// Deepest object/array nesting in a JSON text, counted without parsing (brackets
/// inside strings do not count); stops counting once `limit` is passed.
fn nesting_exceeds(json: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &c in json {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parses a JSON document of at most `max_len` bytes and `max_depth` levels. Trailing
/// NULs and white space (padding some firmware adds) are ignored. A document that ends
/// early is `Truncated` (the analyzer tells a frame cut by the capture's snapshot
/// length from a short message); any other syntax error is `Invalid`.
pub fn parse_json(text: &[u8], max_len: usize, max_depth: usize) -> Result<Value, WireError> {
    if text.len() > max_len {
        return Err(WireError::Invalid("JSON longer than the protocol's limit"));
    }
    let end = text.iter().rposition(|&b| !matches!(b, 0 | b' ' | b'\t' | b'\r' | b'\n')).map_or(0, |i| i + 1);
    let text = &text[..end];
    if nesting_exceeds(text, max_depth) {
        return Err(WireError::Invalid("JSON nested deeper than the protocol's limit"));
    }
    serde_json::from_slice(text).map_err(|e| match e.is_eof() {
        true => WireError::Truncated { needed: text.len() + 1, got: text.len() },
        false => WireError::Invalid("JSON"),
    })
}

/// A scalar JSON value as text: strings as they are, numbers and booleans printed.
pub fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The identity fields of a `system.get_sysinfo` reply. Bulbs name some of them
/// differently (`mic_type`, `mic_mac`, `description`); cameras nest them one level
/// deeper in `system`. Values are as the device sent them.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct SysInfo {
    pub model: Option<String>,
    pub alias: Option<String>,
    pub dev_name: Option<String>,
    /// `mac`, `mic_mac` or `ethernet_mac`, unparsed.
    pub mac: Option<String>,
    pub device_id: Option<String>,
    pub hw_id: Option<String>,
    pub oem_id: Option<String>,
    pub sw_ver: Option<String>,
    pub hw_ver: Option<String>,
    /// `type` or `mic_type`, e.g. `IOT.SMARTPLUGSWITCH`.
    pub kind: Option<String>,
}

impl SysInfo {
    fn from_object(o: &Map<String, Value>) -> SysInfo {
        // Cameras: {"system":{"get_sysinfo":{"system":{…},"err_code":0}}}
        let o = match o.get("system") {
            Some(Value::Object(inner)) => inner,
            _ => o,
        };
        let first = |keys: &[&str]| keys.iter().find_map(|k| scalar(o.get(*k)));
        SysInfo {
            model: first(&["model"]),
            alias: first(&["alias"]),
            dev_name: first(&["dev_name", "description"]),
            mac: first(&["mac", "mic_mac", "ethernet_mac"]),
            device_id: first(&["deviceId"]),
            hw_id: first(&["hwId"]),
            oem_id: first(&["oemId"]),
            sw_ver: first(&["sw_ver"]),
            hw_ver: first(&["hw_ver"]),
            kind: first(&["type", "mic_type"]),
        }
    }

    /// A query (`"get_sysinfo":{}`) has none of the fields.
    pub fn is_empty(&self) -> bool {
        *self == SysInfo::default()
    }
}

/// A decoded Kasa message.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct KasaRepr {
    /// Top-level keys, sorted by name (at most [`MAX_MODULES`]).
    pub modules: Vec<String>,
    /// `system.get_sysinfo` with at least one identity field (a reply).
    pub sysinfo: Option<SysInfo>,
    /// `cnCloud.get_info.server`: the cloud host the device is bound to. The account
    /// name beside it is personal data and is not kept.
    pub cloud_server: Option<String>,
}

/// Decodes one enciphered message (without any TCP prefix).
pub fn parse(cipher: &[u8]) -> Result<KasaRepr, WireError> {
    if cipher.len() > MAX_MESSAGE_LEN {
        return Err(WireError::Invalid("Kasa message longer than MAX_MESSAGE_LEN"));
    }
    let plain = decrypt(cipher);
    let Value::Object(doc) = parse_json(&plain, MAX_MESSAGE_LEN, MAX_JSON_DEPTH)? else {
        return Err(WireError::Invalid("Kasa message is not a JSON object"));
    };
    let sysinfo = match doc.get("system").and_then(|s| s.get("get_sysinfo")) {
        Some(Value::Object(o)) => Some(SysInfo::from_object(o)).filter(|s| !s.is_empty()),
        _ => None,
    };
    let cloud_server = scalar(doc.get("cnCloud").and_then(|c| c.get("get_info")).and_then(|i| i.get("server")));
    Ok(KasaRepr { modules: doc.keys().take(MAX_MODULES).cloned().collect(), sysinfo, cloud_server })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `{"system":{"get_sysinfo":{}}}` as the Kasa app sends it (research §6).
    const QUERY_CIPHER: &str = "d0f281f88bff9af7d5ef94b6d1b4c09fec95e68fe187e8caf08bf68bf6";

    /// The HS110(FR) reply in iot-firewall `tp-link.pcap` frame 69 (shortened), with
    /// the cloud section the app asks for alongside.
    pub(crate) const HS110_REPLY: &str = concat!(
        r#"{"system":{"get_sysinfo":{"err_code":0,"sw_ver":"1.2.6 Build 200727 Rel.121115","hw_ver":"1.0","#,
        r#""type":"IOT.SMARTPLUGSWITCH","model":"HS110(FR)","mac":"50:C7:BF:ED:0A:54","#,
        r#""deviceId":"800618EF714FD36BB6212A9F2BDC866018D26FC7","hwId":"797CB3D09D9A83B1C43A623C6DD103C2","#,
        r#""fwId":"00000000000000000000000000000000","oemId":"0D13F703F04C040DC3D27DB248C01A1A","#,
        r#""alias":"TP-Link Smart Plug","dev_name":"Wi-Fi Smart Plug With Energy Monitoring","relay_state":1,"#,
        r#""rssi":-60,"latitude":50.822594,"longitude":4.379073}},"#,
        r#""cnCloud":{"get_info":{"username":"someone@example.com","server":"n-devs.tplinkcloud.com","binded":1}},"#,
        r#""smartlife.iot.common.cloud":{"err_code":-1,"err_msg":"module not support"}}"#
    );

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn cipher_round_trip_and_known_query() {
        let c = unhex(QUERY_CIPHER);
        assert_eq!(decrypt(&c), br#"{"system":{"get_sysinfo":{}}}"#);
        assert_eq!(encrypt(br#"{"system":{"get_sysinfo":{}}}"#), c);
        assert!(looks_like_kasa(&c));
        assert!(!looks_like_kasa(b"{\"system\""));
        let r = parse(&c).unwrap();
        assert_eq!(r.modules, vec!["system"]);
        assert_eq!(r.sysinfo, None, "a query has no identity fields");
        assert_eq!(r.cloud_server, None);
    }

    #[test]
    fn reply_fields() {
        let r = parse(&encrypt(HS110_REPLY.as_bytes())).unwrap();
        assert_eq!(r.modules, vec!["cnCloud", "smartlife.iot.common.cloud", "system"]);
        assert_eq!(r.cloud_server.as_deref(), Some("n-devs.tplinkcloud.com"));
        let s = r.sysinfo.unwrap();
        let o = |v: &str| Some(v.to_string());
        assert_eq!(
            s,
            SysInfo {
                model: o("HS110(FR)"),
                alias: o("TP-Link Smart Plug"),
                dev_name: o("Wi-Fi Smart Plug With Energy Monitoring"),
                mac: o("50:C7:BF:ED:0A:54"),
                device_id: o("800618EF714FD36BB6212A9F2BDC866018D26FC7"),
                hw_id: o("797CB3D09D9A83B1C43A623C6DD103C2"),
                oem_id: o("0D13F703F04C040DC3D27DB248C01A1A"),
                sw_ver: o("1.2.6 Build 200727 Rel.121115"),
                hw_ver: o("1.0"),
                kind: o("IOT.SMARTPLUGSWITCH"),
            }
        );
    }

    #[test]
    fn bulb_and_camera_spellings() {
        let bulb = r#"{"system":{"get_sysinfo":{"mic_type":"IOT.SMARTBULB","model":"LB110(EU)","description":"Smart Wi-Fi LED Bulb with Dimmable Light","mic_mac":"50C7BF000001","sw_ver":"1.8.11"}}}"#;
        let s = parse(&encrypt(bulb.as_bytes())).unwrap().sysinfo.unwrap();
        assert_eq!(s.kind.as_deref(), Some("IOT.SMARTBULB"));
        assert_eq!(s.mac.as_deref(), Some("50C7BF000001"));
        assert_eq!(s.dev_name.as_deref(), Some("Smart Wi-Fi LED Bulb with Dimmable Light"));
        let cam = r#"{"system":{"get_sysinfo":{"system":{"type":"IOT.IPCAMERA","model":"KC100(EU)","mac":"50-C7-BF-00-00-02"},"err_code":0}}}"#;
        let s = parse(&encrypt(cam.as_bytes())).unwrap().sysinfo.unwrap();
        assert_eq!((s.kind.as_deref(), s.model.as_deref()), (Some("IOT.IPCAMERA"), Some("KC100(EU)")));
    }

    #[test]
    fn tcp_framing() {
        let msg = encrypt(br#"{"system":{"get_sysinfo":{}}}"#);
        let mut seg = (msg.len() as u32).to_be_bytes().to_vec();
        seg.extend(&msg);
        seg.extend(b"xy");
        assert_eq!(split_tcp(&seg).unwrap(), TcpSplit::Whole { message: &msg, rest: b"xy" });
        // The first segment of a message that continues.
        let mut first = 600u32.to_be_bytes().to_vec();
        first.extend(&msg);
        assert_eq!(split_tcp(&first).unwrap(), TcpSplit::Partial { announced: 600, got: msg.len() });
        // A continuation segment, or another protocol: no prefix + `d0 f2`.
        assert_eq!(split_tcp(&msg).unwrap(), TcpSplit::NotKasa);
        assert_eq!(split_tcp(&[0, 0, 0]).unwrap(), TcpSplit::NotKasa);
        assert_eq!(split_tcp(&[0, 0, 0, 1, 0xd0, 0xf2]).unwrap(), TcpSplit::NotKasa);
    }

    #[test]
    fn limits() {
        // MAX_MESSAGE_LEN, over TCP and UDP.
        let mut seg = ((MAX_MESSAGE_LEN + 1) as u32).to_be_bytes().to_vec();
        seg.extend(JSON_START);
        assert!(split_tcp(&seg).is_err());
        let mut long = br#"{"a":""#.to_vec();
        long.resize(MAX_MESSAGE_LEN, b'x');
        long.extend(br#""}"#);
        assert!(parse(&encrypt(&long)).is_err());
        long.truncate(MAX_MESSAGE_LEN - 2);
        long.extend(br#""}"#);
        assert!(parse(&encrypt(&long)).is_ok());
        // MAX_JSON_DEPTH: 16 levels pass, 17 do not; brackets in strings do not count.
        let nest = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
        assert!(parse(&encrypt(nest(MAX_JSON_DEPTH).as_bytes())).is_ok());
        assert_eq!(
            parse(&encrypt(nest(MAX_JSON_DEPTH + 1).as_bytes())),
            Err(WireError::Invalid("JSON nested deeper than the protocol's limit"))
        );
        assert!(!nesting_exceeds(br#"{"a":"[[[[[[\"[[[[[[[[[[[[[[[[[["}"#, 2));
        // MAX_MODULES.
        let many: Vec<String> = (0..MAX_MODULES + 4).map(|i| format!(r#""m{i}":{{}}"#)).collect();
        let doc = format!("{{{}}}", many.join(","));
        assert_eq!(parse(&encrypt(doc.as_bytes())).unwrap().modules.len(), MAX_MODULES);
    }

    #[test]
    fn bad_json_is_an_error_and_padding_is_not() {
        assert_eq!(parse(&encrypt(br#"{"system":"#)), Err(WireError::Truncated { needed: 11, got: 10 }));
        assert_eq!(parse(&encrypt(br#"{"system":x}"#)), Err(WireError::Invalid("JSON")));
        assert_eq!(parse(&encrypt(br#"["x"]"#)), Err(WireError::Invalid("Kasa message is not a JSON object")));
        assert!(parse(&encrypt(b"{\"a\":1}\0\0\n")).is_ok());
        assert_eq!(scalar(Some(&Value::Bool(true))).as_deref(), Some("true"));
        assert_eq!(scalar(Some(&serde_json::json!(80))).as_deref(), Some("80"));
        assert_eq!(scalar(Some(&serde_json::json!([1]))), None);
    }
}
