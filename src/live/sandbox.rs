//! Least privilege once the capture handle is open.
//!
//! 1. Privileges: started as root, quietwire becomes `--user` (default `nobody`):
//!    supplementary groups replaced by the user's group, then setgid, then setuid, which
//!    also empties every capability set. Started as another user (with `setcap
//!    cap_net_raw+eip` on the binary), it clears its capabilities.
//! 2. A seccomp filter (Linux) that makes these calls fail with `EPERM`:
//!    - `socket`, `socketpair`, `connect`: nothing new can be opened, towards the
//!      monitored network or anywhere (accepting on a listener opened before stays
//!      possible);
//!    - `io_uring_setup`, whose operations seccomp would not see;
//!    - on the capture socket's descriptor: `write`, `writev`, `pwrite64`, `pwritev`,
//!      `pwritev2`, `sendto`, `sendmsg`, `sendmmsg`, `sendfile`, `splice`, `tee`,
//!      `vmsplice`, `copy_file_range`, and duplicating it (`dup`, `dup2`, `dup3`,
//!      `fcntl(F_DUPFD…)`), so even a bug cannot transmit on the monitored interface;
//!    - `pidfd_getfd` (copying a descriptor out of a process);
//!    - on x86-64, every x32-ABI system call (numbers with bit 30 set).
//!
//!    Everything else is allowed: the filter removes the ability to send, and leaves
//!    libpcap, tokio and the C library the calls they need on any distribution (a
//!    whitelist breaks when a library update adds a call, as sniffglue's users found).
//!    Calls from the wrong architecture's ABI (`int 0x80`) kill the process.

use std::fmt;

#[derive(Debug)]
pub struct SandboxError(pub String);

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SandboxError {}

fn err(what: impl fmt::Display) -> SandboxError {
    SandboxError(what.to_string())
}

/// The account to run as, looked up before anything is locked down.
#[derive(Clone, Debug)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

/// User quietwire runs as when started as root without `--user`.
pub const DEFAULT_USER: &str = "nobody";

/// What [`drop_privileges`] did, for the start-up message.
#[derive(Debug, Eq, PartialEq)]
pub enum Dropped {
    /// Now running as this user.
    BecameUser(String),
    /// Was not root: capabilities cleared.
    ClearedCapabilities,
}

pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Looks up the account to become: `--user`, else `nobody` when root; `None` when not
/// root and no user was asked for (or the asked user is the current one).
pub fn target_account(user: Option<&str>) -> Result<Option<Account>, SandboxError> {
    let root = is_root();
    let name = match (user, root) {
        (Some(u), _) => u,
        (None, true) => DEFAULT_USER,
        (None, false) => return Ok(None),
    };
    let u = nix::unistd::User::from_name(name)
        .map_err(|e| err(format!("looking up user {name:?}: {e}")))?
        .ok_or_else(|| err(format!("no user named {name:?} (--user)")))?;
    if !root {
        if u.uid == nix::unistd::geteuid() {
            return Ok(None);
        }
        return Err(err(format!("--user {name} needs quietwire to be started as root")));
    }
    if u.uid.is_root() {
        return Err(err("--user root would keep every privilege; name an unprivileged user"));
    }
    Ok(Some(Account { name: name.to_string(), uid: u.uid.as_raw(), gid: u.gid.as_raw() }))
}

/// Gives up root (or capabilities); see the module documentation. Call before any
/// thread is started, so every thread inherits the result.
pub fn drop_privileges(account: Option<&Account>) -> Result<Dropped, SandboxError> {
    use caps::CapSet;
    use nix::unistd::{Gid, Uid, setgid, setgroups, setuid};
    let dropped = match account {
        Some(a) => {
            let gid = Gid::from_raw(a.gid);
            setgroups(&[gid]).map_err(|e| err(format!("setgroups: {e}")))?;
            setgid(gid).map_err(|e| err(format!("setgid {}: {e}", a.gid)))?;
            setuid(Uid::from_raw(a.uid)).map_err(|e| err(format!("setuid {}: {e}", a.uid)))?;
            if setuid(Uid::from_raw(0)).is_ok() {
                return Err(err("still able to become root after dropping privileges"));
            }
            Dropped::BecameUser(a.name.clone())
        }
        None => Dropped::ClearedCapabilities,
    };
    for set in [CapSet::Ambient, CapSet::Inheritable, CapSet::Effective, CapSet::Permitted] {
        caps::clear(None, set).map_err(|e| err(format!("clearing capabilities ({set:?}): {e}")))?;
    }
    match caps::read(None, CapSet::Permitted) {
        Ok(left) if left.is_empty() => Ok(dropped),
        Ok(left) => Err(err(format!("capabilities left after dropping: {left:?}"))),
        Err(e) => Err(err(format!("reading capabilities: {e}"))),
    }
}

