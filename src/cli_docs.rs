//! Documents generated from the clap definitions in `cli.rs`: shell completion scripts
//! (`quietwire completions SHELL`) and manual pages (`quietwire man`). Both are derived
//! from the same `Command`, so a new option shows up in `--help`, the completions and the
//! man pages at once.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The name the completions are registered for and the man pages are titled with.
const BIN: &str = "quietwire";

/// The completion script for `shell`. Rendered into memory: clap_complete panics when a
/// write fails, and stdout may be a closed pipe.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    script
}

/// One rendered manual page.
pub struct Page {
    /// `quietwire.1`, `quietwire-read.1`, `quietwire-vendors-lookup.1`, …
    pub file_name: String,
    /// The subcommand path it documents (empty for quietwire(1) itself).
    pub path: Vec<String>,
    pub roff: Vec<u8>,
}

/// Every manual page: quietwire(1), then one per visible subcommand, depth first.
pub fn man_pages() -> io::Result<Vec<Page>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    render(&cmd, &mut Vec::new(), &mut pages)?;
    Ok(pages)
}

fn render(cmd: &clap::Command, path: &mut Vec<String>, pages: &mut Vec<Page>) -> io::Result<()> {
    let version = cmd.get_version().unwrap_or_default();
    let man = clap_mangen::Man::new(cmd.clone()).source(format!("{BIN} {version}")).manual("quietwire manual");
    let mut rendered = Vec::new();
    man.render(&mut rendered)?;
    let roff = ascii_roff(&String::from_utf8_lossy(&rendered)).into_bytes();
    pages.push(Page { file_name: man.get_filename(), path: path.clone(), roff });
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        path.push(sub.get_name().to_string());
        render(sub, path, pages)?;
        path.pop();
    }
    Ok(())
}

/// Makes the page plain ASCII: troff reads raw bytes as Latin-1 unless `man` happens to
/// run preconv, and warns about UTF-8. Punctuation the help texts use (`…`, `—`) becomes
/// what groff draws on any terminal, including `-Tascii`; anything else becomes the
/// escape `\[uXXXX]`.
fn ascii_roff(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            _ if c.is_ascii() => out.push(c),
            // A line starting with a dot would be a request: `\&` keeps it text.
            '\u{2026}' if out.is_empty() || out.ends_with('\n') => out.push_str("\\&..."),
            '\u{2026}' => out.push_str("..."),
            '\u{2014}' => out.push_str("\\(em"),
            '\u{2013}' => out.push_str("\\(en"),
            '\u{2018}' => out.push_str("\\(oq"),
            '\u{2019}' => out.push_str("\\(cq"),
            '\u{201C}' => out.push_str("\\(lq"),
            '\u{201D}' => out.push_str("\\(rq"),
            '\u{2192}' => out.push_str("\\(->"),
            '\u{00D7}' => out.push_str("\\(mu"),
            '\u{00A0}' => out.push_str("\\~"),
            _ => out.push_str(&format!("\\[u{:04X}]", u32::from(c))),
        }
    }
    out
}

/// Prints the page for the subcommand `path` (quietwire(1) for an empty path).
pub fn print_page(path: &[String], out: &mut dyn Write) -> io::Result<()> {
    let pages = man_pages()?;
    match pages.iter().find(|p| p.path == path) {
        Some(p) => out.write_all(&p.roff),
        None => {
            let known: Vec<String> = pages.iter().filter(|p| !p.path.is_empty()).map(|p| p.path.join(" ")).collect();
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("no manual page for {:?}; there is one for: {}", path.join(" "), known.join(", ")),
            ))
        }
    }
}

/// Writes every page into `dir` (created if missing); returns the files written.
pub fn write_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let context = |e: io::Error, p: &Path| io::Error::new(e.kind(), format!("{}: {e}", p.display()));
    std::fs::create_dir_all(dir).map_err(|e| context(e, dir))?;
    let mut written = Vec::new();
    for page in man_pages()? {
        let file = dir.join(&page.file_name);
        std::fs::write(&file, &page.roff).map_err(|e| context(e, &file))?;
        written.push(file);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::ascii_roff;

    #[test]
    fn non_ascii_becomes_groff_escapes() {
        assert_eq!(ascii_roff("a\u{2026} b\u{2014}c"), "a... b\\(emc");
        assert_eq!(ascii_roff("\u{00E9}t\u{00E9} \u{1F600}"), "\\[u00E9]t\\[u00E9] \\[u1F600]");
        assert_eq!(ascii_roff(".TH x 1\n"), ".TH x 1\n");
        assert_eq!(ascii_roff("\u{2026}x\n\u{2026}y"), "\\&...x\n\\&...y");
    }
}
