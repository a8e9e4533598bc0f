//! Shared by tests/html.rs and tests/browser.rs: a capture whose text fields try to
//! inject markup, script and external references into the HTML report.

#![allow(dead_code)]

use std::path::Path;

/// A DHCP host name that would run script if it reached the page as markup.
pub const SCRIPT_HOSTNAME: &str = "<script>window.__pwned=1</script>";
/// A DHCP vendor class breaking out of an attribute into an image with a handler.
pub const IMG_VENDOR_CLASS: &str = "\"><img src=x onerror=window.__pwned=2>";
/// A host name that is a template slot of the page.
pub const SLOT_HOSTNAME: &str = "{{script}}";
/// A second device's DHCP vendor class: a CSS reference.
pub const CSS_VENDOR_CLASS: &str = "x;background:url(https://evil.example/c.png)";
/// SSDP headers: a device URL and markup with references.
pub const SSDP_LOCATION: &str = "http://evil.example:8080/desc.xml";
pub const SSDP_SERVER: &str = "<img src=//evil.example/p.png><a href=https://evil.example/>x</a>";
pub const SSDP_USN: &str = "uuid:'\"><svg onload=window.__pwned=3>";

/// The devices in [`write_hostile_pcap`].
pub const SCRIPT_MAC: &str = "50:c7:bf:de:ad:01";
pub const SSDP_MAC: &str = "02:00:00:de:ad:02";
pub const SLOT_MAC: &str = "00:1d:0f:de:ad:03";

fn ipv4_udp(src_mac: [u8; 6], dst_mac: [u8; 6], src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst_mac);
    f.extend_from_slice(&src_mac);
    f.extend_from_slice(&[0x08, 0x00]);
    let total = (20 + 8 + payload.len()) as u16;
    f.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 1, 0, 0, 64, 17, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    let udp_len = (8 + payload.len()) as u16;
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&udp_len.to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(payload);
    f
}

fn dhcp_request(mac: [u8; 6], hostname: &str, vendor_class: &str) -> Vec<u8> {
    let mut b = vec![1u8, 1, 6, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0];
    b.extend_from_slice(&[0; 16]); // ciaddr, yiaddr, siaddr, giaddr
    b.extend_from_slice(&mac);
    b.extend_from_slice(&[0; 10]);
    b.extend_from_slice(&[0; 192]); // sname, file
    b.extend_from_slice(&[99, 130, 83, 99]);
    b.extend_from_slice(&[53, 1, 3]);
    b.extend_from_slice(&[12, hostname.len() as u8]);
    b.extend_from_slice(hostname.as_bytes());
    b.extend_from_slice(&[60, vendor_class.len() as u8]);
    b.extend_from_slice(vendor_class.as_bytes());
    b.push(255);
    ipv4_udp(mac, [0xff; 6], [0; 4], [255; 4], 68, 67, &b)
}

fn ssdp_notify(mac: [u8; 6]) -> Vec<u8> {
    let msg = format!(
        "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: {SSDP_LOCATION}\r\n\
         NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: {SSDP_SERVER}\r\nUSN: {SSDP_USN}::upnp:rootdevice\r\n\r\n"
    );
    ipv4_udp(mac, [0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa], [192, 168, 7, 66], [239, 255, 255, 250], 1900, 1900, msg.as_bytes())
}

/// Writes a pcap of three frames carrying the strings above.
pub fn write_hostile_pcap(path: &Path) {
    let frames = [
        dhcp_request([0x50, 0xc7, 0xbf, 0xde, 0xad, 0x01], SCRIPT_HOSTNAME, IMG_VENDOR_CLASS),
        ssdp_notify([0x02, 0x00, 0x00, 0xde, 0xad, 0x02]),
        dhcp_request([0x00, 0x1d, 0x0f, 0xde, 0xad, 0x03], SLOT_HOSTNAME, CSS_VENDOR_CLASS),
    ];
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&65_535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend_from_slice(&(1_730_000_000u32 + i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    std::fs::write(path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
