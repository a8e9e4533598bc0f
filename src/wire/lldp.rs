//! LLDP (IEEE 802.1AB-2016) with the IEEE 802.1 and 802.3 organisationally specific
//! TLVs and LLDP-MED (ANSI/TIA-1057).
//!
//! Written by hand: no maintained crate fits. The project's crate survey found only
//! `rust_lldp` 0.1.1 (2022, unmaintained); `flowscope` carries a feature-gated LLDP parser
//! inside a flow-tracking crate, which was not evaluated (it would be a large dependency
//! for one TLV walk, and its LLDP-MED coverage is unknown). The LLDPDU is a run of TLVs,
//! each a 7-bit type and a 9-bit length; [`Tlvs`] is the checked view (it yields a TLV only when its whole value
//! is present) and [`parse`] builds the typed [`Lldpdu`] from it.
//!
//! Leniency follows Wireshark: the first three TLVs must be Chassis ID, Port ID and Time
//! To Live, in that order. A frame whose first TLV is not a Chassis ID is not an LLDPDU
//! (`Err`); past that, the first problem (a missing mandatory TLV, a TLV running past the
//! end, a fixed-size TLV of the wrong size, too many TLVs) is kept in
//! [`Lldpdu::malformed`] with everything decoded before it. Unknown TLV types,
//! subtypes and organisations are kept as values.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{WireError, be16};
use crate::mac::MacAddr;

mod field {
    use core::ops::Range;
    /// Type (7 bits) and length (9 bits) of every TLV.
    pub const TLV_HEADER: Range<usize> = 0..2;
    pub const TLV_TYPE_SHIFT: u16 = 9;
    pub const TLV_LEN_MASK: u16 = 0x01ff;
    /// Chassis ID, Port ID: subtype, then the ID.
    pub const ID_SUBTYPE: usize = 0;
    pub const ID_VALUE: usize = 1;
    /// System Capabilities: supported, then enabled.
    pub const CAPS_SYSTEM: usize = 0;
    pub const CAPS_ENABLED: usize = 2;
    pub const CAPS_LEN: usize = 4;
    /// Management Address: address string length (subtype + address), subtype, address,
    /// then (after the address) interface numbering subtype, interface number, OID length, OID.
    pub const MGMT_ADDR_LEN: usize = 0;
    pub const MGMT_ADDR_SUBTYPE: usize = 1;
    pub const MGMT_ADDR: usize = 2;
    pub const MGMT_IF_SUBTYPE: usize = 0;
    pub const MGMT_IF_NUMBER: Range<usize> = 1..5;
    pub const MGMT_OID_LEN: usize = 5;
    pub const MGMT_OID: usize = 6;
    /// Organisationally specific TLV: OUI, subtype, information.
    pub const ORG_OUI: Range<usize> = 0..3;
    pub const ORG_SUBTYPE: usize = 3;
    pub const ORG_INFO: usize = 4;
    /// IEEE 802.1 VLAN Name: VID, name length, name.
    pub const VLAN_NAME_VID: usize = 0;
    pub const VLAN_NAME_LEN: usize = 2;
    pub const VLAN_NAME: usize = 3;
    /// IEEE 802.3 MAC/PHY Configuration/Status.
    pub const MAC_PHY_AUTONEG: usize = 0;
    pub const MAC_PHY_ADVERTISED: usize = 1;
    pub const MAC_PHY_MAU: usize = 3;
    pub const MAC_PHY_LEN: usize = 5;
    /// LLDP-MED Capabilities: capabilities, device class.
    pub const MED_CAPS: usize = 0;
    pub const MED_CLASS: usize = 2;
    pub const MED_CAPS_LEN: usize = 3;
    /// LLDP-MED Network Policy: application type, then U/T/X flags, VLAN, priority, DSCP
    /// packed in 24 bits.
    pub const POLICY_APP: usize = 0;
    pub const POLICY_BITS: Range<usize> = 1..4;
    /// LLDP-MED Extended Power-via-MDI: type/source/priority, power value (0.1 W).
    pub const POWER_FLAGS: usize = 0;
    pub const POWER_VALUE: usize = 1;
    pub const POWER_LEN: usize = 3;
}

pub mod tlv {
    pub const END: u8 = 0;
    pub const CHASSIS_ID: u8 = 1;
    pub const PORT_ID: u8 = 2;
    pub const TTL: u8 = 3;
    pub const PORT_DESCRIPTION: u8 = 4;
    pub const SYSTEM_NAME: u8 = 5;
    pub const SYSTEM_DESCRIPTION: u8 = 6;
    pub const SYSTEM_CAPABILITIES: u8 = 7;
    pub const MANAGEMENT_ADDRESS: u8 = 8;
    pub const ORGANIZATIONAL: u8 = 127;
}

/// Organisation codes of the organisationally specific TLVs decoded here.
pub mod oui {
    pub const IEEE_802_1: [u8; 3] = [0x00, 0x80, 0xc2];
    pub const IEEE_802_3: [u8; 3] = [0x00, 0x12, 0x0f];
    /// TIA TR-41 (LLDP-MED).
    pub const TIA: [u8; 3] = [0x00, 0x12, 0xbb];
    /// IANA (RFC 8520: subtype 1, Manufacturer Usage Description URL).
    pub const IANA: [u8; 3] = [0x00, 0x00, 0x5e];
}

/// TLVs read from one LLDPDU. A full 1500-byte LLDPDU of the shortest TLV that real
/// switches repeat (802.1 VLAN Name, one per trunk VLAN, 9+ bytes) holds about 160; beyond
/// 256 the frame is a jumbo or a flood of empty TLVs, and parsing stops (malformed).
pub const MAX_TLVS: usize = 256;
/// Longest string kept from any TLV: 802.1AB caps every string TLV (IDs, port and system
/// names and descriptions) and TIA-1057 its inventory strings at 255 octets or fewer,
/// while the 9-bit length field allows 511. Longer values are cut.
pub const MAX_STRING_LEN: usize = 255;
/// Management Address TLVs kept: a device names one address per family in practice.
pub const MAX_MANAGEMENT_ADDRESSES: usize = 8;
/// 802.1 VLAN Name TLVs kept: a trunk port may list every VLAN; the first 64 are enough to
/// describe a port, and the rest are skipped (not malformed).
pub const MAX_VLAN_NAMES: usize = 64;
/// LLDP-MED Network Policy TLVs kept: TIA-1057 defines 8 application types, one each.
pub const MAX_NETWORK_POLICIES: usize = 8;
/// Unknown TLVs remembered (type or organisation and subtype only).
pub const MAX_UNKNOWN: usize = 32;

