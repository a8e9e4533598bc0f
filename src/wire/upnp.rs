//! UPnP device descriptions (UPnP Device Architecture 1.x `root` documents).
//!
//! roxmltree refuses DTDs, so entity expansion (billion laughs) and external entities
//! cannot happen; node count and size are bounded. Real devices send junk (trailing NULs,
//! bytes after the root, broken markup): when strict parsing fails, a bounded tag scan
//! recovers the fields.

use super::WireError;

/// Largest description parsed.
pub const MAX_XML_BYTES: usize = 256 << 10;
/// XML nodes parsed per document.
pub const MAX_NODES: u32 = 20_000;
/// Devices reported per description (root and embedded, depth-first).
pub const MAX_DEVICES: usize = 32;
/// Embedded device nesting followed.
pub const MAX_DEPTH: usize = 8;
/// Longest field value kept.
pub const MAX_FIELD_LEN: usize = 512;

#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct UpnpDevice {
    pub device_type: Option<String>,
    pub friendly_name: Option<String>,
    pub manufacturer: Option<String>,
    pub manufacturer_url: Option<String>,
    pub model_name: Option<String>,
    pub model_number: Option<String>,
    pub model_description: Option<String>,
    pub serial_number: Option<String>,
    pub udn: Option<String>,
    pub presentation_url: Option<String>,
    /// Nesting level: 0 for the root device.
    pub depth: usize,
}

/// The devices of a description, root first.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Description {
    pub devices: Vec<UpnpDevice>,
    /// Parsed by the tolerant scan after strict XML parsing failed.
    pub recovered: bool,
}

const FIELDS: [&str; 10] = [
    "deviceType",
    "friendlyName",
    "manufacturer",
    "manufacturerURL",
    "modelName",
    "modelNumber",
    "modelDescription",
    "serialNumber",
    "UDN",
    "presentationURL",
];

fn set(d: &mut UpnpDevice, name: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    let mut cut = v.len().min(MAX_FIELD_LEN);
    while !v.is_char_boundary(cut) {
        cut -= 1;
    }
    let v = Some(v[..cut].to_string());
    match name {
        "deviceType" => d.device_type = v,
        "friendlyName" => d.friendly_name = v,
        "manufacturer" => d.manufacturer = v,
        "manufacturerURL" => d.manufacturer_url = v,
        "modelName" => d.model_name = v,
        "modelNumber" => d.model_number = v,
        "modelDescription" => d.model_description = v,
        "serialNumber" => d.serial_number = v,
        "UDN" => d.udn = v,
        "presentationURL" => d.presentation_url = v,
        _ => {}
    }
}

/// Whether a body looks like a UPnP description (cheap check before parsing).
pub fn looks_like_description(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512)];
    let text = String::from_utf8_lossy(head);
    text.contains("urn:schemas-upnp-org:device-1-0") || (text.contains("<root") && text.contains("<device"))
}

pub fn parse(body: &[u8]) -> Result<Description, WireError> {
    if body.len() > MAX_XML_BYTES {
        return Err(WireError::Invalid("UPnP description size"));
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let opts = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES, ..Default::default() };
    match roxmltree::Document::parse_with_options(text, opts) {
        Ok(doc) => {
            let mut out = Description::default();
            let root = doc.root_element();
            for dev in root.children().filter(|n| n.has_tag_name("device")) {
                walk(dev, 0, &mut out.devices);
            }
            if out.devices.is_empty() {
                return Err(WireError::Invalid("UPnP description without a device"));
            }
            Ok(out)
        }
        Err(roxmltree::Error::DtdDetected) => Err(WireError::Invalid("UPnP description with a DTD")),
        Err(roxmltree::Error::NodesLimitReached) => Err(WireError::Invalid("UPnP description node count")),
        Err(_) => scan(text),
    }
}

