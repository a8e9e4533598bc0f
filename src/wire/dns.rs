//! DNS, mDNS and LLMNR messages (RFC 1035, 6762, 4795) via hickory-proto.
//!
//! Not yet implemented: the protocol work fills this in.
