//! Kasa (UDP 9999; TCP 9999 in `handle_tcp`) → observations.
//!
//! Not yet implemented: the protocol work fills this in.

use super::{Context, Observation, Outcome};

pub fn handle(_cx: &Context, _payload: &[u8], _out: &mut Vec<Observation>) -> Outcome {
    Ok(())
}

/// A Kasa message over TCP 9999 (4-byte length prefix).
pub fn handle_tcp(_cx: &Context, _payload: &[u8], _out: &mut Vec<Observation>) -> Outcome {
    Ok(())
}