/// One TLV: its type and value.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Tlv<'a> {
    pub kind: u8,
    pub value: &'a [u8],
}

/// The checked view over an LLDPDU: yields whole TLVs, stops after End of LLDPDU, at the
/// end of the buffer, or at the first TLV that runs past it (yielding the error once).
#[derive(Clone, Debug)]
pub struct Tlvs<'a> {
    rest: &'a [u8],
    done: bool,
}

pub fn tlvs(b: &[u8]) -> Tlvs<'_> {
    Tlvs { rest: b, done: false }
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<Tlv<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        let Some(h) = self.rest.get(field::TLV_HEADER) else {
            self.done = true;
            return Some(Err(WireError::Truncated { needed: field::TLV_HEADER.end, got: self.rest.len() }));
        };
        let h = be16(h, 0);
        let kind = (h >> field::TLV_TYPE_SHIFT) as u8;
        let len = (h & field::TLV_LEN_MASK) as usize;
        let end = field::TLV_HEADER.end + len;
        let Some(value) = self.rest.get(field::TLV_HEADER.end..end) else {
            self.done = true;
            return Some(Err(WireError::Truncated { needed: end, got: self.rest.len() }));
        };
        self.rest = &self.rest[end..];
        if kind == tlv::END {
            self.done = true;
        }
        Some(Ok(Tlv { kind, value }))
    }
}

/// A network address as LLDP encodes it: an IANA address family number and the address.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum NetworkAddress<'a> {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    /// Family 6, "all 802 media".
    Mac(MacAddr),
    /// Another family, or an address of the wrong size for its family.
    Other {
        family: u8,
        address: &'a [u8],
    },
}

impl<'a> NetworkAddress<'a> {
    pub const FAMILY_IPV4: u8 = 1;
    pub const FAMILY_IPV6: u8 = 2;
    pub const FAMILY_802: u8 = 6;

