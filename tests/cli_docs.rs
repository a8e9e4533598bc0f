//! `quietwire completions SHELL` and `quietwire man`: both are generated from the clap
//! definitions, so these tests take the truth from `--help` (every subcommand, every
//! visible option, recursively) and check that the completions and the manual pages
//! cover exactly that, and that troff renders each page without a warning.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_quietwire");

/// Options hidden from `--help` and the man pages (test knobs). clap_complete offers
/// them anyway, by design: clap treats hidden as "not advertised", not "not accepted".
const HIDDEN_OPTIONS: &[(&str, &str)] = &[("live", "--queue-frames")];

/// Subcommands that exist today; the discovery below must find at least these.
const KNOWN_SUBCOMMANDS: &[&str] = &["read", "explain", "vendors", "live", "interfaces", "completions", "man"];

fn quietwire(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("COLUMNS", "200").stdin(Stdio::null()).output().expect("run quietwire")
}

fn stdout_of(args: &[&str]) -> String {
    let out = quietwire(args);
    assert!(out.status.success(), "quietwire {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Lines of the `-h` section starting with `title:` up to the next blank line.
fn section<'a>(help: &'a str, title: &str) -> Vec<&'a str> {
    help.lines().skip_while(|l| *l != title).skip(1).take_while(|l| !l.trim().is_empty()).collect()
}

/// What `quietwire PATH... -h` says about one (sub)command.
struct Help {
    subcommands: Vec<String>,
    long_options: BTreeSet<String>,
}

fn help(path: &[String]) -> Help {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("-h");
    let text = stdout_of(&args);
    let subcommands = section(&text, "Commands:")
        .iter()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect();
    // An option line starts at column 2 (`-f, --format`) or 6 (`    --flagged`); wrapped
    // descriptions are indented further.
    let long_options = section(&text, "Options:")
        .iter()
        .filter_map(|l| {
            let body = l.strip_prefix("  -")?;
            let long = if body.starts_with('-') { body } else { body.split_once(", ")?.1 };
            Some(long.split([' ', '<', '=']).next()?.to_string())
        })
        .chain(section(&text, "Options:").iter().filter_map(|l| {
            l.strip_prefix("      --").map(|b| format!("--{}", b.split([' ', '<', '=']).next().unwrap_or_default()))
        }))
        .collect();
    Help { subcommands, long_options }
}

/// Every command path with its help: `[]`, `[read]`, …, `[vendors, lookup]`, depth first.
fn all_commands() -> Vec<(Vec<String>, Help)> {
    fn walk(path: Vec<String>, out: &mut Vec<(Vec<String>, Help)>) {
        let h = help(&path);
        let subs = h.subcommands.clone();
        out.push((path.clone(), h));
        for s in subs {
            let mut p = path.clone();
            p.push(s);
            walk(p, out);
        }
    }
    let mut out = Vec::new();
    walk(Vec::new(), &mut out);
    out
}

#[test]
fn help_discovery_finds_the_known_commands_and_options() {
    let commands = all_commands();
    let top = &commands[0].1;
    for known in KNOWN_SUBCOMMANDS {
        assert!(top.subcommands.iter().any(|s| s == known), "{known} missing from {:?}", top.subcommands);
    }
    assert_eq!(top.long_options, BTreeSet::from(["--help".to_string(), "--version".to_string()]));
    let live = commands.iter().find(|(p, _)| p == &["live"]).expect("live");
    for opt in ["--interface", "--snapshot-every", "--state", "--events", "--user", "--no-promisc"] {
        assert!(live.1.long_options.contains(opt), "{opt} not found in live -h");
    }
    assert!(!live.1.long_options.contains("--queue-frames"), "hidden options stay hidden");
    assert!(commands.iter().any(|(p, _)| p == &["vendors", "lookup"]));
}

