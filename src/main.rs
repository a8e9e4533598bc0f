//! The `quietwire` binary: `main → run → ExitCode`.

mod cli;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use cli::{ClassifyArgs, Cli, Command, ExplainArgs, ReadArgs, VendorsArgs, VendorsCommand};
use quietwire::analyze::{Analyzer, truncation};
use quietwire::classify::rules::{self, Watchlist};
use quietwire::classify::{engine, registry_import, vendor};
use quietwire::inventory::Limits;
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
    }
}

fn watchlists(args: &ClassifyArgs) -> io::Result<Vec<Watchlist>> {
    let files: Vec<&Path> = args.rules.iter().map(PathBuf::as_path).collect();
    rules::load(&args.watchlists, &files).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))
}

/// Reads every file into `analyzer`, reporting errors and truncations on stderr.
/// Returns how many files could not be read at all.
fn read_all(analyzer: &mut Analyzer, files: &[PathBuf]) -> usize {
    let mut failed = 0;
    for path in files {
        match analyzer.read_file(path) {
            Ok(summary) => {
                if let Some((offset, detail)) = truncation(&summary) {
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

fn read(args: ReadArgs) -> io::Result<ExitCode> {
    let lists = watchlists(&args.classify)?;
    let limits = Limits { max_devices: args.max_devices.max(1), ..Limits::default() };
    let mut analyzer = Analyzer::new(limits);
    let failed = read_all(&mut analyzer, &args.files);
    analyzer.finish();
    let code = if failed > 0 { ExitCode::from(EXIT_ERROR) } else { ExitCode::SUCCESS };
    if failed == args.files.len() {
        return Ok(code);
    }
    let filter = report::Filter { min_confidence: args.classify.min_confidence, flagged_only: args.flagged };
    let report = report::build(&analyzer.inventory, &analyzer.stats, &lists, filter);
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            output::render(&report, args.format, &mut buf)?;
            atomic::write_file(path, &buf).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
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
    let failed = read_all(&mut analyzer, &args.files);
    analyzer.finish();
    if failed == args.files.len() {
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