    pub fn parse(family: u8, address: &'a [u8]) -> NetworkAddress<'a> {
        match family {
            Self::FAMILY_IPV4 => <[u8; 4]>::try_from(address).map(|a| NetworkAddress::V4(a.into())).ok(),
            Self::FAMILY_IPV6 => <[u8; 16]>::try_from(address).map(|a| NetworkAddress::V6(a.into())).ok(),
            Self::FAMILY_802 if address.len() == 6 => MacAddr::from_slice(address).map(NetworkAddress::Mac),
            _ => None,
        }
        .unwrap_or(NetworkAddress::Other { family, address })
    }

    /// From a subtype byte followed by the address (Chassis/Port ID network addresses).
    fn from_id(v: &'a [u8]) -> NetworkAddress<'a> {
        match v.split_first() {
            Some((&family, address)) => NetworkAddress::parse(family, address),
            None => NetworkAddress::Other { family: 0, address: v },
        }
    }
}

/// Chassis ID (TLV 1), by subtype. Strings are cut at [`MAX_STRING_LEN`] and at a NUL.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum ChassisId<'a> {
    /// 1: entPhysicalAlias of a chassis component.
    ChassisComponent(&'a [u8]),
    /// 2: ifAlias.
    InterfaceAlias(&'a [u8]),
    /// 3: entPhysicalAlias of a port or backplane component.
    PortComponent(&'a [u8]),
    /// 4
    Mac(MacAddr),
    /// 5
    Network(NetworkAddress<'a>),
    /// 6: ifName.
    InterfaceName(&'a [u8]),
    /// 7
    Local(&'a [u8]),
    /// A reserved subtype, or a MAC subtype whose value is not 6 bytes.
    Unknown { subtype: u8, value: &'a [u8] },
}

impl<'a> ChassisId<'a> {
    fn parse(v: &'a [u8]) -> ChassisId<'a> {
        let subtype = v.get(field::ID_SUBTYPE).copied().unwrap_or(0);
        let id = v.get(field::ID_VALUE..).unwrap_or_default();
        match subtype {
            1 => ChassisId::ChassisComponent(text(id)),
            2 => ChassisId::InterfaceAlias(text(id)),
            3 => ChassisId::PortComponent(text(id)),
            4 if id.len() == 6 => {
                MacAddr::from_slice(id).map_or(ChassisId::Unknown { subtype, value: id }, ChassisId::Mac)
            }
            5 => ChassisId::Network(NetworkAddress::from_id(id)),
            6 => ChassisId::InterfaceName(text(id)),
            7 => ChassisId::Local(text(id)),
            _ => ChassisId::Unknown { subtype, value: bounded(id) },
        }
    }

    pub fn subtype_name(&self) -> &'static str {
        match self {
            ChassisId::ChassisComponent(_) => "chassis-component",
            ChassisId::InterfaceAlias(_) => "interface-alias",
            ChassisId::PortComponent(_) => "port-component",
            ChassisId::Mac(_) => "mac",
            ChassisId::Network(_) => "network-address",
            ChassisId::InterfaceName(_) => "interface-name",
            ChassisId::Local(_) => "local",
            ChassisId::Unknown { .. } => "unknown",
        }
    }
}

/// Port ID (TLV 2), by subtype. Strings are cut at [`MAX_STRING_LEN`] and at a NUL.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum PortId<'a> {
    /// 1: ifAlias.
    InterfaceAlias(&'a [u8]),
    /// 2: entPhysicalAlias.
    PortComponent(&'a [u8]),
    /// 3
    Mac(MacAddr),
    /// 4
    Network(NetworkAddress<'a>),
    /// 5: ifName.
    InterfaceName(&'a [u8]),
    /// 6: agent circuit ID (RFC 3046).
    AgentCircuitId(&'a [u8]),
    /// 7
    Local(&'a [u8]),
    /// A reserved subtype, or a MAC subtype whose value is not 6 bytes.
    Unknown { subtype: u8, value: &'a [u8] },
}

impl<'a> PortId<'a> {
    fn parse(v: &'a [u8]) -> PortId<'a> {
        let subtype = v.get(field::ID_SUBTYPE).copied().unwrap_or(0);
        let id = v.get(field::ID_VALUE..).unwrap_or_default();
        match subtype {
            1 => PortId::InterfaceAlias(text(id)),
            2 => PortId::PortComponent(text(id)),
            3 if id.len() == 6 => MacAddr::from_slice(id).map_or(PortId::Unknown { subtype, value: id }, PortId::Mac),
            4 => PortId::Network(NetworkAddress::from_id(id)),
            5 => PortId::InterfaceName(text(id)),
            6 => PortId::AgentCircuitId(bounded(id)),
            7 => PortId::Local(text(id)),
            _ => PortId::Unknown { subtype, value: bounded(id) },
        }
    }

    pub fn subtype_name(&self) -> &'static str {
        match self {
            PortId::InterfaceAlias(_) => "interface-alias",
            PortId::PortComponent(_) => "port-component",
            PortId::Mac(_) => "mac",
            PortId::Network(_) => "network-address",
            PortId::InterfaceName(_) => "interface-name",
            PortId::AgentCircuitId(_) => "agent-circuit-id",
            PortId::Local(_) => "local",
            PortId::Unknown { .. } => "unknown",
        }
    }
}

/// A System Capabilities bit set (802.1AB Table 8-4).
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct Capabilities(pub u16);

impl Capabilities {
    pub const OTHER: u16 = 1 << 0;
    pub const REPEATER: u16 = 1 << 1;
    pub const BRIDGE: u16 = 1 << 2;
    pub const WLAN_AP: u16 = 1 << 3;
    pub const ROUTER: u16 = 1 << 4;
    pub const TELEPHONE: u16 = 1 << 5;
    pub const DOCSIS: u16 = 1 << 6;
    pub const STATION_ONLY: u16 = 1 << 7;
    pub const C_VLAN: u16 = 1 << 8;
    pub const S_VLAN: u16 = 1 << 9;
    pub const TPMR: u16 = 1 << 10;
    const NAMES: [&'static str; 16] = [
        "other",
        "repeater",
        "bridge",
        "wlan-ap",
        "router",
        "telephone",
        "docsis",
        "station-only",
        "c-vlan",
        "s-vlan",
        "tpmr",
        "bit11",
        "bit12",
        "bit13",
        "bit14",
        "bit15",
    ];

    pub fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }

    /// Names of the bits set, lowest first; reserved bits as `bitN`.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES.iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, n)| *n)
    }
}

/// System Capabilities (TLV 7).
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct SystemCapabilities {
    pub system: Capabilities,
    pub enabled: Capabilities,
}

/// How a management address's interface is numbered.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum InterfaceNumbering {
    /// 1
    Unknown,
    /// 2
    IfIndex,
    /// 3
    SystemPort,
    Other(u8),
}

impl From<u8> for InterfaceNumbering {
    fn from(v: u8) -> Self {
        match v {
            1 => InterfaceNumbering::Unknown,
            2 => InterfaceNumbering::IfIndex,
            3 => InterfaceNumbering::SystemPort,
            o => InterfaceNumbering::Other(o),
        }
    }
}

/// Management Address (TLV 8).
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct ManagementAddress<'a> {
    pub address: NetworkAddress<'a>,
    pub numbering: InterfaceNumbering,
    pub interface: u32,
    /// The object identifier of the agent, BER-encoded (usually empty).
    pub oid: &'a [u8],
}

impl<'a> ManagementAddress<'a> {
    fn parse(v: &'a [u8]) -> Option<ManagementAddress<'a>> {
        // The address string length counts the subtype byte: 2..=32 octets.
        let len = *v.get(field::MGMT_ADDR_LEN)? as usize;
        if !(2..=32).contains(&len) {
            return None;
        }
        let family = *v.get(field::MGMT_ADDR_SUBTYPE)?;
        let address = v.get(field::MGMT_ADDR..field::MGMT_ADDR + len - 1)?;
        let rest = v.get(field::MGMT_ADDR + len - 1..)?;
        let numbering = (*rest.get(field::MGMT_IF_SUBTYPE)?).into();
        let interface = u32::from_be_bytes(rest.get(field::MGMT_IF_NUMBER)?.try_into().ok()?);
        let oid_len = *rest.get(field::MGMT_OID_LEN)? as usize;
        let oid = rest.get(field::MGMT_OID..field::MGMT_OID + oid_len)?;
        Some(ManagementAddress { address: NetworkAddress::parse(family, address), numbering, interface, oid })
    }
}

/// IEEE 802.1 VLAN Name.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct VlanName<'a> {
    pub vid: u16,
    pub name: &'a [u8],
}

/// IEEE 802.3 MAC/PHY Configuration/Status.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct MacPhy {
    pub autoneg_supported: bool,
    pub autoneg_enabled: bool,
    /// PMD auto-negotiation advertised capability (ifMauAutoNegCapAdvertisedBits).
    pub advertised: u16,
    /// Operational MAU type (dot3MauType, IANA-MAU-MIB).
    pub mau_type: u16,
}

/// Names of the operational MAU types of IANA-MAU-MIB 1..=53 (dot3MauType…).
pub fn mau_name(mau: u16) -> Option<&'static str> {
    const NAMES: [&str; 54] = [
        "other",
        "AUI",
        "10Base5",
        "FOIRL",
        "10Base2",
        "10BaseT",
        "10BaseFP",
        "10BaseFB",
        "10BaseFL",
        "10Broad36",
        "10BaseTHD",
        "10BaseTFD",
        "10BaseFLHD",
        "10BaseFLFD",
        "100BaseT4",
        "100BaseTXHD",
        "100BaseTXFD",
        "100BaseFXHD",
        "100BaseFXFD",
        "100BaseT2HD",
        "100BaseT2FD",
        "1000BaseXHD",
        "1000BaseXFD",
        "1000BaseLXHD",
        "1000BaseLXFD",
        "1000BaseSXHD",
        "1000BaseSXFD",
        "1000BaseCXHD",
        "1000BaseCXFD",
        "1000BaseTHD",
        "1000BaseTFD",
        "10GigBaseX",
        "10GigBaseLX4",
        "10GigBaseR",
        "10GigBaseER",
        "10GigBaseLR",
        "10GigBaseSR",
        "10GigBaseW",
        "10GigBaseEW",
        "10GigBaseLW",
        "10GigBaseSW",
        "10GigBaseCX4",
        "2BaseTL",
        "10PassTS",
        "100BaseBX10D",
        "100BaseBX10U",
        "100BaseLX10",
        "1000BaseBX10D",
        "1000BaseBX10U",
        "1000BaseLX10",
        "1000BasePX10D",
        "1000BasePX10U",
        "1000BasePX20D",
        "1000BasePX20U",
    ];
    NAMES.get(mau as usize).copied()
}

/// LLDP-MED capability bits (TIA-1057 10.2.2.1).
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct MedCapabilities(pub u16);

impl MedCapabilities {
    const NAMES: [&'static str; 6] =
        ["capabilities", "network-policy", "location", "extended-power-pse", "extended-power-pd", "inventory"];

    /// Names of the bits set, lowest first; reserved bits as `bitN`.
    pub fn names(self) -> impl Iterator<Item = String> {
        (0..16).filter(move |i| self.0 & (1 << i) != 0).map(|i| match Self::NAMES.get(i) {
            Some(n) => (*n).to_string(),
            None => format!("bit{i}"),
        })
    }
}

/// LLDP-MED device class.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum DeviceClass {
    NotDefined,
    /// Class I: generic endpoint (e.g. a communication controller).
    EndpointI,
    /// Class II: media endpoint (e.g. a conference bridge).
    EndpointII,
    /// Class III: communication device (e.g. an IP phone).
    EndpointIII,
    /// A switch or access point offering LLDP-MED to endpoints.
    NetworkConnectivity,
    Unknown(u8),
}

impl From<u8> for DeviceClass {
    fn from(v: u8) -> Self {
        match v {
            0 => DeviceClass::NotDefined,
            1 => DeviceClass::EndpointI,
            2 => DeviceClass::EndpointII,
            3 => DeviceClass::EndpointIII,
            4 => DeviceClass::NetworkConnectivity,
            o => DeviceClass::Unknown(o),
        }
    }
}

/// LLDP-MED application types (TIA-1057 Table 12).
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Application {
    Voice,
    VoiceSignaling,
    GuestVoice,
    GuestVoiceSignaling,
    SoftphoneVoice,
    VideoConferencing,
    StreamingVideo,
    VideoSignaling,
    Unknown(u8),
}

impl From<u8> for Application {
    fn from(v: u8) -> Self {
        match v {
            1 => Application::Voice,
            2 => Application::VoiceSignaling,
            3 => Application::GuestVoice,
            4 => Application::GuestVoiceSignaling,
            5 => Application::SoftphoneVoice,
            6 => Application::VideoConferencing,
            7 => Application::StreamingVideo,
            8 => Application::VideoSignaling,
            o => Application::Unknown(o),
        }
    }
}

/// LLDP-MED Network Policy.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct NetworkPolicy {
    pub application: Application,
    /// U: the device does not know the policy (the other fields are meaningless).
    pub unknown_policy: bool,
    /// T: 802.1Q tagged.
    pub tagged: bool,
    pub vlan: u16,
    pub l2_priority: u8,
    pub dscp: u8,
}

/// Whether an Extended Power-via-MDI TLV comes from power sourcing or powered equipment.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum PowerType {
    Pse,
    Pd,
    Reserved(u8),
}

/// LLDP-MED Extended Power-via-MDI.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct ExtendedPower {
    pub power_type: PowerType,
    /// Meaning depends on the type: PSE 1 primary, 2 backup; PD 1 PSE, 2 local, 3 both.
    pub source: u8,
    /// 1 critical, 2 high, 3 low; 0 unknown.
    pub priority: u8,
    pub milliwatts: u32,
}

impl ExtendedPower {
    pub fn source_name(&self) -> &'static str {
        match (self.power_type, self.source) {
            (_, 0) => "unknown",
            (PowerType::Pse, 1) => "primary",
            (PowerType::Pse, 2) => "backup",
            (PowerType::Pd, 1) => "pse",
            (PowerType::Pd, 2) => "local",
            (PowerType::Pd, 3) => "pse-and-local",
            _ => "reserved",
        }
    }

    pub fn priority_name(&self) -> &'static str {
        match self.priority {
            0 => "unknown",
            1 => "critical",
            2 => "high",
            3 => "low",
            _ => "reserved",
        }
    }
}

/// The LLDP-MED TLVs of one LLDPDU.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Med<'a> {
    pub capabilities: Option<(MedCapabilities, DeviceClass)>,
    pub network_policies: Vec<NetworkPolicy>,
    pub power: Option<ExtendedPower>,
    pub hardware_revision: Option<&'a [u8]>,
    pub firmware_revision: Option<&'a [u8]>,
    pub software_revision: Option<&'a [u8]>,
    pub serial_number: Option<&'a [u8]>,
    pub manufacturer: Option<&'a [u8]>,
    pub model: Option<&'a [u8]>,
    pub asset_id: Option<&'a [u8]>,
}

/// A TLV not decoded here, kept by its code points.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum UnknownTlv {
    Reserved { kind: u8 },
    Organizational { oui: [u8; 3], subtype: u8 },
}

/// A decoded LLDPDU.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Lldpdu<'a> {
    pub chassis_id: ChassisId<'a>,
    pub port_id: Option<PortId<'a>>,
    pub ttl: Option<u16>,
    pub port_description: Option<&'a [u8]>,
    pub system_name: Option<&'a [u8]>,
    pub system_description: Option<&'a [u8]>,
    pub capabilities: Option<SystemCapabilities>,
    pub management_addresses: Vec<ManagementAddress<'a>>,
    /// 802.1 Port VLAN ID (PVID); 0 means the port is not VLAN-aware.
    pub port_vlan: Option<u16>,
    pub vlan_names: Vec<VlanName<'a>>,
    pub mac_phy: Option<MacPhy>,
    pub max_frame_size: Option<u16>,
    pub med: Med<'a>,
    /// RFC 8520 MUD URL: where the maker describes the device's expected traffic.
    pub mud_url: Option<&'a [u8]>,
    pub unknown: Vec<UnknownTlv>,
    /// The End of LLDPDU TLV was present.
    pub end: bool,
    /// The first problem met; everything before it was decoded.
    pub malformed: Option<WireError>,
}

