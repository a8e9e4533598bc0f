//! TP-Link Easy Smart switch protocol (RC4 with a fixed key) on UDP 29808/29809.
//!
//! Not yet implemented: the protocol work fills this in.