#[cfg(target_os = "linux")]
mod seccomp {
    use std::collections::BTreeMap;

    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, sock_filter,
    };

    use super::{SandboxError, err};

    /// Calls refused outright.
    pub const DENIED: &[(&str, i64)] = &[
        ("socket", libc::SYS_socket),
        ("socketpair", libc::SYS_socketpair),
        ("connect", libc::SYS_connect),
        ("io_uring_setup", libc::SYS_io_uring_setup),
        ("pidfd_getfd", libc::SYS_pidfd_getfd),
    ];

    /// Calls refused when the given argument is the capture descriptor.
    pub fn on_capture_fd() -> Vec<(&'static str, i64, u8)> {
        let mut v = vec![
            ("write", libc::SYS_write, 0),
            ("writev", libc::SYS_writev, 0),
            ("pwrite64", libc::SYS_pwrite64, 0),
            ("pwritev", libc::SYS_pwritev, 0),
            ("pwritev2", libc::SYS_pwritev2, 0),
            ("sendto", libc::SYS_sendto, 0),
            ("sendmsg", libc::SYS_sendmsg, 0),
            ("sendmmsg", libc::SYS_sendmmsg, 0),
            ("sendfile", libc::SYS_sendfile, 0),
            ("splice", libc::SYS_splice, 2),
            ("tee", libc::SYS_tee, 1),
            ("vmsplice", libc::SYS_vmsplice, 0),
            ("copy_file_range", libc::SYS_copy_file_range, 2),
            ("dup", libc::SYS_dup, 0),
            ("dup3", libc::SYS_dup3, 0),
        ];
        #[cfg(target_arch = "x86_64")]
        v.push(("dup2", libc::SYS_dup2, 0));
        v
    }

    fn cond(arg: u8, value: u64) -> Result<SeccompCondition, SandboxError> {
        SeccompCondition::new(arg, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, value).map_err(|e| err(format!("seccomp: {e}")))
    }

    fn rule(conds: Vec<SeccompCondition>) -> Result<SeccompRule, SandboxError> {
        SeccompRule::new(conds).map_err(|e| err(format!("seccomp: {e}")))
    }

    /// The filter program for a process whose capture socket is `fd`.
    pub fn program(fd: i32) -> Result<BpfProgram, SandboxError> {
        let fd = u64::try_from(fd).map_err(|_| err("bad capture descriptor"))?;
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
        for (_, nr) in DENIED {
            rules.insert(*nr, vec![]);
        }
        for (_, nr, arg) in on_capture_fd() {
            rules.insert(nr, vec![rule(vec![cond(arg, fd)?])?]);
        }
        rules.insert(
            libc::SYS_fcntl,
            vec![
                rule(vec![cond(0, fd)?, cond(1, libc::F_DUPFD as u64)?])?,
                rule(vec![cond(0, fd)?, cond(1, libc::F_DUPFD_CLOEXEC as u64)?])?,
            ],
        );
        let arch = std::env::consts::ARCH.try_into().map_err(|e| err(format!("seccomp: {e:?}")))?;
        let filter = SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch)
            .map_err(|e| err(format!("seccomp: {e}")))?;
        let mut prog: BpfProgram = filter.try_into().map_err(|e: seccompiler::BackendError| err(format!("seccomp: {e}")))?;
        if cfg!(target_arch = "x86_64") {
            // x32 system calls reuse the x86-64 audit architecture with bit 30 set in the
            // number: refuse them all, before the per-call rules.
            const X32_SYSCALL_BIT: u32 = 0x4000_0000;
            let errno = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
            let x32 = [
                sock_filter { code: 0x20, jt: 0, jf: 0, k: 0 },                  // ld [nr]
                sock_filter { code: 0x35, jt: 0, jf: 1, k: X32_SYSCALL_BIT },    // jge #bit, +0, +1
                sock_filter { code: 0x06, jt: 0, jf: 0, k: errno },              // ret ERRNO(EPERM)
            ];
            prog.splice(0..0, x32);
        }
        Ok(prog)
    }

    /// Installs the filter on every thread of the process.
    pub fn install(fd: i32) -> Result<(), SandboxError> {
        let prog = program(fd)?;
        seccompiler::apply_filter_all_threads(&prog).map_err(|e| err(format!("installing the seccomp filter: {e}")))
    }

    /// Installs the filter on the calling thread only (tests).
    pub fn install_this_thread(fd: i32) -> Result<(), SandboxError> {
        let prog = program(fd)?;
        seccompiler::apply_filter(&prog).map_err(|e| err(format!("installing the seccomp filter: {e}")))
    }
}

