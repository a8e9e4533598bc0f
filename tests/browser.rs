//! The HTML report and the live dashboard in a real browser: headless Chromium driven
//! through chromedriver's WebDriver protocol (a small client over std's TcpStream below:
//! no async stack, and it can run on a thread inside a network namespace).
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them each test prints why
//! it is skipped and passes. The dashboard test also needs what tests/live.rs needs
//! (root, `ip`, `tcpreplay`): quietwire, chromedriver and Chromium all run inside a
//! private network namespace, so the page talks to the sensor over that namespace's
//! loopback and nothing else.
//!
//! `QUIETWIRE_SCREENSHOTS=1 cargo test --test browser` also saves docs/report.png and
//! docs/dashboard.png.

mod support;

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_quietwire");

/// One browser at a time: the machines have two cores.
static BROWSER: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cap(rel: &str) -> String {
    root().join("captures").join(rel).display().to_string()
}

/// A capture path relative to the repository (how the screenshot shows file names).
fn rel(rel: &str) -> String {
    format!("captures/{rel}")
}

fn which(cands: &[&str]) -> Option<String> {
    cands.iter().find(|c| Path::new(c).is_file()).map(|c| c.to_string())
}

fn chromium() -> Option<(String, String)> {
    Some((which(&["/usr/lib/chromium/chromium", "/usr/bin/chromium"])?, which(&["/usr/bin/chromedriver"])?))
}

fn screenshots() -> bool {
    std::env::var_os("QUIETWIRE_SCREENSHOTS").is_some_and(|v| v == "1")
}

// ---------------------------------------------------------------------------------------
// WebDriver

/// One HTTP/1.1 request, `Connection: close`; returns status and JSON body.
fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(45))).map_err(|e| e.to_string())?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the head, then Content-Length bytes.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let head_end = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut buf).map_err(|e| format!("{method} {path}: {e}"))?;
        if n == 0 {
            return Err(format!("{method} {path}: connection closed in the response head"));
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let status: u16 = head.split(' ').nth(1).and_then(|c| c.parse().ok()).ok_or_else(|| format!("bad status line in {head:?}"))?;
    let length = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-length")).map(|(_, v)| v.trim().to_string()))
        .and_then(|v| v.parse::<usize>().ok());
    let mut body = raw[head_end..].to_vec();
    match length {
        Some(n) => {
            while body.len() < n {
                let got = s.read(&mut buf).map_err(|e| format!("{method} {path}: {e}"))?;
                if got == 0 {
                    return Err(format!("{method} {path}: body cut at {} of {n} bytes", body.len()));
                }
                body.extend_from_slice(&buf[..got]);
            }
        }
        None => {
            s.read_to_end(&mut body).map_err(|e| format!("{method} {path}: {e}"))?;
        }
    }
    let text = String::from_utf8_lossy(&body);
    let v = if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))? };
    Ok((status, v))
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver and one Chromium session; both end on drop (chromedriver runs in a
/// process group of its own, which Chromium inherits, and the group is killed).
struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    /// Chromium's profile and chromedriver's log.
    work: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium with a fresh profile.
    fn start(chromium: &str, chromedriver: &str) -> Browser {
        use std::os::unix::process::CommandExt;
        let work = tempfile::tempdir().unwrap();
        let log = work.path().join("chromedriver.log");
        let mut driver = Command::new(chromedriver)
            .args(["--port=0", "--log-level=INFO", &format!("--log-path={}", log.display())])
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut lines = BufReader::new(driver.stdout.take().expect("chromedriver stdout"));
        let mut port = None;
        let mut line = String::new();
        while port.is_none() && lines.read_line(&mut line).is_ok_and(|n| n > 0) {
            port = line.trim().strip_prefix("ChromeDriver was started successfully on port ").and_then(|p| p.trim_end_matches('.').parse::<u16>().ok());
            line.clear();
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        let Some(port) = port else {
            // SAFETY: as in Drop.
            #[allow(unsafe_code)]
            unsafe {
                libc::kill(-(driver.id() as libc::pid_t), libc::SIGKILL);
            }
            let _ = driver.wait();
            panic!("chromedriver did not say its port");
        };
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let profile = work.path().join("profile");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-crash-reporter",
            "--disable-breakpad",
            "--disable-dev-shm-usage",
            "--window-size=1400,1000",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "timeouts": {"pageLoad": 20_000, "script": 10_000},
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let mut b = Browser { driver, addr, session: String::new(), work };
        // chromedriver listens once it has said its port: one attempt, so a slow start
        // never leaves a second Chromium behind.
        match http(addr, "POST", "/session", Some(&caps)) {
            Ok((200, v)) => b.session = v["value"]["sessionId"].as_str().expect("session id").to_string(),
            other => panic!("no WebDriver session: {other:?}\n{}", b.log_tail()),
        }
        b
    }

    /// The end of chromedriver's log, for failure messages.
    fn log_tail(&self) -> String {
        let log = fs::read_to_string(self.work.path().join("chromedriver.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        format!("chromedriver log (end):\n{}", lines[lines.len().saturating_sub(40)..].join("\n"))
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.session);
        let t0 = Instant::now();
        match http(self.addr, method, &full, body.as_ref()) {
            Ok((200, v)) => v["value"].clone(),
            other => panic!("{method} {path} after {:?}: {other:?}\n{}", t0.elapsed(), self.log_tail()),
        }
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    fn js(&self, script: &str) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}")).to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/clear"), Some(json!({})));
        if !text.is_empty() {
            self.cmd("POST", &format!("/element/{e}/value"), Some(json!({ "text": text })));
        }
    }

    fn window(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }

    fn screenshot(&self, to: &Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64_decode(b64.as_str().expect("base64 screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        fs::write(to, png).unwrap();
        eprintln!("saved {}", to.display());
    }

    /// MACs of the table rows, in order.
    fn rows(&self) -> Vec<String> {
        let v = self.js("return Array.from(document.querySelectorAll('#qw-table tbody tr')).map(r => r.getAttribute('data-mac'))");
        v.as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect()
    }

    /// Polls `script` until it returns true.
    fn wait_for(&self, what: &str, script: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.js(script) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}; rows {:?}", self.rows());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(self.addr, "DELETE", &format!("/session/{}", self.session), None);
        }
        // SAFETY: signals the process group this test created for chromedriver.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(-(self.driver.id() as libc::pid_t), libc::SIGKILL);
        }
        let _ = self.driver.wait();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The report

