//! Command-line definitions (clap). Parsing only; `main.rs` turns them into work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use quietwire::classify::Confidence;
use quietwire::output::Format;

pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (IEEE vendor registry ", env!("QUIETWIRE_REGISTRY_DATE"), ")");

/// Passive network inventory: finds the devices on a network, and the TP-Link family
/// devices among them, by listening only. It never transmits, connects or resolves.
#[derive(Debug, Parser)]
#[command(name = "quietwire", version = VERSION, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read pcap/pcapng captures and print the device inventory.
    Read(ReadArgs),
    /// Print every observation and piece of evidence about one device.
    Explain(ExplainArgs),
    /// The built-in IEEE vendor registry: its date, lookups, and refreshing it.
    Vendors(VendorsArgs),
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Capture files (pcap or pcapng, whatever their extension), read in the order given.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// List only devices flagged on a watchlist.
    #[arg(long)]
    pub flagged: bool,
    #[command(flatten)]
    pub classify: ClassifyArgs,
    /// Most devices kept; beyond it the least recently seen are evicted and counted.
    #[arg(long, value_name = "N", default_value_t = quietwire::inventory::Limits::default().max_devices)]
    pub max_devices: usize,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Built-in watchlists to apply (tp-link, fcc-covered); repeat for several.
    #[arg(long = "watchlist", value_name = "NAME", default_values_t = vec!["tp-link".to_string()])]
    pub watchlists: Vec<String>,
    /// Extra rules (TOML); a file named like a watchlist adds to it or overrides its rules by id.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Flag devices at this confidence or above; weaker evidence stays as hints.
    #[arg(long, value_enum, default_value_t = Confidence::Medium)]
    pub min_confidence: Confidence,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The device's MAC address.
    pub mac: String,
    /// Capture files, as for `read`.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub classify: ClassifyArgs,
}

#[derive(Debug, Args)]
pub struct VendorsArgs {
    #[command(subcommand)]
    pub command: Option<VendorsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum VendorsCommand {
    /// Print the vendor registered for each MAC address.
    Lookup {
        #[arg(required = true, value_name = "MAC")]
        macs: Vec<String>,
    },
    /// Convert the IEEE's CSV files (oui.csv, mam.csv, oui36.csv, iab.csv) into the
    /// registry file compiled into quietwire (data/ieee-registry.tsv); then rebuild.
    Import {
        #[arg(required = true, value_name = "CSV")]
        files: Vec<PathBuf>,
        /// Date of the IEEE files (YYYY-MM-DD), reported by `quietwire --version`.
        #[arg(long)]
        date: String,
        /// Where the files came from, recorded in the registry header.
        #[arg(long, default_value = "IEEE Registration Authority CSV files")]
        source: String,
        #[arg(long, short = 'o', default_value = "data/ieee-registry.tsv")]
        output: PathBuf,
    },
}
