//! Omada discovery (UDP 29810-29817) and TDDP (UDP 1040): presence evidence → observations.
//!
//! Not yet implemented: the protocol work fills this in.

use super::{Context, Observation, Outcome};

pub fn handle(_cx: &Context, _payload: &[u8], _out: &mut Vec<Observation>) -> Outcome {
    Ok(())
}

/// TDDP (UDP 1040) traffic.
pub fn handle_tddp(_cx: &Context, _payload: &[u8], _out: &mut Vec<Observation>) -> Outcome {
    Ok(())
}
