//! The Debian package built by `packaging/build-deb` (which `.ci/run` runs before
//! `cargo test`): what it contains, that it matches the current code, that dpkg installs
//! and purges it, that systemd accepts its unit, and that the unit's command runs with
//! nothing but the privileges the unit grants.
//!
//! Without a package in target/debian each test prints how to build one and passes; under
//! CI (`CI` set) a missing package is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_quietwire");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const UNIT: &str = "usr/lib/systemd/system/quietwire@.service";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn run(cmd: &mut Command) -> Output {
    let o = cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(o.status.success(), "{cmd:?} failed: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    o
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(run(cmd).stdout).expect("UTF-8")
}

/// The package for this version, if one was built.
fn deb() -> Option<PathBuf> {
    let dir = root().join("target/debian");
    let prefix = format!("quietwire_{VERSION}-1_");
    let found = fs::read_dir(&dir).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix) && n.to_string_lossy().ends_with(".deb")))
    });
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "no {prefix}*.deb in {}: .ci/run must build it (packaging/build-deb)", dir.display());
        eprintln!("skipped: no {prefix}*.deb in {}; build it with packaging/build-deb (needs cargo-deb)", dir.display());
    }
    found
}

macro_rules! require_deb {
    () => {
        match deb() {
            Some(d) => d,
            None => return,
        }
    };
}

/// The package unpacked into a temporary directory.
fn extract(deb: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(dir.path()));
    dir
}

/// Manual pages the current code generates, by file name.
fn current_man_pages() -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    run(Command::new(BIN).args(["man", "--dir"]).arg(dir.path()));
    fs::read_dir(dir.path())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().into_string().unwrap(), fs::read(e.path()).unwrap())
        })
        .collect()
}

fn rule_files() -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(root().join("src/classify/rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    v.sort();
    v
}

/// Regular files in the package and their modes, from `dpkg-deb -c`.
fn listing(deb: &Path) -> BTreeMap<String, (String, String)> {
    let text = stdout(Command::new("dpkg-deb").arg("-c").arg(deb));
    text.lines()
        .filter(|l| l.starts_with('-'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let path = f.last().unwrap().trim_start_matches("./").to_string();
            (path, (f[0].to_string(), f[1].to_string()))
        })
        .collect()
}

#[test]
fn package_holds_binary_man_pages_completions_unit_and_docs() {
    let deb = require_deb!();
    let files = listing(&deb);

    let mut expected: BTreeMap<String, &str> = BTreeMap::new();
    expected.insert("usr/bin/quietwire".into(), "-rwxr-xr-x");
    for page in current_man_pages().keys() {
        expected.insert(format!("usr/share/man/man1/{page}.gz"), "-rw-r--r--");
    }
    for f in [
        "usr/share/bash-completion/completions/quietwire",
        "usr/share/zsh/vendor-completions/_quietwire",
        "usr/share/fish/vendor_completions.d/quietwire.fish",
        UNIT,
        "etc/default/quietwire",
        "etc/logrotate.d/quietwire",
        "usr/share/doc/quietwire/README.md",
        "usr/share/doc/quietwire/live.md",
        "usr/share/doc/quietwire/copyright",
    ] {
        expected.insert(f.into(), "-rw-r--r--");
    }
    for r in rule_files() {
        expected.insert(format!("usr/share/quietwire/rules/{r}"), "-rw-r--r--");
    }
    assert!(expected.contains_key("usr/share/man/man1/quietwire-live.1.gz"));
    assert!(expected.contains_key("usr/share/quietwire/rules/tp-link.toml"));

    let got: BTreeSet<&String> = files.keys().collect();
    let want: BTreeSet<&String> = expected.keys().collect();
    assert_eq!(got, want, "files in {}", deb.display());
    for (path, (mode, owner)) in &files {
        assert_eq!(mode, expected[path], "mode of {path}");
        assert_eq!(owner, "0/0", "owner of {path}");
    }
}

#[test]
fn control_fields_dependencies_and_conffiles() {
    let deb = require_deb!();
    let field = |name: &str| stdout(Command::new("dpkg-deb").args(["-f"]).arg(&deb).arg(name)).trim().to_string();
    assert_eq!(field("Package"), "quietwire");
    assert_eq!(field("Version"), format!("{VERSION}-1"));
    assert_eq!(field("Section"), "net");
    let depends = field("Depends");
    assert!(depends.split(", ").any(|d| d.starts_with("libpcap0.8")), "Depends: {depends}");
    assert!(depends.split(", ").any(|d| d.starts_with("libc6")), "Depends: {depends}");

    let control = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(control.path()));
    let conffiles: BTreeSet<String> = fs::read_to_string(control.path().join("conffiles")).unwrap().lines().map(String::from).collect();
    assert_eq!(conffiles, BTreeSet::from(["/etc/default/quietwire".to_string(), "/etc/logrotate.d/quietwire".to_string()]));
}

