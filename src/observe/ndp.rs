//! ICMPv6 neighbour discovery → observations.
//!
//! Not yet implemented: the protocol work fills this in.

use super::{Context, Observation, Outcome};

pub fn handle(_cx: &Context, _payload: &[u8], _out: &mut Vec<Observation>) -> Outcome {
    Ok(())
}
