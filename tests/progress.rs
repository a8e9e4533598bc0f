//! The progress bar of `read`: drawn on standard error only when that is a terminal,
//! erased before the output, silenced by `--quiet`. A terminal comes from util-linux
//! `script`, which runs the command on a pseudo-terminal (skipped when it is missing).

use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_quietwire")
}

const CAPTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/real/iot-sentinel-hs110-setup-a-1.pcap");

/// Runs `quietwire ARGS` on a pseudo-terminal and returns what the terminal received.
fn on_a_terminal(args: &str) -> Option<String> {
    let probe = Command::new("script").arg("--version").output();
    if probe.map(|o| !o.status.success()).unwrap_or(true) {
        eprintln!("skipped: util-linux `script` is not installed");
        return None;
    }
    let out = Command::new("script").args(["-qefc", &format!("{} {args}", bin()), "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn bar_is_drawn_on_a_terminal_and_erased() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    let Some(tty) = on_a_terminal(&format!("read -f json -o {} {CAPTURE}", json.display())) else { return };
    // Drawn at least once (at start), each draw a carriage return then the line.
    assert!(tty.contains("packets/s") && tty.contains(" devices"), "{tty:?}");
    let size = std::fs::metadata(CAPTURE).unwrap().len();
    assert!(size < 1_000_000, "the size check below assumes a small file");
    assert!(tty.contains(&format!(" / {:.0} kB", size as f64 / 1e3)), "total size shown: {tty:?}");
    // Erased at the end: the last thing on the terminal is "carriage return, clear line".
    assert!(tty.ends_with("\r\x1b[K"), "{tty:?}");
    // The output file is the same as without a terminal.
    let plain = Command::new(bin()).args(["read", "-f", "json", CAPTURE]).output().unwrap();
    assert_eq!(std::fs::read(&json).unwrap(), plain.stdout);
}

#[test]
fn no_bar_when_quiet_or_not_a_terminal() {
    if let Some(tty) = on_a_terminal(&format!("read --quiet -f csv {CAPTURE}")) {
        assert!(!tty.contains("packets/s"), "{tty:?}");
        assert!(tty.contains("50:c7:bf:00:c7:03"), "the output itself is there: {tty:?}");
    }
    let piped = Command::new(bin()).args(["read", CAPTURE]).output().unwrap();
    assert!(piped.status.success());
    assert!(piped.stderr.is_empty(), "{:?}", String::from_utf8_lossy(&piped.stderr));
}
