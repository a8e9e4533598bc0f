//! TP-Link discovery protocol (TDP) on UDP 20002/20004.
//!
//! Not yet implemented: the protocol work fills this in.
