//! Test support: a throwaway PostgreSQL cluster made with the machine's `initdb` and `pg_ctl`
//! (Debian's `postgresql`, installed by scripts/test when missing), listening on a free loopback
//! port and a private socket directory, trusted local logins, stopped when dropped; plain HTTP/1.1
//! calls to a server on loopback ([`http`]); a small file system of fixed size ([`SmallDisk`]).

pub mod disk;
pub mod http;

pub use disk::SmallDisk;

use std::path::{Path, PathBuf};
use std::process::Command;

fn pg_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("PostgreSQL server binaries under /usr/lib/postgresql (scripts/test installs Debian's postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb under /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Runs a server command, as the `postgres` user when we are root (initdb refuses root).
fn pg(cmd: &str) -> std::process::Output {
    if is_root() {
        Command::new("su").args(["postgres", "-s", "/bin/sh", "-c", cmd]).output()
    } else {
        Command::new("sh").args(["-c", cmd]).output()
    }
    .expect("runs")
}

/// A loopback port the system says is free right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A running throwaway cluster.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    pub sock: PathBuf,
    pub port: u16,
}

impl Cluster {
    /// Creates and starts a cluster under `dir` (which it owns; removed first).
    pub fn start(dir: &Path) -> Cluster {
        let _ = std::fs::remove_dir_all(dir);
        let bin = pg_bin();
        let data = dir.join("pgdata");
        let sock = dir.join("sock");
        std::fs::create_dir_all(&data).expect("data dir");
        std::fs::create_dir_all(&sock).expect("socket dir");
        if is_root() {
            let o = Command::new("chown").args(["-R", "postgres", dir.to_str().expect("utf-8")]).output().expect("chown");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let port = free_port();
        let c = Cluster { bin, data, sock, port };
        let o = pg(&format!("{}/initdb -D {} -A trust -U postgres -E UTF8", c.bin.display(), c.data.display()));
        assert!(o.status.success(), "initdb: {}", String::from_utf8_lossy(&o.stderr));
        let o = pg(&format!(
            "{}/pg_ctl -D {} -w -o \"-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" -l {}/log start",
            c.bin.display(),
            c.data.display(),
            c.port,
            c.sock.display(),
            c.data.display()
        ));
        assert!(o.status.success(), "pg_ctl start: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        c
    }

    /// A URL for a database of this cluster over loopback TCP.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates a database.
    pub fn create_db(&self, db: &str) {
        let o = Command::new("psql")
            .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", "-c", &format!("CREATE DATABASE {db}")])
            .output()
            .expect("psql runs");
        assert!(o.status.success(), "create database: {}", String::from_utf8_lossy(&o.stderr));
    }

    /// Runs a psql script file, stopping at the first error.
    pub fn psql(&self, file: &Path) {
        let o = Command::new("psql")
            .args([
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.sock.to_str().expect("utf-8"),
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-f",
            ])
            .arg(file)
            .output()
            .expect("psql runs");
        assert!(o.status.success(), "psql: {}", String::from_utf8_lossy(&o.stderr));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = pg(&format!("{}/pg_ctl -D {} -m immediate stop", self.bin.display(), self.data.display()));
    }
}