/// Every packaged file is what the current tree and binary produce: a stale or wrongly
/// assembled package fails here.
#[test]
fn packaged_files_match_the_current_code() {
    let deb = require_deb!();
    let tree = extract(&deb);
    let t = tree.path();

    let packaged = t.join("usr/bin/quietwire");
    assert_eq!(stdout(Command::new(&packaged).arg("--version")), stdout(Command::new(BIN).arg("--version")));
    if have("readelf") {
        let sections = stdout(Command::new("readelf").arg("-S").arg(&packaged));
        assert!(!sections.contains(".debug_info"), "the packaged binary is not stripped");
    }

    for (page, roff) in current_man_pages() {
        let gz = t.join("usr/share/man/man1").join(format!("{page}.gz"));
        let unzipped = run(Command::new("gzip").arg("-dc").arg(&gz)).stdout;
        assert!(unzipped == roff, "{page} in the package differs from `quietwire man`: rebuild with packaging/build-deb");
    }
    for (shell, path) in [
        ("bash", "usr/share/bash-completion/completions/quietwire"),
        ("zsh", "usr/share/zsh/vendor-completions/_quietwire"),
        ("fish", "usr/share/fish/vendor_completions.d/quietwire.fish"),
    ] {
        let current = run(Command::new(BIN).args(["completions", shell])).stdout;
        assert!(fs::read(t.join(path)).unwrap() == current, "{path} differs from `quietwire completions {shell}`: rebuild with packaging/build-deb");
    }
    let same = [
        ("packaging/quietwire@.service", UNIT.to_string()),
        ("packaging/default", "etc/default/quietwire".to_string()),
        ("packaging/logrotate", "etc/logrotate.d/quietwire".to_string()),
        ("README.md", "usr/share/doc/quietwire/README.md".to_string()),
        ("docs/live.md", "usr/share/doc/quietwire/live.md".to_string()),
    ];
    let rules = rule_files().into_iter().map(|r| (format!("src/classify/rules/{r}"), format!("usr/share/quietwire/rules/{r}")));
    for (src, dst) in same.into_iter().map(|(s, d)| (s.to_string(), d)).chain(rules) {
        assert!(fs::read(root().join(&src)).unwrap() == fs::read(t.join(&dst)).unwrap(), "{dst} differs from {src}: rebuild with packaging/build-deb");
    }
}

#[test]
fn dpkg_installs_and_purges_it_cleanly() {
    let deb = require_deb!();
    let r = tempfile::tempdir().unwrap();
    let admin = r.path().join("var/lib/dpkg");
    for d in ["info", "updates", "triggers"] {
        fs::create_dir_all(admin.join(d)).unwrap();
    }
    File::create(admin.join("status")).unwrap();
    let dpkg = |args: &[&str]| {
        let mut c = Command::new("dpkg");
        c.arg(format!("--root={}", r.path().display())).args(["--force-depends", "--force-script-chrootless"]).args(args);
        c
    };
    run(&mut dpkg(&["-i", deb.to_str().unwrap()]));
    let status = stdout(&mut dpkg(&["-s", "quietwire"]));
    assert!(status.contains("Status: install ok installed"), "{status}");
    assert!(r.path().join("usr/bin/quietwire").is_file());
    assert!(r.path().join("usr/share/man/man1/quietwire-live.1.gz").is_file());
    assert!(r.path().join("etc/default/quietwire").is_file());

    run(&mut dpkg(&["-P", "quietwire"]));
    let left: Vec<PathBuf> = walk(r.path()).into_iter().filter(|p| !p.starts_with(&admin)).collect();
    assert_eq!(left, Vec::<PathBuf>::new(), "files left after purge");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `[Service]` settings of the packaged unit: key → values, in order.
fn unit_settings(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if line.starts_with('[') {
            section = line.to_string();
        } else if let Some((k, v)) = line.split_once('=') {
            map.entry(format!("{section}{k}")).or_default().push(v.to_string());
        }
    }
    map
}

