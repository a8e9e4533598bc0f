//! The `quietwire` binary: `main → run → ExitCode`.

mod cli;
mod cli_docs;
mod progress;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use cli::{ClassifyArgs, Cli, Command, ExplainArgs, LiveArgs, ReadArgs, VendorsArgs, VendorsCommand};
use quietwire::analyze::{Analyzer, truncation};
use quietwire::capture::Access;
use quietwire::classify::rules::{self, Watchlist};
use quietwire::classify::{engine, registry_import, vendor};
use quietwire::inventory::Limits;
use quietwire::live::{self, EventsTarget, FilterMode, LiveConfig, QueueLimits};
use quietwire::mac::MacAddr;
use quietwire::output::{self, atomic, explain, report};

/// Exit status for bad input or a failed run (as grep: 1 is reserved for "nothing found").
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quietwire: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> io::Result<ExitCode> {
    match cli.command {
        Command::Read(args) => read(args),
        Command::Explain(args) => explain_device(args),
        Command::Vendors(args) => vendors(args),
        Command::Live(args) => live_capture(args),
        Command::Interfaces => interfaces(),
        Command::Completions(args) => {
            let mut out = io::stdout().lock();
            out.write_all(&cli_docs::completions(args.shell))?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man(args) => man(args),
    }
}

fn man(args: cli::ManArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    match args.dir {
        Some(dir) => {
            for file in cli_docs::write_pages(&dir)? {
                writeln!(out, "{}", file.display())?;
            }
        }
        None => cli_docs::print_page(&args.subcommand, &mut out)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn watchlists(args: &ClassifyArgs) -> io::Result<Vec<Watchlist>> {
    let files: Vec<&Path> = args.rules.iter().map(PathBuf::as_path).collect();
    rules::load(&args.watchlists, &files).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))
}

/// Reports each file's errors and truncations on stderr; returns how many failed.
fn report_results(files: &[PathBuf], results: &[quietwire::analyze::FileResult]) -> usize {
    let mut failed = 0;
    for (path, r) in files.iter().zip(results) {
        match r {
            Ok(summary) => {
                if let Some((offset, detail)) = truncation(summary) {
                    eprintln!(
                        "quietwire: warning: {}: stopped at byte offset {offset}: {detail}; kept the {} frames before it",
                        path.display(),
                        summary.frames
                    );
                }
            }
            Err(e) => {
                eprintln!("quietwire: {e}");
                failed += 1;
            }
        }
    }
    failed
}

/// Reads every file into `analyzer` in order, reporting errors and truncations on stderr.
/// Returns how many files could not be read at all.
fn read_all(analyzer: &mut Analyzer, files: &[PathBuf]) -> usize {
    let results: Vec<_> = files.iter().map(|p| analyzer.read_file(p)).collect();
    report_results(files, &results)
}

fn read(args: ReadArgs) -> io::Result<ExitCode> {
    let lists = watchlists(&args.classify)?;
    let limits = Limits { max_devices: args.max_devices.max(1), ..Limits::default() };
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let files = quietwire::analyze::expand_inputs(&args.files)?;
    if files.is_empty() {
        eprintln!("quietwire: no capture files in {}", args.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let access = if args.no_reader_thread { Access::Stream } else { Access::Pipe };
    let bar = (!args.quiet && io::stderr().is_terminal()).then(|| progress::Bar::start(&files));
    let (analyzer, results) =
        quietwire::analyze::read_files_with(&files, limits, jobs, access, bar.as_ref().map(|b| b.counters()));
    drop(bar);
    let failed = report_results(&files, &results);
    let code = if failed > 0 { ExitCode::from(EXIT_ERROR) } else { ExitCode::SUCCESS };
    if failed == files.len() {
        return Ok(code);
    }
    let filter = report::Filter { min_confidence: args.classify.min_confidence, flagged_only: args.flagged };
    let report = report::build(&analyzer.inventory, &analyzer.stats, &lists, filter);
    match &args.output {
        Some(path) => {
            atomic::write_with(path, |w| output::render(&report, args.format, w))
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            output::render(&report, args.format, &mut out)?;
            out.flush()?;
        }
    }
    Ok(code)
}

fn explain_device(args: ExplainArgs) -> io::Result<ExitCode> {
    let mac: MacAddr = args.mac.parse().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("{e}")))?;
    let lists = watchlists(&args.classify)?;
    let mut analyzer = Analyzer::new(Limits::default());
    analyzer.watch(mac);
    let files = quietwire::analyze::expand_inputs(&args.files)?;
    let failed = read_all(&mut analyzer, &files);
    analyzer.finish();
    if failed == files.len() {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let found = match analyzer.inventory.get(&mac) {
        Some(d) => {
            let c = engine::classify(d, &lists, args.classify.min_confidence);
            explain::write(d, &c, analyzer.watched(), &mut out)?;
            true
        }
        None => {
            writeln!(out, "{mac}: not seen in the given captures")?;
            false
        }
    };
    out.flush()?;
    Ok(if failed > 0 { ExitCode::from(EXIT_ERROR) } else if found { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn vendors(args: VendorsArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    match args.command {
        None => {
            let (l, m, s) = vendor::registry_counts();
            writeln!(out, "IEEE vendor registry dated {}", vendor::registry_date())?;
            writeln!(out, "source: {}", vendor::registry_source())?;
            writeln!(out, "assignments: {l} MA-L, {m} MA-M, {s} MA-S/IAB")?;
            writeln!(out, "refresh: quietwire vendors import oui.csv mam.csv oui36.csv iab.csv --date YYYY-MM-DD, then rebuild")?;
            Ok(ExitCode::SUCCESS)
        }
        Some(VendorsCommand::Lookup { macs }) => {
            let mut code = ExitCode::SUCCESS;
            for m in macs {
                match m.parse::<MacAddr>() {
                    Ok(mac) => match vendor::lookup(mac) {
                        Some(a) => writeln!(out, "{mac}\t{}\t{}\t{}", a.prefix_text(), a.registry, a.organization)?,
                        None if mac.is_local() => writeln!(out, "{mac}\t-\tlocal\t(locally administered: no registered vendor)")?,
                        None => writeln!(out, "{mac}\t-\t-\t(not registered)")?,
                    },
                    Err(e) => {
                        eprintln!("quietwire: {e}");
                        code = ExitCode::from(EXIT_ERROR);
                    }
                }
            }
            Ok(code)
        }
        Some(VendorsCommand::Import { files, date, source, output }) => {
            let text = registry_import::import(&files, &date, &source).map_err(io::Error::other)?;
            atomic::write_file(&output, text.as_bytes())?;
            let rows = text.lines().filter(|l| !l.starts_with('#')).count();
            writeln!(out, "wrote {rows} assignments to {}; rebuild quietwire to use them", output.display())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn live_capture(args: LiveArgs) -> io::Result<ExitCode> {
    let lists = watchlists(&args.classify)?;
    let mode = match (args.all, args.filter) {
        (true, _) => FilterMode::All,
        (false, Some(f)) => FilterMode::Custom(f),
        (false, None) => FilterMode::Default,
    };
    let events = args.events.map(|e| if e == "-" { EventsTarget::Stdout } else { EventsTarget::File(PathBuf::from(e)) });
    let config = LiveConfig {
        interface: args.interface,
        mode,
        promiscuous: !args.no_promisc,
        buffer_mib: args.buffer_mib,
        snapshot: args.snapshot,
        snapshot_every: std::time::Duration::from_secs(args.snapshot_every),
        events,
        state: args.state,
        user: args.user,
        lists,
        min_confidence: args.classify.min_confidence,
        limits: Limits { max_devices: args.max_devices.max(1), ..Limits::default() },
        queue: QueueLimits { frames: args.queue_frames.max(1), ..QueueLimits::default() },
        http: args.http,
    };
    match live::run(config) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("quietwire: {e}");
            Ok(ExitCode::from(EXIT_ERROR))
        }
    }
}

fn interfaces() -> io::Result<ExitCode> {
    let list = live::interfaces().map_err(|e| io::Error::other(format!("listing capture devices: {e}")))?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let rows: Vec<[String; 5]> = list
        .iter()
        .map(|i| {
            let mut flags = Vec::new();
            for (on, name) in [(i.up, "up"), (i.running, "running"), (i.loopback, "loopback")] {
                if on {
                    flags.push(name);
                }
            }
            let ipv6 = match i.ipv6_enabled {
                Some(true) => "on",
                Some(false) => "off",
                None => "-",
            };
            let addrs: Vec<String> = i.addresses.iter().map(|a| a.to_string()).collect();
            [
                i.name.clone(),
                i.link.map_or_else(|| "-".to_string(), |l| l.name()),
                if flags.is_empty() { "-".into() } else { flags.join(",") },
                ipv6.to_string(),
                if addrs.is_empty() { "-".into() } else { addrs.join(" ") },
            ]
        })
        .collect();
    let header = ["NAME", "LINK", "FLAGS", "IPV6", "ADDRESSES"].map(String::from);
    let mut widths = [0usize; 4];
    for r in std::iter::once(&header).chain(&rows) {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    for r in std::iter::once(&header).chain(&rows) {
        writeln!(out, "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}", r[0], r[1], r[2], r[3], r[4], w0 = widths[0], w1 = widths[1], w2 = widths[2], w3 = widths[3])?;
    }
    if list.iter().any(|i| i.link.is_none() && !i.name.contains("bluetooth") && !i.name.contains("dbus")) && !live::sandbox::is_root() {
        writeln!(out, "(LINK needs the privilege to capture: root, or cap_net_raw on the binary)")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
