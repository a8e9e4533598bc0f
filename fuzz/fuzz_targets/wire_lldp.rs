//! `wire::lldp::parse` (and the TLV walker) on arbitrary bytes, then
//! `observe::lldp::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::lldp::{
    self, ChassisId, MAX_MANAGEMENT_ADDRESSES, MAX_NETWORK_POLICIES, MAX_STRING_LEN, MAX_UNKNOWN, MAX_VLAN_NAMES,
    NetworkAddress, PortId,
};
use quietwire_fuzz::{contexts, observe_checked, within, within_max};

fn check_address(data: &[u8], a: &NetworkAddress<'_>) {
    if let NetworkAddress::Other { address, .. } = a {
        assert!(within(data, address));
    }
}

fuzz_target!(|data: &[u8]| {
    // The walker: every TLV lies in the input, in order, and the walk ends.
    let mut at = 0usize;
    for t in lldp::tlvs(data) {
        let Ok(t) = t else { break };
        assert!(within(&data[at..], t.value));
        assert!(t.value.len() <= 511);
        at = t.value.as_ptr() as usize - data.as_ptr() as usize + t.value.len();
        assert!(at <= data.len());
    }

    let text = |v: &[u8]| within_max(data, v, MAX_STRING_LEN) && !v.contains(&0);
    match lldp::parse(data) {
        Ok(du) => {
            let first = u16::from_be_bytes([data[0], data[1]]);
            assert_eq!(first >> 9, 1, "accepted without a Chassis ID first");
            assert!((2..=256).contains(&(first & 0x1ff)));
            match du.chassis_id {
                ChassisId::ChassisComponent(s)
                | ChassisId::InterfaceAlias(s)
                | ChassisId::PortComponent(s)
                | ChassisId::InterfaceName(s)
                | ChassisId::Local(s) => assert!(text(s)),
                ChassisId::Unknown { value, .. } => assert!(within_max(data, value, MAX_STRING_LEN)),
                ChassisId::Network(a) => check_address(data, &a),
                ChassisId::Mac(_) => {}
            }
            match du.port_id {
                Some(
                    PortId::InterfaceAlias(s)
                    | PortId::PortComponent(s)
                    | PortId::InterfaceName(s)
                    | PortId::Local(s),
                ) => assert!(text(s)),
                Some(PortId::AgentCircuitId(s) | PortId::Unknown { value: s, .. }) => {
                    assert!(within_max(data, s, MAX_STRING_LEN))
                }
                Some(PortId::Network(a)) => check_address(data, &a),
                Some(PortId::Mac(_)) | None => {}
            }
            let m = &du.med;
            for s in [du.port_description, du.system_name, du.system_description, du.mud_url]
                .into_iter()
                .chain([m.hardware_revision, m.firmware_revision, m.software_revision, m.serial_number])
                .chain([m.manufacturer, m.model, m.asset_id])
                .flatten()
            {
                assert!(text(s), "a string outside the input, too long or with a NUL");
            }
            assert!(du.management_addresses.len() <= MAX_MANAGEMENT_ADDRESSES);
            for a in &du.management_addresses {
                check_address(data, &a.address);
                assert!(within(data, a.oid));
            }
            assert!(du.vlan_names.len() <= MAX_VLAN_NAMES);
            for v in &du.vlan_names {
                assert!(v.vid <= 0x0fff && text(v.name));
            }
            assert!(m.network_policies.len() <= MAX_NETWORK_POLICIES);
            assert!(m.network_policies.iter().all(|p| p.vlan <= 0x0fff && p.l2_priority < 8 && p.dscp < 64));
            assert!(du.unknown.len() <= MAX_UNKNOWN);
            if du.malformed.is_none() {
                assert!(du.port_id.is_some() && du.ttl.is_some(), "a well-formed LLDPDU without its mandatory TLVs");
            }
            assert_eq!(lldp::parse(data), Ok(du), "parsing is deterministic");
        }
        Err(_) => {
            let ok_first = data.len() >= 2 && {
                let h = u16::from_be_bytes([data[0], data[1]]);
                h >> 9 == 1 && (2..=256).contains(&(h & 0x1ff)) && data.len() >= 2 + (h & 0x1ff) as usize
            };
            assert!(!ok_first, "a Chassis ID TLV first, yet rejected");
        }
    }
    for cx in contexts(0) {
        observe_checked(observe::lldp::handle, &cx, data);
    }
});
