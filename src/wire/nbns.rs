//! NetBIOS name service (RFC 1002), UDP 137.
//!
//! Not yet implemented: the protocol work fills this in.
