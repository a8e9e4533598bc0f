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
    /// Capture on a network interface (a mirror/SPAN port) and keep the inventory up to
    /// date: snapshots, events, state across restarts. Receive-only; see docs/live.md.
    Live(LiveArgs),
    /// List capture devices with their addresses and link types.
    Interfaces,
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write every page into a directory.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. bash: save as
    /// /usr/share/bash-completion/completions/quietwire (or source it from ~/.bashrc).
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (`quietwire man read` prints quietwire-read(1));
    /// none prints quietwire(1). View it with `quietwire man | man -l -`.
    #[arg(value_name = "SUBCOMMAND", conflicts_with = "dir")]
    pub subcommand: Vec<String>,
    /// Write quietwire.1 and one page per subcommand (quietwire-read.1, …) into DIR.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LiveArgs {
    /// Interface to capture on (see `quietwire interfaces`); give it no address.
    #[arg(long, short = 'i', value_name = "IFACE")]
    pub interface: String,
    /// BPF filter replacing the default (which passes only the discovery protocols
    /// quietwire reads, VLAN-tagged too, and grows with learned UPnP endpoints).
    #[arg(long, value_name = "BPF", conflicts_with = "all")]
    pub filter: Option<String>,
    /// Capture every frame, so devices that send only other traffic are counted too
    /// (costs CPU per frame; see docs/live.md for measured rates).
    #[arg(long)]
    pub all: bool,
    /// Write the inventory here (the `read --format json` document plus capture.stats),
    /// atomically, every --snapshot-every seconds and on exit. Defaults to --state.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Seconds between snapshots.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub snapshot_every: u64,
    /// Append NDJSON events (device_new, ip_new, hostname_new, flagged, ip_conflict,
    /// limit_hit, stopped) to FILE, or write them to standard output with `-`.
    #[arg(long, value_name = "FILE|-")]
    pub events: Option<String>,
    /// Load this snapshot at start (devices and first-seen times survive restarts); a
    /// damaged file is reported and renamed aside. Also the snapshot file unless
    /// --snapshot is given.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Run as this user once the interface is open (default when started as root: nobody).
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Do not put the interface in promiscuous mode (a mirror port needs it, unless the
    /// interface is already promiscuous).
    #[arg(long)]
    pub no_promisc: bool,
    /// Kernel capture buffer in MiB.
    #[arg(long, value_name = "MIB", default_value_t = quietwire::live::capture::DEFAULT_BUFFER_MIB,
          value_parser = clap::value_parser!(u32).range(1..=2047))]
    pub buffer_mib: u32,
    #[command(flatten)]
    pub classify: ClassifyArgs,
    /// Most devices kept; beyond it the least recently seen are evicted and counted.
    #[arg(long, value_name = "N", default_value_t = quietwire::inventory::Limits::default().max_devices)]
    pub max_devices: usize,
    /// Serve a read-only dashboard and API (/api/inventory, /api/events, /metrics) on
    /// this address, e.g. 127.0.0.1:8080. This is not the capture interface; a
    /// non-loopback address is warned about (no authentication).
    #[arg(long, value_name = "ADDR:PORT")]
    pub http: Option<std::net::SocketAddr>,
    /// Frames queued between capture and parsing at most (tests use a tiny queue).
    #[arg(long, value_name = "N", hide = true, default_value_t = quietwire::live::capture::QUEUE_FRAMES)]
    pub queue_frames: usize,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Capture files (pcap or pcapng, whatever their extension), read in the order given;
    /// a directory stands for the files in it, in name order.
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
    /// Files read at once (default: one per core). Each file is read in packet order and
    /// the inventories are merged in the order given; with 1, state that spans files (a
    /// TCP stream cut by file rotation) carries over.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Read each file on the thread that analyses it, instead of on a reader thread of
    /// its own (slower; for machines with a single core).
    #[arg(long)]
    pub no_reader_thread: bool,
    /// No progress bar (it is drawn on standard error only when that is a terminal).
    #[arg(long, short = 'q')]
    pub quiet: bool,
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
