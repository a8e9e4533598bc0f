//! UPnP device descriptions: `wire::upnp::parse` and `looks_like_description` on
//! arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::wire::upnp::{self, MAX_DEPTH, MAX_DEVICES, MAX_FIELD_LEN, MAX_XML_BYTES};

fuzz_target!(|data: &[u8]| {
    let _ = upnp::looks_like_description(data);
    if let Ok(d) = upnp::parse(data) {
        assert!(data.len() <= MAX_XML_BYTES);
        assert!(!d.devices.is_empty() && d.devices.len() <= MAX_DEVICES);
        assert_eq!(d.devices[0].depth, 0, "the root device comes first");
        if d.recovered {
            assert_eq!(d.devices.len(), 1);
        }
        for (i, dev) in d.devices.iter().enumerate() {
            assert!(dev.depth <= MAX_DEPTH);
            if i > 0 {
                assert!(dev.depth <= d.devices[i - 1].depth + 1, "depth-first order broken");
            }
            let fields = [
                &dev.device_type,
                &dev.friendly_name,
                &dev.manufacturer,
                &dev.manufacturer_url,
                &dev.model_name,
                &dev.model_number,
                &dev.model_description,
                &dev.serial_number,
                &dev.udn,
                &dev.presentation_url,
            ];
            for f in fields.into_iter().flatten() {
                assert!(!f.is_empty() && f.len() <= MAX_FIELD_LEN, "field of {} bytes", f.len());
                assert_eq!(f.trim_start(), f.as_str(), "field not trimmed");
            }
        }
        assert_eq!(upnp::parse(data), Ok(d), "parsing is deterministic");
    }
});
