use crate::timestamp::Timestamp;

/// The link-layer header type of a frame (pcap `LINKTYPE_*`), kept as a value when unknown.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Ord, PartialOrd)]
pub enum LinkType {
    /// LINKTYPE_ETHERNET (1).
    Ethernet,
    /// LINKTYPE_LINUX_SLL (113), Linux "cooked" capture v1.
    LinuxSll,
    /// LINKTYPE_LINUX_SLL2 (276), Linux "cooked" capture v2.
    LinuxSll2,
    /// LINKTYPE_RAW (101; 12 and 14 on some systems): a bare IPv4 or IPv6 packet.
    Raw,
    /// LINKTYPE_NULL (0): BSD loopback, a 4-byte address family in host byte order.
    Null,
    /// LINKTYPE_LOOP (108): OpenBSD loopback, the family in network byte order.
    Loop,
    /// LINKTYPE_IPV4 (228).
    Ipv4,
    /// LINKTYPE_IPV6 (229).
    Ipv6,
    Unknown(u32),
}

impl LinkType {
    pub fn from_raw(v: u32) -> LinkType {
        match v {
            0 => LinkType::Null,
            1 => LinkType::Ethernet,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            276 => LinkType::LinuxSll2,
            12 | 14 | 101 => LinkType::Raw,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            other => LinkType::Unknown(other),
        }
    }

    /// The short name used in reports (`"ethernet"`, `"linktype-127"` …).
    pub fn name(&self) -> String {
        match self {
            LinkType::Ethernet => "ethernet".into(),
            LinkType::LinuxSll => "linux-sll".into(),
            LinkType::LinuxSll2 => "linux-sll2".into(),
            LinkType::Raw => "raw-ip".into(),
            LinkType::Null => "null".into(),
            LinkType::Loop => "loop".into(),
            LinkType::Ipv4 => "ipv4".into(),
            LinkType::Ipv6 => "ipv6".into(),
            LinkType::Unknown(v) => format!("linktype-{v}"),
        }
    }
}

/// One captured frame. `data` is the captured bytes (possibly fewer than `orig_len`).
#[derive(Copy, Clone, Debug)]
pub struct Frame<'a> {
    pub ts: Timestamp,
    /// False when the format carries no time for this frame (pcapng simple packet
    /// blocks); `ts` is then the previous frame's time in the same file, or zero.
    pub ts_known: bool,
    pub link: LinkType,
    pub data: &'a [u8],
    pub orig_len: u32,
}
