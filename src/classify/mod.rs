//! Classification: vendor from the IEEE registry, and watchlist flags with evidence.

pub mod registry_import;
pub mod tplink;
pub mod vendor;

use serde::Serialize;

use crate::timestamp::Timestamp;

/// How sure a flag is; derived from its evidence, never set by hand.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Ord, PartialOrd, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Where a piece of evidence came from.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Ord, PartialOrd, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceSource {
    Oui,
}

#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct Evidence {
    pub source: EvidenceSource,
    pub detail: String,
    pub first_seen: Timestamp,
}

/// A device on a watchlist, with everything that put it there.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct Flag {
    pub watchlist: &'static str,
    pub brand: &'static str,
    pub confidence: Confidence,
    pub evidence: Vec<Evidence>,
}
