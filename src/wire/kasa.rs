//! TP-Link Kasa smart-home protocol (XOR autokey 171) on UDP/TCP 9999.
//!
//! Not yet implemented: the protocol work fills this in.