fn walk(dev: roxmltree::Node<'_, '_>, depth: usize, out: &mut Vec<UpnpDevice>) {
    if out.len() >= MAX_DEVICES || depth > MAX_DEPTH {
        return;
    }
    let mut d = UpnpDevice { depth, ..Default::default() };
    for c in dev.children().filter(|c| c.is_element()) {
        let name = c.tag_name().name();
        if FIELDS.contains(&name) {
            set(&mut d, name, c.text().unwrap_or(""));
        }
    }
    out.push(d);
    for list in dev.children().filter(|c| c.has_tag_name("deviceList")) {
        for child in list.children().filter(|c| c.has_tag_name("device")) {
            walk(child, depth + 1, out);
        }
    }
}

/// Tolerant recovery: the first value of each field, by plain tag search (no entities,
/// no nesting), so broken markup still yields the root device's identity.
fn scan(text: &str) -> Result<Description, WireError> {
    if !text.contains("<device") {
        return Err(WireError::Invalid("UPnP description markup"));
    }
    let mut d = UpnpDevice::default();
    for name in FIELDS {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        if let Some(start) = text.find(&open) {
            let rest = &text[start + open.len()..];
            if let Some(end) = rest.find(&close) {
                set(&mut d, name, &rest[..end]);
            }
        }
    }
    if d == UpnpDevice::default() {
        return Err(WireError::Invalid("UPnP description markup"));
    }
    Ok(Description { devices: vec![d], recovered: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const ARCHER: &str = include_str!("upnp_fixture.xml");

    #[test]
    fn archer_description() {
        let d = parse(ARCHER.as_bytes()).unwrap();
        assert!(!d.recovered);
        assert_eq!(d.devices.len(), 2);
        let r = &d.devices[0];
        assert_eq!(r.device_type.as_deref(), Some("urn:schemas-upnp-org:device:InternetGatewayDevice:1"));
        assert_eq!(r.friendly_name.as_deref(), Some("Archer C7"));
        assert_eq!(r.manufacturer.as_deref(), Some("TP-Link"));
        assert_eq!(r.manufacturer_url.as_deref(), Some("http://www.tp-link.com"));
        assert_eq!(r.model_name.as_deref(), Some("Archer C7"));
        assert_eq!(r.model_number.as_deref(), Some("5.0"));
        assert_eq!(r.model_description.as_deref(), Some("AC1750 Wireless Dual Band Gigabit Router"));
        assert_eq!(r.serial_number.as_deref(), Some("1.0"));
        assert_eq!(r.udn.as_deref(), Some("uuid:060b7353-fca6-4070-85f4-1fbfb9add62c"));
        assert_eq!(r.presentation_url.as_deref(), Some("http://192.168.0.1:80"));
        assert_eq!((d.devices[1].depth, d.devices[1].model_name.as_deref()), (1, Some("WAN Device")));
        assert!(looks_like_description(ARCHER.as_bytes()));
    }

    #[test]
    fn entity_bomb_costs_nothing() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><root><device><modelName>&lol3;</modelName></device></root>"#;
        let t = std::time::Instant::now();
        assert_eq!(parse(bomb.as_bytes()).unwrap_err(), WireError::Invalid("UPnP description with a DTD"));
        assert!(t.elapsed().as_millis() < 100);
    }

    #[test]
    fn junk_is_tolerated_and_limits_hold() {
        let junk = format!("{}\0\0\0garbage<<", ARCHER);
        let d = parse(junk.as_bytes()).unwrap();
        assert!(d.recovered);
        assert_eq!(d.devices[0].model_name.as_deref(), Some("Archer C7"));
        assert!(parse(b"<html>hello</html>").is_err());
        assert!(parse(&vec![b' '; MAX_XML_BYTES + 1]).is_err());
        let many = format!("<root><device>{}</device></root>", "<x/>".repeat(MAX_NODES as usize + 10));
        assert!(parse(many.as_bytes()).is_err());
        let mut nested = String::from("<root>");
        for _ in 0..40 {
            nested.push_str("<device><modelName>m</modelName><deviceList>");
        }
        for _ in 0..40 {
            nested.push_str("</deviceList></device>");
        }
        nested.push_str("</root>");
        assert_eq!(parse(nested.as_bytes()).unwrap().devices.len(), MAX_DEPTH + 1);
    }
}