fn strs(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

/// The expected default order: TP-Link family, then other flags, then the rest, by MAC.
fn default_order(devices: &[Value]) -> Vec<String> {
    let rank = |d: &Value| {
        let flags = d["flags"].as_array().unwrap();
        if flags.iter().any(|f| f["watchlist"] == "tp-link") {
            0
        } else if !flags.is_empty() {
            1
        } else {
            2
        }
    };
    let mut v: Vec<(u8, String)> = devices.iter().map(|d| (rank(d), d["mac"].as_str().unwrap().to_string())).collect();
    v.sort();
    v.into_iter().map(|(_, m)| m).collect()
}

#[test]
fn report_in_headless_chromium() {
    let Some((chromium, chromedriver)) = chromium() else {
        eprintln!("skipping: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
        return;
    };
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("hostile.pcap");
    support::write_hostile_pcap(&hostile);
    let files = [
        rel("real/iot-sentinel-hs110-setup-a-1.pcap"),
        rel("crafted/quad7.pcap"),
        rel("crafted/vlan-dhcp-arp.pcap"),
        rel("crafted/upnp-out-of-order.pcap"),
        rel("crafted/tplink-kasa.pcap"),
        rel("crafted/tplink-tdp.pcap"),
        rel("crafted/l2-lldp.pcap"),
        rel("crafted/l2-cdp.pcap"),
        rel("crafted/ssdp-devices.pcap"),
        hostile.display().to_string(),
    ];
    let report = dir.path().join("report.html");
    let mut args = vec!["read".to_string(), "-f".into(), "html".into(), "-o".into(), report.display().to_string()];
    args.extend(files.iter().cloned());
    let o = Command::new(BIN).args(&args).current_dir(root()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(BIN).args(["read", "-f", "json"]).args(&files).current_dir(root()).output().unwrap();
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let devices = json["devices"].as_array().unwrap().clone();
    let order = default_order(&devices);
    let tplink = devices.iter().filter(|d| d["flags"].as_array().unwrap().iter().any(|f| f["watchlist"] == "tp-link")).count();
    assert!(tplink >= 10 && devices.len() > tplink + 10, "a mixed inventory: {tplink} of {}", devices.len());

    let b = Browser::start(&chromium, &chromedriver);
    b.goto(&format!("file://{}", report.display()));

    // TP-Link family first, then the rest, each by MAC.
    let rows = b.rows();
    assert_eq!(rows, order);
    let ranks = b.js("return Array.from(document.querySelectorAll('#qw-table tbody tr')).map(r => +r.getAttribute('data-rank'))");
    let ranks: Vec<u64> = ranks.as_array().unwrap().iter().map(|r| r.as_u64().unwrap()).collect();
    assert_eq!(ranks.iter().take_while(|&&r| r == 0).count(), tplink);
    assert_eq!(b.js("return document.getElementById('qw-count').textContent"), json!(format!("{} devices, {} flagged", devices.len(), tplink)));

    // The text filter: a host name, then part of an address.
    b.type_into("#qw-filter", "hs110");
    assert_eq!(b.rows(), ["50:c7:bf:00:c7:03"]);
    b.type_into("#qw-filter", "10.20.0.");
    let want: Vec<String> =
        order.iter().filter(|m| devices.iter().any(|d| &d["mac"] == *m && strs(&d["ipv4"]).iter().any(|ip| ip.starts_with("10.20.0.")))).cloned().collect();
    assert_eq!(want.len(), 2);
    assert_eq!(b.rows(), want);
    b.type_into("#qw-filter", "");
    assert_eq!(b.rows().len(), devices.len());

    // Flagged only.
    b.click("#qw-flagged");
    let flagged: Vec<String> = order.iter().filter(|m| devices.iter().any(|d| &d["mac"] == *m && !d["flags"].as_array().unwrap().is_empty())).cloned().collect();
    assert_eq!(b.rows(), flagged);
    b.click("#qw-flagged");

    // By VLAN.
    b.click("#qw-vlan option[value='20']");
    let in20: Vec<String> = order
        .iter()
        .filter(|m| devices.iter().any(|d| &d["mac"] == *m && (d["vlans"].as_array().unwrap().contains(&json!(20)) || d["outer_vlans"].as_array().unwrap().contains(&json!(20)))))
        .cloned()
        .collect();
    assert_eq!(in20.len(), 5);
    assert_eq!(b.rows(), in20);
    b.click("#qw-vlan option[value='']");

    // Sorting by MAC, both ways.
    b.click("#qw-table th[data-key='mac']");
    let mut by_mac = order.clone();
    by_mac.sort();
    assert_eq!(b.rows(), by_mac);
    b.click("#qw-table th[data-key='mac']");
    by_mac.reverse();
    assert_eq!(b.rows(), by_mac);
    b.click("#qw-table th[data-key='flag']");
    assert_eq!(b.rows(), order);

    // A click shows every piece of evidence behind the flag, and the facts with source and time.
    b.click("#qw-table tbody tr[data-mac='50:c7:bf:00:c7:03']");
    assert_eq!(b.js("return document.getElementById('qw-detail').hidden"), json!(false));
    let shown = b.js(
        "return Array.from(document.querySelectorAll('#qw-detail table.evidence tbody tr')).map(r => \
         ['.mark', '.source', '.rule', '.field', '.value', '.why'].map(c => r.querySelector(c).textContent).concat([r.querySelector('.seen').title]))",
    );
    let plug = devices.iter().find(|d| d["mac"] == "50:c7:bf:00:c7:03").unwrap();
    let want: Vec<Value> = plug["flags"]
        .as_array()
        .unwrap()
        .iter()
        .chain(plug["hints"].as_array().unwrap())
        .flat_map(|f| f["evidence"].as_array().unwrap().clone())
        .map(|e| {
            let mark = if e["conflict"] == true { json!("against") } else { e["confidence"].clone() };
            json!([mark, e["source"], e["rule"], e["field"], e["value"], e["detail"], e["first_seen"]])
        })
        .collect();
    assert_eq!(want.len(), 3, "oui, dhcp host name, dns cloud query");
    assert_eq!(shown, Value::Array(want));
    let facts = b.js(
        "return Array.from(document.querySelectorAll('#qw-detail table.facts tbody tr')).map(r => \
         ['.field', '.value', '.source'].map(c => r.querySelector(c).textContent).concat([r.querySelector('.seen').title]))",
    );
    let facts = facts.as_array().unwrap();
    for want in [["hostname", "HS110(EU)", "dhcp"], ["ipv4", "10.10.10.20", "dhcp"], ["dhcp.vendor_class", "udhcp 0.9.9-pre", "dhcp"], ["dns_query", "devs.tplinkcloud.com", "dns"]] {
        assert!(facts.iter().any(|f| f[0] == want[0] && f[1] == want[1] && f[2] == want[2]), "{want:?} not in {facts:?}");
    }
    let (first, last) = (plug["first_seen"].as_str().unwrap(), plug["last_seen"].as_str().unwrap());
    for f in facts {
        let t = f[3].as_str().unwrap();
        assert!(t.starts_with("2016-09-01T11:") && t.ends_with('Z') && t >= &first[..19] && t <= last, "{f:?}");
    }
    // A second click closes it.
    b.click("#qw-table tbody tr[data-mac='50:c7:bf:00:c7:03']");
    assert_eq!(b.js("return document.getElementById('qw-detail').hidden"), json!(true));

    // Hostile text is text: no script ran, no element was injected, nothing was fetched.
    let cell = b.js(&format!("return document.querySelector(\"#qw-table tr[data-mac='{}'] td.hostname\").textContent", support::SCRIPT_MAC));
    assert_eq!(cell, json!(support::SCRIPT_HOSTNAME));
    let cell = b.js(&format!("return document.querySelector(\"#qw-table tr[data-mac='{}'] td.hostname\").textContent", support::SLOT_MAC));
    assert_eq!(cell, json!(support::SLOT_HOSTNAME));
    b.click(&format!("#qw-table tbody tr[data-mac='{}']", support::SSDP_MAC));
    let detail = b.js("return document.getElementById('qw-detail').textContent").as_str().unwrap().to_string();
    assert!(detail.contains(support::SSDP_LOCATION) && detail.contains(support::SSDP_SERVER), "{detail}");
    let probe = b.js(
        "return [typeof window.__pwned, document.querySelectorAll('img, svg:not(.chart), a, iframe, link').length, \
         document.scripts.length, performance.getEntriesByType('resource').length]",
    );
    assert_eq!(probe, json!(["undefined", 0, 2, 0]));

    if screenshots() {
        b.window(1400, 1700);
        b.click(&format!("#qw-table tbody tr[data-mac='{}']", support::SSDP_MAC));
        b.click("#qw-table tbody tr[data-mac='50:c7:bf:aa:00:01']");
        b.js("window.scrollTo(0, 0); document.querySelector('.tablewrap').scrollLeft = 0");
        b.screenshot(&root().join("docs/report.png"));
    }
}

// ---------------------------------------------------------------------------------------
// The live dashboard

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(o.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A private network namespace with a veth pair (`qa` ↔ `qb`, IPv6 off) and its
/// loopback up; deleted, with the processes started in it, on drop.
struct Netns {
    name: String,
    children: Vec<Child>,
}

impl Netns {
    fn new() -> Netns {
        let name = format!("qwbrowser-{}", std::process::id());
        run(Command::new("ip").args(["netns", "add", &name]));
        let ns = Netns { name, children: Vec::new() };
        run(Command::new("ip").args(["-n", &ns.name, "link", "add", "qa", "type", "veth", "peer", "name", "qb"]));
        for dev in ["qa", "qb"] {
            run(Command::new("ip").args(["netns", "exec", &ns.name, "sh", "-c", &format!("echo 1 > /proc/sys/net/ipv6/conf/{dev}/disable_ipv6")]));
            run(Command::new("ip").args(["-n", &ns.name, "link", "set", dev, "up"]));
        }
        run(Command::new("ip").args(["-n", &ns.name, "link", "set", "lo", "up"]));
        ns
    }

    fn exec(&self, args: &[&str]) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).args(args);
        c
    }

    /// Moves the calling thread into the namespace: its sockets and the processes it
    /// starts from now on live there.
    fn enter(&self) {
        use std::os::fd::AsRawFd;
        let f = File::open(format!("/var/run/netns/{}", self.name)).expect("netns handle");
        // SAFETY: setns on a valid namespace descriptor; it affects the calling thread only.
        #[allow(unsafe_code)]
        let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

fn dashboard_skip_reason() -> Option<String> {
    if chromium().is_none() {
        return Some("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)".into());
    }
    if !nix::unistd::geteuid().is_root() {
        return Some("not root (the dashboard test captures in a network namespace; CI runs as root)".into());
    }
    ["ip", "tcpreplay"].iter().find(|t| !have(t)).map(|t| format!("`{t}` is not installed"))
}

#[test]
fn live_dashboard_in_headless_chromium_picks_up_new_devices() {
    if let Some(why) = dashboard_skip_reason() {
        eprintln!("skipping: {why}");
        return;
    }
    let Some((chromium, chromedriver)) = chromium() else { return };
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let mut ns = Netns::new();
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let stderr_path = dir.path().join("stderr");
    let child = ns
        .exec(&[BIN, "live", "-i", "qb", "--http", "127.0.0.1:8080"])
        .stdout(Stdio::null())
        .stderr(File::create(&stderr_path).unwrap())
        .spawn()
        .expect("start quietwire live");
    let pid = child.id();
    ns.children.push(child);
    let stderr = || fs::read_to_string(&stderr_path).unwrap_or_default();

    // Everything below runs on a thread inside the namespace.
    let ns_ref = &ns;
    std::thread::scope(|s| {
        s.spawn(|| {
            ns_ref.enter();
            let sensor: SocketAddr = ([127, 0, 0, 1], 8080).into();
            let deadline = Instant::now() + Duration::from_secs(20);
            while TcpStream::connect(sensor).is_err() {
                assert!(Instant::now() < deadline, "the dashboard never listened; stderr:\n{}", stderr());
                std::thread::sleep(Duration::from_millis(50));
            }
            let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            for line in ["Uid:\t65534\t65534\t65534\t65534", "Seccomp:\t2", "CapEff:\t0000000000000000"] {
                assert!(status.contains(line), "{line:?} not in the sensor's status:\n{status}");
            }

            let b = Browser::start(&chromium, &chromedriver);
            b.goto("http://127.0.0.1:8080/");
            b.wait_for("the first view", "return document.getElementById('qw-status').textContent.startsWith('live on qb: 0 devices')", Duration::from_secs(10));
            assert!(b.rows().is_empty());

            // Devices that appear after the page was opened show up, TP-Link first.
            run(&mut ns_ref.exec(&["tcpreplay", "-q", "-i", "qa", "--pps", "1000", &cap("real/iot-sentinel-hs110-setup-a-1.pcap")]));
            b.wait_for("the HS110", "return document.querySelectorAll('#qw-table tbody tr').length === 2", Duration::from_secs(15));
            assert_eq!(b.rows(), ["50:c7:bf:00:c7:03", "00:b5:6d:06:08:ba"]);
            b.wait_for(
                "the HS110's host name",
                "return document.querySelector(\"#qw-table tr[data-mac='50:c7:bf:00:c7:03'] td.hostname\").textContent === 'HS110(EU)'",
                Duration::from_secs(10),
            );

            // The filter and the open details survive updates.
            b.type_into("#qw-filter", "kasa");
            b.click("#qw-table tbody tr[data-mac='50:c7:bf:00:c7:03']");
            run(&mut ns_ref.exec(&["tcpreplay", "-q", "-i", "qa", "--pps", "1000", &cap("real/iot-sentinel-hs100-setup-a-1.pcap")]));
            b.wait_for("the HS100", "return document.querySelectorAll('#qw-table tbody tr').length === 2", Duration::from_secs(15));
            assert_eq!(b.rows(), ["50:c7:bf:00:c7:03", "50:c7:bf:00:fc:a3"]);
            let evidence = b.js("return Array.from(document.querySelectorAll('#qw-detail table.evidence tbody tr .source')).map(c => c.textContent)");
            assert_eq!(evidence, json!(["oui", "dhcp", "dns"]));
            let counts = b.js("return document.getElementById('qw-count').textContent");
            assert_eq!(counts, json!("2 of 3 devices, 2 flagged"));
            assert_eq!(b.js("return performance.getEntriesByType('resource').every(e => e.name.startsWith('http://127.0.0.1:8080/'))"), json!(true));

            if screenshots() {
                b.type_into("#qw-filter", "");
                b.window(1400, 1200);
                b.js("window.scrollTo(0, 0); document.querySelector('.tablewrap').scrollLeft = 0");
                b.screenshot(&root().join("docs/dashboard.png"));
            }
        });
    });

    // SIGTERM: a clean stop.
    // SAFETY: signals the child this test started; it is reaped by Netns::drop.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    assert_eq!(rc, 0);
    let child = ns.children.last_mut().unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "quietwire did not stop; stderr:\n{}", stderr());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}: {}", stderr());
    assert!(stderr().contains("dashboard and read-only API on http://127.0.0.1:8080/ (not on qb)"), "{}", stderr());
}
