//! The `quietwire` binary: `main → run → ExitCode`.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, ReadArgs, VendorsArgs, VendorsCommand};
use quietwire::analyze::{Analyzer, truncation};
use quietwire::classify::{registry_import, vendor};
use quietwire::inventory::Limits;
use quietwire::mac::MacAddr;
use quietwire::output::{self, atomic, report};

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
        Command::Vendors(args) => vendors(args),
    }
}

fn read(args: ReadArgs) -> io::Result<ExitCode> {
    let limits = Limits { max_devices: args.max_devices.max(1), ..Limits::default() };
    let mut analyzer = Analyzer::new(limits);
    let mut failed = 0usize;
    for path in &args.files {
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
    let code = if failed > 0 { ExitCode::from(EXIT_ERROR) } else { ExitCode::SUCCESS };
    if failed == args.files.len() {
        return Ok(code);
    }
    let report = report::build(&analyzer.inventory, &analyzer.stats);
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
    let _ = io::stderr().is_terminal();
    Ok(code)
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
