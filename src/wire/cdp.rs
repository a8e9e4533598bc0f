//! Cisco Discovery Protocol over SNAP; written by hand.
//!
//! Not yet implemented: the protocol work fills this in.