/// A string value: up to the first NUL (some agents send fixed-size, NUL-padded buffers)
/// and at most [`MAX_STRING_LEN`] bytes.
fn text(v: &[u8]) -> &[u8] {
    let v = v.iter().position(|&b| b == 0).map_or(v, |n| &v[..n]);
    bounded(v)
}

fn bounded(v: &[u8]) -> &[u8] {
    &v[..v.len().min(MAX_STRING_LEN)]
}

/// Parses an LLDPDU (the payload after EtherType 0x88CC). `Err` only when it does not
/// start with a Chassis ID TLV.
pub fn parse(b: &[u8]) -> Result<Lldpdu<'_>, WireError> {
    let mut it = tlvs(b);
    let first = it.next().unwrap_or(Err(WireError::Truncated { needed: 2, got: b.len() }))?;
    if first.kind != tlv::CHASSIS_ID {
        return Err(WireError::Invalid("LLDP first TLV (not a Chassis ID)"));
    }
    if !(2..=256).contains(&first.value.len()) {
        return Err(WireError::Invalid("LLDP Chassis ID length"));
    }
    let mut du = Lldpdu {
        chassis_id: ChassisId::parse(first.value),
        port_id: None,
        ttl: None,
        port_description: None,
        system_name: None,
        system_description: None,
        capabilities: None,
        management_addresses: Vec::new(),
        port_vlan: None,
        vlan_names: Vec::new(),
        mac_phy: None,
        max_frame_size: None,
        med: Med::default(),
        mud_url: None,
        unknown: Vec::new(),
        end: false,
        malformed: None,
    };
    let mut count = 1;
    for t in it {
        let t = match t {
            Ok(t) => t,
            Err(e) => {
                du.malformed = Some(e);
                break;
            }
        };
        count += 1;
        if count > MAX_TLVS {
            du.malformed = Some(WireError::Invalid("LLDP TLV count (limit)"));
            break;
        }
        // The mandatory TLVs come second and third; without them this is no LLDPDU to
        // trust further.
        let expected = match count {
            2 => Some((tlv::PORT_ID, "LLDP second TLV (not a Port ID)")),
            3 => Some((tlv::TTL, "LLDP third TLV (not a Time To Live)")),
            _ => None,
        };
        if let Some((kind, what)) = expected {
            if t.kind != kind {
                du.malformed = Some(WireError::Invalid(what));
                break;
            }
        }
        if let Err(e) = du.take(t) {
            du.malformed.get_or_insert(e);
            if count <= 3 {
                break;
            }
        }
    }
    if count < 3 && du.malformed.is_none() {
        du.malformed = Some(WireError::Invalid("LLDP mandatory TLV missing"));
    }
    Ok(du)
}