fn one<'a>(u: &'a BTreeMap<String, Vec<String>>, key: &str) -> &'a str {
    match u.get(&format!("[Service]{key}")).map(Vec::as_slice) {
        Some([v]) => v,
        other => panic!("[Service] {key}: expected one value, found {other:?}"),
    }
}

fn words(s: &str) -> BTreeSet<&str> {
    s.split_whitespace().collect()
}

#[test]
fn unit_runs_live_as_a_dynamic_user_with_one_capability() {
    let deb = require_deb!();
    let tree = extract(&deb);
    let u = unit_settings(&fs::read_to_string(tree.path().join(UNIT)).unwrap());

    let caps = BTreeSet::from(["CAP_NET_RAW"]);
    assert_eq!(words(one(&u, "AmbientCapabilities")), caps);
    assert_eq!(words(one(&u, "CapabilityBoundingSet")), caps);
    assert_eq!(words(one(&u, "RestrictAddressFamilies")), BTreeSet::from(["AF_PACKET", "AF_NETLINK", "AF_UNIX"]));
    for (key, value) in [
        ("DynamicUser", "yes"),
        ("StateDirectory", "quietwire/%I"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("Restart", "on-failure"),
    ] {
        assert_eq!(one(&u, key), value, "{key}");
    }
    assert_eq!(u.get("[Unit]BindsTo").map(Vec::as_slice), Some(&["sys-subsystem-net-devices-%i.device".to_string()][..]));
    assert_eq!(
        one(&u, "ExecStart"),
        "/usr/bin/quietwire live -i %I --state /var/lib/quietwire/%I/inventory.json \
         --events /var/lib/quietwire/%I/events.ndjson $QUIETWIRE_ARGS"
    );
    assert!(!u.contains_key("[Service]User") || one(&u, "User") == "quietwire");
    assert_eq!(
        u.get("[Service]EnvironmentFile").cloned().unwrap_or_default(),
        vec!["-/etc/default/quietwire".to_string(), "-/etc/default/quietwire@%i".to_string()]
    );
    let defaults = fs::read_to_string(tree.path().join("etc/default/quietwire")).unwrap();
    assert!(defaults.lines().any(|l| l == "QUIETWIRE_ARGS=\"\""), "{defaults}");
}

/// A copy of the unit pointing at the unpacked binary; returns the path of its instance
/// quietwire@eth0.service (systemd-analyze finds the template beside it).
fn unit_for_tree(tree: &Path, dir: &Path) -> PathBuf {
    let text = fs::read_to_string(tree.join(UNIT)).unwrap();
    let bin = tree.join("usr/bin/quietwire");
    let text = text.replace("ExecStart=/usr/bin/quietwire ", &format!("ExecStart={} ", bin.display()));
    let unit = dir.join("quietwire@.service");
    fs::write(&unit, text).unwrap();
    dir.join("quietwire@eth0.service")
}

#[test]
fn systemd_analyze_verifies_the_unit_and_rates_it_well_hardened() {
    let deb = require_deb!();
    if !have("systemd-analyze") {
        eprintln!("skipped: systemd-analyze is not installed (apt-get install systemd)");
        return;
    }
    let tree = extract(&deb);
    let dir = tempfile::tempdir().unwrap();
    let instance = unit_for_tree(tree.path(), dir.path());
    // MANPATH lets the Documentation=man:quietwire-live(1) check find the packaged page.
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&instance)
        .env("MANPATH", tree.path().join("usr/share/man"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success() && err.is_empty(), "systemd-analyze verify: {err}");

    let security = Command::new("systemd-analyze").args(["security", "--offline=yes", "--no-pager"]).arg(&instance).output().unwrap();
    let text = String::from_utf8_lossy(&security.stdout);
    let exposure: f64 = text
        .lines()
        .find_map(|l| l.split_once("Overall exposure level for quietwire@eth0.service: "))
        .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{text}{}", String::from_utf8_lossy(&security.stderr)));
    // 2.0 with systemd 252: what remains is the host network, which capturing needs,
    // CAP_NET_RAW itself, AF_UNIX, /proc/sys (read for the IPv6 check).
    assert!(exposure <= 2.0, "exposure {exposure} > 2.0:\n{text}");
}

/// A private network namespace with a veth pair `qa` ↔ `qb`, IPv6 off, deleted on drop.
struct Netns(String);

impl Netns {
    fn new() -> Netns {
        let ns = Netns(format!("qwpkg-{}", std::process::id()));
        run(Command::new("ip").args(["netns", "add", &ns.0]));
        run(Command::new("ip").args(["-n", &ns.0, "link", "add", "qa", "type", "veth", "peer", "name", "qb"]));
        for dev in ["qa", "qb"] {
            run(Command::new("ip").args(["netns", "exec", &ns.0, "sh", "-c", &format!("echo 1 > /proc/sys/net/ipv6/conf/{dev}/disable_ipv6")]));
            run(Command::new("ip").args(["-n", &ns.0, "link", "set", dev, "up"]));
        }
        ns
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Kills (SIGKILL) and reaps a child if the test ends early.
struct Guard(std::process::Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The unit's ExecStart, run the way systemd would run it for quietwire@qb: as an
/// unprivileged user holding only the unit's ambient capabilities (and a bounding set of
/// the same), with no_new_privs, writing into a state directory it owns. It captures the
/// frames replayed on the other end of the veth, stops cleanly on SIGTERM, and (traced
/// with strace, when installed) opens sockets only of the families the unit allows.
#[test]
fn the_units_command_captures_with_only_the_units_privileges() {
    let deb = require_deb!();
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: not root (network namespaces need it; CI runs as root)");
        return;
    }
    for tool in ["ip", "setpriv"] {
        if !have(tool) {
            eprintln!("skipped: `{tool}` is not installed");
            return;
        }
    }
    let tree = extract(&deb);
    let u = unit_settings(&fs::read_to_string(tree.path().join(UNIT)).unwrap());
    let caps: Vec<String> =
        one(&u, "AmbientCapabilities").split_whitespace().map(|c| format!("+{}", c.trim_start_matches("CAP_").to_lowercase())).collect();
    let families = words(one(&u, "RestrictAddressFamilies")).into_iter().map(String::from).collect::<BTreeSet<_>>();

    let scratch = tempfile::tempdir().unwrap();
    fs::set_permissions(scratch.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let state_root = scratch.path().join("var-lib-quietwire");
    let state = state_root.join("qb");
    fs::create_dir_all(&state).unwrap();
    std::os::unix::fs::chown(&state, Some(65534), Some(65534)).unwrap();
    fs::set_permissions(&state, fs::Permissions::from_mode(0o750)).unwrap();

    // ExecStart with %I = qb, the unpacked binary, and $QUIETWIRE_ARGS from the packaged
    // /etc/default/quietwire (empty).
    let defaults = fs::read_to_string(tree.path().join("etc/default/quietwire")).unwrap();
    let extra = defaults.lines().find_map(|l| l.strip_prefix("QUIETWIRE_ARGS=")).unwrap().trim_matches('"').to_string();
    let exec: Vec<String> = one(&u, "ExecStart")
        .split_whitespace()
        .flat_map(|w| match w {
            "$QUIETWIRE_ARGS" => extra.split_whitespace().map(String::from).collect::<Vec<_>>(),
            _ => vec![w
                .replace("/usr/bin/quietwire", &tree.path().join("usr/bin/quietwire").display().to_string())
                .replace("/var/lib/quietwire", &state_root.display().to_string())
                .replace("%I", "qb")],
        })
        .collect();

    let ns = Netns::new();
    let trace = scratch.path().join("strace.txt");
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &ns.0]);
    let traced = have("strace");
    if traced {
        cmd.args(["strace", "-f", "-qq", "-e", "trace=socket,socketpair", "-o"]).arg(&trace);
    } else {
        eprintln!("socket families not checked: strace is not installed");
    }
    cmd.args(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs"])
        .arg(format!("--inh-caps=-all,{}", caps.join(",")))
        .arg(format!("--ambient-caps={}", caps.join(",")))
        .arg(format!("--bounding-set=-all,{}", caps.join(",")))
        .args(&exec);
    let stderr_path = scratch.path().join("stderr");
    let child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(File::create(&stderr_path).unwrap()).spawn().unwrap();
    let launcher = child.id();
    let mut guard = Guard(child);
    let log = || fs::read_to_string(&stderr_path).unwrap_or_default();

    // Started: quietwire writes a first snapshot right after dropping privileges.
    let snapshot = state.join("inventory.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !log().contains("capturing on qb") {
        if let Some(s) = guard.0.try_wait().unwrap() {
            panic!("the unit's command exited ({s}) at start:\n{}", log());
        }
        assert!(Instant::now() < deadline, "not capturing after 20 s:\n{}", log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(snapshot.is_file(), "no first snapshot:\n{}", log());

    let capture = root().join("captures/real/iot-sentinel-hs110-setup-a-1.pcap");
    let replayed = have("tcpreplay");
    if replayed {
        run(Command::new("ip").args(["netns", "exec", &ns.0, "tcpreplay", "-q", "-i", "qa", "--pps", "2000"]).arg(&capture));
        std::thread::sleep(Duration::from_millis(300));
    } else {
        eprintln!("capture not checked: tcpreplay is not installed");
    }

    // SIGTERM as `systemctl stop` sends it, to quietwire itself (under strace, strace's child).
    let pid = if traced {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let children = fs::read_to_string(format!("/proc/{launcher}/task/{launcher}/children")).unwrap_or_default();
            if let Some(p) = children.split_whitespace().next() {
                break p.parse::<i32>().unwrap();
            }
            assert!(Instant::now() < deadline, "no traced child");
            std::thread::sleep(Duration::from_millis(20));
        }
    } else {
        launcher as i32
    };
    // SAFETY: signals a process this test started and has not reaped.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(rc, 0);
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = guard.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "did not stop within 15 s of SIGTERM:\n{}", log());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit {status}:\n{}", log());

    let inventory: Value = serde_json::from_slice(&fs::read(&snapshot).unwrap()).unwrap();
    assert_eq!(inventory["schema"], "quietwire.inventory/1");
    let events = fs::read_to_string(state.join("events.ndjson")).unwrap();
    let last: Value = serde_json::from_str(events.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "stopped", "{events}");
    use std::os::unix::fs::MetadataExt;
    assert_eq!(fs::metadata(&snapshot).unwrap().uid(), 65534, "the snapshot is written as the unprivileged user");
    if replayed {
        let macs = |v: &Value| -> BTreeSet<String> {
            v["devices"].as_array().unwrap().iter().map(|d| d["mac"].as_str().unwrap().to_string()).collect()
        };
        let offline: Value = serde_json::from_str(&stdout(Command::new(BIN).args(["read", "-f", "json"]).arg(&capture))).unwrap();
        assert_eq!(macs(&inventory), macs(&offline), "devices captured through the unit's command");
    }

    if traced {
        let text = fs::read_to_string(&trace).unwrap();
        let mut opened = BTreeSet::new();
        for line in text.lines().filter(|l| l.contains("socket(") || l.contains("socketpair(")) {
            let Some(family) = line.split(['(', ',']).nth(1) else { continue };
            let failed = line.rsplit_once(" = ").is_some_and(|(_, r)| r.starts_with('-'));
            if !failed {
                opened.insert(family.trim().to_string());
            }
        }
        assert!(opened.contains("AF_PACKET"), "no packet socket in the trace:\n{text}");
        let outside: Vec<&String> = opened.iter().filter(|f| !families.contains(*f)).collect();
        assert!(outside.is_empty(), "sockets of families the unit refuses: {outside:?}\n{text}");
    }
}