/// Runs the bash completion function for the words typed so far (the last is completed).
fn bash_complete(script: &Path, words: &[&str]) -> BTreeSet<String> {
    let cword = words.len() - 1;
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _quietwire quietwire '{}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words[cword],
    );
    let out = Command::new("bash").args(["--norc", "--noprofile", "-c", &program]).output().expect("run bash");
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn bash_completes_every_subcommand_and_option() {
    if !have("bash") {
        eprintln!("skipped: bash is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("quietwire.bash");
    std::fs::write(&script, stdout_of(&["completions", "bash"])).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(syntax.status.success(), "bash -n: {}", String::from_utf8_lossy(&syntax.stderr));

    for (path, h) in all_commands() {
        let mut words: Vec<&str> = std::iter::once("quietwire").chain(path.iter().map(String::as_str)).collect();
        words.push("--");
        let offered: BTreeSet<String> = bash_complete(&script, &words).into_iter().filter(|w| w.starts_with("--")).collect();
        let mut expected = h.long_options.clone();
        let sub = path.join(" ");
        expected.extend(HIDDEN_OPTIONS.iter().filter(|(p, _)| *p == sub).map(|(_, o)| o.to_string()));
        assert_eq!(offered, expected, "long options offered after `{}`", words.join(" "));
        if !h.subcommands.is_empty() {
            *words.last_mut().unwrap() = "";
            let offered = bash_complete(&script, &words);
            for s in &h.subcommands {
                assert!(offered.contains(s), "`{}` does not offer {s}: {offered:?}", words.join(" "));
            }
        }
    }
    // A prefix completes to the one subcommand it starts.
    assert_eq!(bash_complete(&script, &["quietwire", "li"]), BTreeSet::from(["live".to_string()]));
    assert_eq!(
        bash_complete(&script, &["quietwire", "completions", "z"]),
        BTreeSet::from(["zsh".to_string()])
    );
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    let commands = all_commands();
    for (shell, checker) in [
        ("bash", Some(vec!["bash", "-n"])),
        ("zsh", Some(vec!["zsh", "-n"])),
        ("fish", Some(vec!["fish", "--no-execute"])),
        ("elvish", None),
        ("powershell", None),
    ] {
        let script = stdout_of(&["completions", shell]);
        for (path, h) in &commands {
            for s in &h.subcommands {
                assert!(script.contains(s.as_str()), "{shell} script lacks {s} (under {path:?})");
            }
            for o in &h.long_options {
                assert!(script.contains(o.trim_start_matches('-')), "{shell} script lacks {o} (under {path:?})");
            }
        }
        match checker {
            Some(cmd) if have(cmd[0]) => {
                let dir = tempfile::tempdir().unwrap();
                let file = dir.path().join("script");
                std::fs::write(&file, &script).unwrap();
                let out = Command::new(cmd[0]).args(&cmd[1..]).arg(&file).output().unwrap();
                assert!(out.status.success(), "{shell} syntax check: {}", String::from_utf8_lossy(&out.stderr));
            }
            Some(cmd) => eprintln!("{shell}: syntax not checked ({} is not installed)", cmd[0]),
            None => {}
        }
    }
    let bad = quietwire(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

fn page_name(path: &[String]) -> String {
    std::iter::once("quietwire").chain(path.iter().map(String::as_str)).collect::<Vec<_>>().join("-") + ".1"
}

/// Renders a page as `man -l` would show it, with troff warnings on; `None` when neither
/// man nor groff is installed.
fn render(page: &Path, locale: &str) -> Option<Output> {
    let mut cmd = if have("man") {
        let mut c = Command::new("man");
        c.args(["--warnings", "-l"]).arg(page).env("MANWIDTH", "250").env("MAN_KEEP_FORMATTING", "0");
        c
    } else if have("groff") {
        let mut c = Command::new("groff");
        c.args(["-man", "-Tutf8", "-ww", "-rLL=250n"]).arg(page);
        c
    } else {
        return None;
    };
    Some(cmd.env("LC_ALL", locale).env("PAGER", "cat").stdin(Stdio::null()).output().expect("run man"))
}

/// Text as the terminal shows it: no overstrike bold, no hyphenation marks.
fn plain(out: &Output) -> String {
    let raw = String::from_utf8_lossy(&out.stdout);
    let mut text = String::new();
    for c in raw.chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    text.replace(['\u{2010}', '\u{2212}'], "-")
}

#[test]
fn man_pages_cover_every_subcommand_and_option_and_render_cleanly() {
    let commands = all_commands();
    let dir = tempfile::tempdir().unwrap();
    let listed = stdout_of(&["man", "--dir", dir.path().to_str().unwrap()]);

    // Exactly one page per command, named quietwire-SUB[-SUB].1, and nothing else.
    let expected: BTreeSet<String> = commands.iter().map(|(p, _)| page_name(p)).collect();
    let written: BTreeSet<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(written, expected);
    let listed: BTreeSet<String> =
        listed.lines().map(|l| Path::new(l).file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(listed, expected, "`man --dir` prints the files it wrote");

    let renderer = have("man") || have("groff");
    if !renderer {
        eprintln!("skipped rendering: neither man nor groff is installed");
    }
    for (path, h) in &commands {
        let file = dir.path().join(page_name(path));
        let roff = std::fs::read(&file).unwrap();
        assert!(roff.is_ascii(), "{} has non-ASCII bytes", file.display());
        // `quietwire man [SUB...]` prints the same page.
        let mut args = vec!["man"];
        args.extend(path.iter().map(String::as_str));
        assert_eq!(quietwire(&args).stdout, roff, "quietwire {args:?}");

        // The raw roff names every option (hyphens escaped as \-) and links every subcommand.
        let text = String::from_utf8(roff).unwrap();
        for o in &h.long_options {
            assert!(text.contains(&o.replace('-', "\\-")), "{} lacks {o}", file.display());
        }
        for s in &h.subcommands {
            let link = format!("{}({})", page_name(&[path.clone(), vec![s.clone()]].concat()).trim_end_matches(".1"), 1);
            assert!(text.contains(&link.replace('-', "\\-")), "{} lacks {link}", file.display());
        }

        for locale in ["C.UTF-8", "C"] {
            let Some(out) = render(&file, locale) else { continue };
            assert!(out.status.success(), "rendering {} failed: {}", file.display(), String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stderr), "", "warnings rendering {} in {locale}", file.display());
            let shown = plain(&out);
            for o in &h.long_options {
                assert!(shown.contains(o.as_str()), "{} as rendered lacks {o}:\n{shown}", file.display());
            }
            let name = page_name(path);
            assert!(shown.contains(name.trim_end_matches(".1")), "{} as rendered lacks its name", file.display());
        }
    }

    let missing = quietwire(&["man", "no-such-command"]);
    assert_eq!(missing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("no manual page for \"no-such-command\"") && err.contains("vendors lookup"), "{err}");
}