impl<'a> Lldpdu<'a> {
    /// Decodes one TLV after the Chassis ID. An error marks the TLV as malformed; the
    /// TLVs after it are still read (its length delimited it).
    fn take(&mut self, t: Tlv<'a>) -> Result<(), WireError> {
        let v = t.value;
        match t.kind {
            tlv::END => self.end = true,
            tlv::PORT_ID => {
                if !(2..=256).contains(&v.len()) {
                    return Err(WireError::Invalid("LLDP Port ID length"));
                }
                self.port_id.get_or_insert(PortId::parse(v));
            }
            tlv::TTL => {
                let ttl = v.get(..2).ok_or(WireError::Invalid("LLDP TTL length"))?;
                self.ttl.get_or_insert(be16(ttl, 0));
            }
            tlv::PORT_DESCRIPTION => _ = self.port_description.get_or_insert(text(v)),
            tlv::SYSTEM_NAME => _ = self.system_name.get_or_insert(text(v)),
            tlv::SYSTEM_DESCRIPTION => _ = self.system_description.get_or_insert(text(v)),
            tlv::SYSTEM_CAPABILITIES => {
                if v.len() != field::CAPS_LEN {
                    return Err(WireError::Invalid("LLDP System Capabilities length"));
                }
                self.capabilities.get_or_insert(SystemCapabilities {
                    system: Capabilities(be16(v, field::CAPS_SYSTEM)),
                    enabled: Capabilities(be16(v, field::CAPS_ENABLED)),
                });
            }
            tlv::MANAGEMENT_ADDRESS => {
                let m = ManagementAddress::parse(v).ok_or(WireError::Invalid("LLDP Management Address"))?;
                if self.management_addresses.len() < MAX_MANAGEMENT_ADDRESSES {
                    self.management_addresses.push(m);
                }
            }
            tlv::ORGANIZATIONAL => {
                let oui: [u8; 3] = v
                    .get(field::ORG_OUI)
                    .and_then(|o| o.try_into().ok())
                    .ok_or(WireError::Invalid("LLDP organisational TLV length"))?;
                let subtype = *v.get(field::ORG_SUBTYPE).ok_or(WireError::Invalid("LLDP organisational TLV length"))?;
                let info = v.get(field::ORG_INFO..).unwrap_or_default();
                let known = match oui {
                    oui::IEEE_802_1 => self.ieee_802_1(subtype, info)?,
                    oui::IEEE_802_3 => self.ieee_802_3(subtype, info)?,
                    oui::TIA => self.med(subtype, info)?,
                    oui::IANA if subtype == 1 => {
                        self.mud_url.get_or_insert(text(info));
                        true
                    }
                    _ => false,
                };
                if !known {
                    self.unknown_tlv(UnknownTlv::Organizational { oui, subtype });
                }
            }
            kind => self.unknown_tlv(UnknownTlv::Reserved { kind }),
        }
        Ok(())
    }

    fn unknown_tlv(&mut self, u: UnknownTlv) {
        if self.unknown.len() < MAX_UNKNOWN {
            self.unknown.push(u);
        }
    }

