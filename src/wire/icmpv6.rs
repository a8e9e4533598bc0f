//! ICMPv6 neighbour discovery (RFC 4861), types 133-137.
//!
//! Not yet implemented: the protocol work fills this in.
