//! DHCPv6 (RFC 8415), with relay-message nesting bounded.
//!
//! Not yet implemented: the protocol work fills this in.