    /// IEEE 802.1 (Annex D): Port VLAN ID and VLAN Name. Returns whether it was decoded.
    fn ieee_802_1(&mut self, subtype: u8, info: &'a [u8]) -> Result<bool, WireError> {
        match subtype {
            1 => {
                let pvid = info.get(..2).ok_or(WireError::Invalid("LLDP 802.1 Port VLAN ID length"))?;
                self.port_vlan.get_or_insert(be16(pvid, 0));
            }
            3 => {
                let bad = WireError::Invalid("LLDP 802.1 VLAN Name");
                let vid = info.get(field::VLAN_NAME_VID..field::VLAN_NAME_LEN).ok_or(bad)?;
                let len = *info.get(field::VLAN_NAME_LEN).ok_or(bad)? as usize;
                let name = info.get(field::VLAN_NAME..field::VLAN_NAME + len).ok_or(bad)?;
                if self.vlan_names.len() < MAX_VLAN_NAMES {
                    self.vlan_names.push(VlanName { vid: be16(vid, 0) & 0x0fff, name: text(name) });
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// IEEE 802.3 (Clause 79): MAC/PHY Configuration/Status and Maximum Frame Size.
    fn ieee_802_3(&mut self, subtype: u8, info: &'a [u8]) -> Result<bool, WireError> {
        match subtype {
            1 => {
                if info.len() < field::MAC_PHY_LEN {
                    return Err(WireError::Invalid("LLDP 802.3 MAC/PHY length"));
                }
                let an = info[field::MAC_PHY_AUTONEG];
                self.mac_phy.get_or_insert(MacPhy {
                    autoneg_supported: an & 0x01 != 0,
                    autoneg_enabled: an & 0x02 != 0,
                    advertised: be16(info, field::MAC_PHY_ADVERTISED),
                    mau_type: be16(info, field::MAC_PHY_MAU),
                });
            }
            4 => {
                let size = info.get(..2).ok_or(WireError::Invalid("LLDP 802.3 Maximum Frame Size length"))?;
                self.max_frame_size.get_or_insert(be16(size, 0));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// LLDP-MED (TIA-1057 clause 10): capabilities, network policy, extended power,
    /// inventory. Location (subtype 3) is not decoded.
    fn med(&mut self, subtype: u8, info: &'a [u8]) -> Result<bool, WireError> {
        let m = &mut self.med;
        match subtype {
            1 => {
                if info.len() < field::MED_CAPS_LEN {
                    return Err(WireError::Invalid("LLDP-MED Capabilities length"));
                }
                m.capabilities
                    .get_or_insert((MedCapabilities(be16(info, field::MED_CAPS)), info[field::MED_CLASS].into()));
            }
            2 => {
                let app = *info.get(field::POLICY_APP).ok_or(WireError::Invalid("LLDP-MED Network Policy length"))?;
                let bits = info.get(field::POLICY_BITS).ok_or(WireError::Invalid("LLDP-MED Network Policy length"))?;
                let bits = u32::from_be_bytes([0, bits[0], bits[1], bits[2]]);
                if m.network_policies.len() < MAX_NETWORK_POLICIES {
                    m.network_policies.push(NetworkPolicy {
                        application: app.into(),
                        unknown_policy: bits & 0x80_0000 != 0,
                        tagged: bits & 0x40_0000 != 0,
                        vlan: ((bits >> 9) & 0x0fff) as u16,
                        l2_priority: ((bits >> 6) & 0x07) as u8,
                        dscp: (bits & 0x3f) as u8,
                    });
                }
            }
            4 => {
                if info.len() < field::POWER_LEN {
                    return Err(WireError::Invalid("LLDP-MED Extended Power length"));
                }
                let f = info[field::POWER_FLAGS];
                m.power.get_or_insert(ExtendedPower {
                    power_type: match f >> 6 {
                        0 => PowerType::Pse,
                        1 => PowerType::Pd,
                        r => PowerType::Reserved(r),
                    },
                    source: (f >> 4) & 0x03,
                    priority: f & 0x0f,
                    milliwatts: u32::from(be16(info, field::POWER_VALUE)) * 100,
                });
            }
            5 => _ = m.hardware_revision.get_or_insert(text(info)),
            6 => _ = m.firmware_revision.get_or_insert(text(info)),
            7 => _ = m.software_revision.get_or_insert(text(info)),
            8 => _ = m.serial_number.get_or_insert(text(info)),
            9 => _ = m.manufacturer.get_or_insert(text(info)),
            10 => _ = m.model.get_or_insert(text(info)),
            11 => _ = m.asset_id.get_or_insert(text(info)),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a TLV header + value.
    fn t(kind: u8, value: &[u8]) -> Vec<u8> {
        let h = (u16::from(kind) << 9) | value.len() as u16;
        let mut v = h.to_be_bytes().to_vec();
        v.extend_from_slice(value);
        v
    }

    fn org(oui: [u8; 3], subtype: u8, info: &[u8]) -> Vec<u8> {
        let mut v = oui.to_vec();
        v.push(subtype);
        v.extend_from_slice(info);
        t(tlv::ORGANIZATIONAL, &v)
    }

    /// A TP-Link JetStream switch port (chassis 50:c7:bf:11:22:30) with every TLV decoded
    /// here: IDs, TTL, names, capabilities, two management addresses, 802.1 PVID and
    /// VLAN names, 802.3 MAC/PHY and max frame size, LLDP-MED capabilities, policy,
    /// power and inventory, one unknown org TLV and one reserved TLV, End, then padding.
    pub(crate) fn switch_fixture() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(t(tlv::CHASSIS_ID, &[4, 0x50, 0xc7, 0xbf, 0x11, 0x22, 0x30]));
        b.extend(t(tlv::PORT_ID, b"\x05gi1/0/3"));
        b.extend(t(tlv::TTL, &[0, 120]));
        b.extend(t(tlv::PORT_DESCRIPTION, b"gigabitEthernet 1/0/3 : copper\0\0"));
        b.extend(t(tlv::SYSTEM_NAME, b"T1600G-28TS"));
        b.extend(t(tlv::SYSTEM_DESCRIPTION, b"JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots"));
        b.extend(t(tlv::SYSTEM_CAPABILITIES, &[0x00, 0x14, 0x00, 0x04]));
        b.extend(t(tlv::MANAGEMENT_ADDRESS, &[5, 1, 192, 168, 0, 2, 2, 0, 0, 0, 3, 0]));
        let mut v6 = vec![17, 2];
        v6.extend("2001:db8::2".parse::<Ipv6Addr>().unwrap().octets());
        v6.extend([3, 0, 0, 0, 1, 2, 0x2b, 0x06]);
        b.extend(t(tlv::MANAGEMENT_ADDRESS, &v6));
        b.extend(org(oui::IEEE_802_1, 1, &[0x00, 0x0a]));
        b.extend(org(oui::IEEE_802_1, 3, &[0x00, 0x0a, 5, b'v', b'o', b'i', b'c', b'e']));
        b.extend(org(oui::IEEE_802_3, 1, &[0x03, 0x6c, 0x01, 0x00, 0x1e]));
        b.extend(org(oui::IEEE_802_3, 4, &[0x05, 0xee]));
        b.extend(org(oui::TIA, 1, &[0x00, 0x0f, 4]));
        b.extend(org(oui::TIA, 2, &[1, 0x40, 0x64, 0x2e])); // voice, tagged, VLAN 50, L2 0, DSCP 46
        b.extend(org(oui::TIA, 4, &[0x03, 0x00, 0x41])); // PSE, unknown source, low, 6.5 W
        b.extend(org(oui::TIA, 5, b"2.0"));
        b.extend(org(oui::TIA, 6, b"1.0.0"));
        b.extend(org(oui::TIA, 7, b"2.0.0 Build 20200608 Rel.43190"));
        b.extend(org(oui::TIA, 8, b"2198765432101"));
        b.extend(org(oui::TIA, 9, b"TP-Link\0junk"));
        b.extend(org(oui::TIA, 10, b"T1600G-28TS 2.0"));
        b.extend(org(oui::TIA, 11, b"rack-3"));
        b.extend(org(oui::IANA, 1, b"https://tp-link.example/mud/t1600g.json"));
        b.extend(org([0x00, 0x01, 0x42], 1, &[1, 2]));
        b.extend(t(42, b"x"));
        b.extend(t(tlv::END, &[]));
        b.extend([0u8; 6]);
        b
    }

    #[test]
    fn switch_fields() {
        let b = switch_fixture();
        let du = parse(&b).unwrap();
        assert_eq!(du.chassis_id, ChassisId::Mac("50:c7:bf:11:22:30".parse().unwrap()));
        assert_eq!(du.chassis_id.subtype_name(), "mac");
        assert_eq!(du.port_id, Some(PortId::InterfaceName(b"gi1/0/3")));
        assert_eq!(du.ttl, Some(120));
        assert_eq!(du.port_description, Some(&b"gigabitEthernet 1/0/3 : copper"[..]));
        assert_eq!(du.system_name, Some(&b"T1600G-28TS"[..]));
        assert_eq!(du.system_description, Some(&b"JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots"[..]));
        let caps = du.capabilities.unwrap();
        assert_eq!(caps.system.names().collect::<Vec<_>>(), vec!["bridge", "router"]);
        assert_eq!(caps.enabled.names().collect::<Vec<_>>(), vec!["bridge"]);
        assert!(caps.enabled.has(Capabilities::BRIDGE) && !caps.enabled.has(Capabilities::ROUTER));
        assert_eq!(
            du.management_addresses,
            vec![
                ManagementAddress {
                    address: NetworkAddress::V4(Ipv4Addr::new(192, 168, 0, 2)),
                    numbering: InterfaceNumbering::IfIndex,
                    interface: 3,
                    oid: &[],
                },
                ManagementAddress {
                    address: NetworkAddress::V6("2001:db8::2".parse().unwrap()),
                    numbering: InterfaceNumbering::SystemPort,
                    interface: 1,
                    oid: &[0x2b, 0x06],
                },
            ]
        );
        assert_eq!(du.port_vlan, Some(10));
        assert_eq!(du.vlan_names, vec![VlanName { vid: 10, name: b"voice" }]);
        assert_eq!(
            du.mac_phy,
            Some(MacPhy { autoneg_supported: true, autoneg_enabled: true, advertised: 0x6c01, mau_type: 30 })
        );
        assert_eq!(mau_name(30), Some("1000BaseTFD"));
        assert_eq!(mau_name(16), Some("100BaseTXFD"));
        assert_eq!(mau_name(54), None);
        assert_eq!(du.max_frame_size, Some(1518));
        let m = &du.med;
        assert_eq!(m.capabilities, Some((MedCapabilities(0x000f), DeviceClass::NetworkConnectivity)));
        assert_eq!(
            m.capabilities.unwrap().0.names().collect::<Vec<_>>(),
            vec!["capabilities", "network-policy", "location", "extended-power-pse"]
        );
        assert_eq!(
            m.network_policies,
            vec![NetworkPolicy {
                application: Application::Voice,
                unknown_policy: false,
                tagged: true,
                vlan: 50,
                l2_priority: 0,
                dscp: 46
            }]
        );
        let p = m.power.unwrap();
        assert_eq!((p.power_type, p.source, p.priority, p.milliwatts), (PowerType::Pse, 0, 3, 6500));
        assert_eq!((p.source_name(), p.priority_name()), ("unknown", "low"));
        assert_eq!(m.hardware_revision, Some(&b"2.0"[..]));
        assert_eq!(m.firmware_revision, Some(&b"1.0.0"[..]));
        assert_eq!(m.software_revision, Some(&b"2.0.0 Build 20200608 Rel.43190"[..]));
        assert_eq!(m.serial_number, Some(&b"2198765432101"[..]));
        assert_eq!(m.manufacturer, Some(&b"TP-Link"[..]), "cut at the NUL");
        assert_eq!(m.model, Some(&b"T1600G-28TS 2.0"[..]));
        assert_eq!(m.asset_id, Some(&b"rack-3"[..]));
        assert_eq!(du.mud_url, Some(&b"https://tp-link.example/mud/t1600g.json"[..]));
        assert_eq!(
            du.unknown,
            vec![UnknownTlv::Organizational { oui: [0, 1, 0x42], subtype: 1 }, UnknownTlv::Reserved { kind: 42 }]
        );
        assert!(du.end);
        assert_eq!(du.malformed, None);
    }

    #[test]
    fn id_subtypes() {
        fn c(v: &[u8]) -> ChassisId<'_> {
            ChassisId::parse(v)
        }
        assert_eq!(c(b"\x01chassis"), ChassisId::ChassisComponent(b"chassis"));
        assert_eq!(c(b"\x02alias"), ChassisId::InterfaceAlias(b"alias"));
        assert_eq!(c(b"\x03slot1"), ChassisId::PortComponent(b"slot1"));
        assert_eq!(c(&[5, 1, 10, 0, 0, 1]), ChassisId::Network(NetworkAddress::V4(Ipv4Addr::new(10, 0, 0, 1))));
        assert_eq!(c(&[5, 1, 10, 0]), ChassisId::Network(NetworkAddress::Other { family: 1, address: &[10, 0] }));
        assert_eq!(c(b"\x06eth0"), ChassisId::InterfaceName(b"eth0"));
        assert_eq!(c(b"\x07SN123"), ChassisId::Local(b"SN123"));
        assert_eq!(c(&[4, 1, 2, 3]), ChassisId::Unknown { subtype: 4, value: &[1, 2, 3] });
        assert_eq!(c(&[9, 1]), ChassisId::Unknown { subtype: 9, value: &[1] });
        fn p(v: &[u8]) -> PortId<'_> {
            PortId::parse(v)
        }
        assert_eq!(p(b"\x01Uplink"), PortId::InterfaceAlias(b"Uplink"));
        assert_eq!(p(b"\x02p"), PortId::PortComponent(b"p"));
        assert_eq!(p(&[3, 0, 0x23, 0x54, 0xc2, 0x57, 2]), PortId::Mac("00:23:54:c2:57:02".parse().unwrap()));
        assert_eq!(
            p(&[4, 6, 0, 1, 2, 3, 4, 5]),
            PortId::Network(NetworkAddress::Mac("00:01:02:03:04:05".parse().unwrap()))
        );
        assert_eq!(p(b"\x05Gi1/0/2"), PortId::InterfaceName(b"Gi1/0/2"));
        assert_eq!(p(b"\x06circuit"), PortId::AgentCircuitId(b"circuit"));
        assert_eq!(p(b"\x0722"), PortId::Local(b"22"));
        assert_eq!(p(&[0, 7]), PortId::Unknown { subtype: 0, value: &[7] });
        assert_eq!(p(&[3, 7]).subtype_name(), "unknown");
    }

    #[test]
    fn not_an_lldpdu() {
        assert!(matches!(parse(&[]), Err(WireError::Truncated { .. })));
        assert!(matches!(parse(&[0x02]), Err(WireError::Truncated { .. })));
        // tcpdump's lldp_8021_linkagg: an organisational TLV first.
        assert_eq!(
            parse(&t(127, &[0, 0x80, 0xc2, 7])).unwrap_err(),
            WireError::Invalid("LLDP first TLV (not a Chassis ID)")
        );
        assert_eq!(parse(&t(tlv::CHASSIS_ID, &[4])).unwrap_err(), WireError::Invalid("LLDP Chassis ID length"));
        assert!(matches!(parse(&t(tlv::CHASSIS_ID, &[4, 1, 2])[..4]), Err(WireError::Truncated { .. })));
    }

    #[test]
    fn mandatory_tlvs_in_order() {
        let mut b = t(tlv::CHASSIS_ID, b"\x07c");
        b.extend(t(tlv::SYSTEM_NAME, b"x"));
        let du = parse(&b).unwrap();
        assert_eq!(du.chassis_id, ChassisId::Local(b"c"));
        assert_eq!(du.malformed, Some(WireError::Invalid("LLDP second TLV (not a Port ID)")));
        assert_eq!(du.system_name, None, "nothing after a missing mandatory TLV is trusted");

        let mut b = t(tlv::CHASSIS_ID, b"\x07c");
        b.extend(t(tlv::PORT_ID, b"\x07p"));
        b.extend(t(tlv::SYSTEM_NAME, b"x"));
        assert_eq!(parse(&b).unwrap().malformed, Some(WireError::Invalid("LLDP third TLV (not a Time To Live)")));

        let mut b = t(tlv::CHASSIS_ID, b"\x07c");
        b.extend(t(tlv::PORT_ID, b"\x07"));
        assert_eq!(parse(&b).unwrap().malformed, Some(WireError::Invalid("LLDP Port ID length")));

        let b = t(tlv::CHASSIS_ID, b"\x07c");
        assert_eq!(parse(&b).unwrap().malformed, Some(WireError::Invalid("LLDP mandatory TLV missing")));
    }

    #[test]
    fn truncated_tlv_keeps_what_came_before() {
        let b = switch_fixture();
        // Cut inside the System Description TLV.
        let at = b.windows(9).position(|w| w == b"JetStream").unwrap() + 4;
        let du = parse(&b[..at]).unwrap();
        assert_eq!(du.system_name, Some(&b"T1600G-28TS"[..]));
        assert_eq!(du.system_description, None);
        assert!(matches!(du.malformed, Some(WireError::Truncated { .. })));
        assert!(!du.end);
    }

    #[test]
    fn bad_fixed_sizes_are_flagged_and_skipped() {
        let mut b = t(tlv::CHASSIS_ID, b"\x07c");
        b.extend(t(tlv::PORT_ID, b"\x07p"));
        b.extend(t(tlv::TTL, &[0, 120]));
        b.extend(t(tlv::SYSTEM_CAPABILITIES, &[0, 4, 0]));
        b.extend(t(tlv::MANAGEMENT_ADDRESS, &[40, 1, 1, 2, 3, 4]));
        b.extend(org(oui::TIA, 4, &[0]));
        b.extend(t(tlv::ORGANIZATIONAL, &[0, 0x12]));
        b.extend(t(tlv::SYSTEM_NAME, b"after"));
        let du = parse(&b).unwrap();
        assert_eq!(du.capabilities, None);
        assert!(du.management_addresses.is_empty());
        assert_eq!(du.med.power, None);
        assert_eq!(du.system_name, Some(&b"after"[..]), "TLVs after a bad one are kept");
        assert_eq!(du.malformed, Some(WireError::Invalid("LLDP System Capabilities length")), "the first problem");
    }

    #[test]
    fn limits() {
        let head = || {
            let mut b = t(tlv::CHASSIS_ID, b"\x07c");
            b.extend(t(tlv::PORT_ID, b"\x07p"));
            b.extend(t(tlv::TTL, &[0, 120]));
            b
        };
        // MAX_TLVS: 3 mandatory + 253 reserved TLVs parse; one more is malformed.
        let mut b = head();
        for _ in 3..MAX_TLVS {
            b.extend(t(100, &[]));
        }
        let du = parse(&b).unwrap();
        assert_eq!(du.malformed, None);
        assert_eq!(du.unknown.len(), MAX_UNKNOWN);
        b.extend(t(100, &[]));
        assert_eq!(parse(&b).unwrap().malformed, Some(WireError::Invalid("LLDP TLV count (limit)")));

        let mut b = head();
        for i in 0..MAX_VLAN_NAMES as u16 + 3 {
            b.extend(org(oui::IEEE_802_1, 3, &[(i >> 8) as u8, i as u8, 1, b'v']));
        }
        for i in 0..MAX_MANAGEMENT_ADDRESSES as u8 + 2 {
            b.extend(t(tlv::MANAGEMENT_ADDRESS, &[5, 1, 10, 0, 0, i, 1, 0, 0, 0, 0, 0]));
        }
        for app in 1..=MAX_NETWORK_POLICIES as u8 + 1 {
            b.extend(org(oui::TIA, 2, &[app, 0, 0, 0]));
        }
        let long = [b'a'; 400];
        b.extend(t(tlv::SYSTEM_DESCRIPTION, &long));
        let du = parse(&b).unwrap();
        assert_eq!(du.malformed, None);
        assert_eq!(du.vlan_names.len(), MAX_VLAN_NAMES);
        assert_eq!(du.management_addresses.len(), MAX_MANAGEMENT_ADDRESSES);
        assert_eq!(du.med.network_policies.len(), MAX_NETWORK_POLICIES);
        assert_eq!(du.system_description.map(<[u8]>::len), Some(MAX_STRING_LEN));
    }

    #[test]
    fn end_tlv_stops_and_padding_is_ignored() {
        let mut b = t(tlv::CHASSIS_ID, b"\x07c");
        b.extend(t(tlv::PORT_ID, b"\x07p"));
        b.extend(t(tlv::TTL, &[0, 120]));
        b.extend(t(tlv::END, &[]));
        b.extend(t(tlv::SYSTEM_NAME, b"after end"));
        b.push(0xff);
        let du = parse(&b).unwrap();
        assert!(du.end);
        assert_eq!(du.system_name, None);
        assert_eq!(du.malformed, None);
    }
}
