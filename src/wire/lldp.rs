//! LLDP (IEEE 802.1AB) with LLDP-MED (TIA-1057); written by hand: no maintained crate fits.
//!
//! Not yet implemented: the protocol work fills this in.
