//! Classification: vendor from the IEEE registry, and watchlist flags with the evidence
//! behind them. Rules are data (`rules/*.toml`); `engine` derives confidence from the
//! evidence, never from a stored label.

pub mod engine;
pub mod registry_import;
pub mod rules;
pub mod vendor;

use serde::{Deserialize, Serialize};

use crate::timestamp::Timestamp;

/// How sure a flag is; derived from its evidence, never set by hand.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Ord, PartialOrd, Hash, Serialize, Deserialize, clap::ValueEnum)]
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

    /// One level down (a locally administered twin of a registered block, a conflict).
    pub fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

/// One piece of evidence: what was observed, where, and what it says.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct Evidence {
    /// `oui`, or the protocol that told the fact (`dhcp`, `kasa`, `lldp` …).
    pub source: String,
    /// The rule that matched (`vendor` for registry matches).
    pub rule: String,
    /// The device field matched (`vendor`, `hostname`, `dhcp.vendor_class` …).
    pub field: String,
    pub value: String,
    pub confidence: Confidence,
    /// A human sentence; for registry evidence `prefix organisation`.
    pub detail: String,
    pub first_seen: Timestamp,
    /// True when this evidence speaks against the flag (another vendor's registered block).
    pub conflict: bool,
}

/// A device on a watchlist, with everything that put it there.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct Flag {
    pub watchlist: String,
    pub brand: String,
    pub confidence: Confidence,
    pub evidence: Vec<Evidence>,
}

/// A known-exploited model or a sign of compromise on a flagged device.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct RiskFinding {
    pub id: String,
    /// `known-exploited` or `possible-compromise`.
    pub kind: &'static str,
    pub title: String,
    pub watchlist: String,
    pub evidence: String,
}