#[cfg(target_os = "linux")]
pub use seccomp::{DENIED, install, install_this_thread, on_capture_fd};

/// Names of the calls the filter refuses, for the documentation and start-up message.
#[cfg(target_os = "linux")]
pub fn denied_names() -> Vec<String> {
    let mut v: Vec<String> = DENIED.iter().map(|(n, _)| n.to_string()).collect();
    v.extend(on_capture_fd().into_iter().map(|(n, _, _)| format!("{n}(capture fd)")));
    v.push("fcntl(capture fd, F_DUPFD*)".into());
    v
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::fs::File;
    use std::io::{self, Write};
    use std::os::fd::AsRawFd;

    use super::*;

    /// The filter on one thread: socket creation and writes to the protected descriptor
    /// fail with EPERM, everything else (files, threads, other descriptors) works.
    #[test]
    #[allow(unsafe_code)]
    fn seccomp_refuses_sockets_and_writes_to_the_capture_fd() {
        let guarded = File::create("/dev/null").unwrap();
        let fd = guarded.as_raw_fd();
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            install_this_thread(fd).map_err(|e| e.to_string())?;
            let denied = |what: &str, r: io::Result<()>| match r {
                Err(e) if e.raw_os_error() == Some(libc::EPERM) => Ok(()),
                other => Err(format!("{what}: expected EPERM, got {other:?}")),
            };
            denied("udp socket", std::net::UdpSocket::bind("127.0.0.1:0").map(drop))?;
            denied("tcp connect", std::net::TcpStream::connect("127.0.0.1:9").map(drop))?;
            denied("unix pair", std::os::unix::net::UnixStream::pair().map(drop))?;
            let mut g = &guarded;
            denied("write to capture fd", g.write_all(b"x"))?;
            denied("dup of capture fd", guarded.try_clone().map(drop))?;
            // SAFETY: raw syscalls with valid arguments; only their return values are used.
            let x32 = unsafe { libc::syscall(0x4000_0000 | libc::SYS_getpid) };
            if x32 != -1 || io::Error::last_os_error().raw_os_error() != Some(libc::EPERM) {
                return Err(format!("x32 getpid returned {x32}"));
            }
            // Everything else still works.
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            std::fs::write(dir.path().join("f"), b"ok").map_err(|e| e.to_string())?;
            let mut other = File::create("/dev/null").map_err(|e| e.to_string())?;
            other.write_all(b"x").map_err(|e| e.to_string())?;
            other.try_clone().map_err(|e| e.to_string())?;
            std::thread::spawn(|| 1).join().map_err(|_| "thread".to_string())?;
            let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().map_err(|e| e.to_string())?;
            rt.block_on(async { tokio::time::sleep(std::time::Duration::from_millis(1)).await });
            Ok(())
        })
        .join()
        .expect("thread did not panic");
        outcome.unwrap();
        // The rest of the process is not filtered.
        std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    }

    #[test]
    fn not_root_without_user_keeps_its_identity() {
        if !is_root() {
            assert!(target_account(None).unwrap().is_none());
        } else {
            let a = target_account(None).unwrap().unwrap();
            assert_eq!(a.name, DEFAULT_USER);
            assert!(target_account(Some("root")).is_err());
        }
        assert!(target_account(Some("no-such-user-quietwire")).is_err());
    }
}
