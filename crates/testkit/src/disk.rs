//! A file system of a fixed, small size for tests of what a full or read-only disk does to the
//! ledger: a tmpfs mounted in a mount namespace of its own (`unshare -Urm`, which needs neither
//! root nor a loop device, only user namespaces), kept alive by a holder process. Programs run
//! inside it with [`SmallDisk::command`]; the test itself, outside, does not see the mount.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A mounted tmpfs of a given size at [`SmallDisk::dir`], visible to commands made by
/// [`SmallDisk::command`]; unmounted when dropped (the namespace ends with its holder).
#[derive(Debug)]
pub struct SmallDisk {
    holder: Child,
    dir: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `size` (`"4m"`) at `dir` (created) in a new user and mount namespace.
    pub fn mount(dir: &Path, size: &str) -> SmallDisk {
        std::fs::create_dir_all(dir).expect("mount point");
        let script = format!("mount -t tmpfs -o size={size},mode=0777 tmpfs '{}' && echo ready && exec sleep 3600", dir.display());
        let mut holder = Command::new("unshare")
            .args(["--user", "--map-root-user", "--mount", "--propagation", "private", "sh", "-c", &script])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("`unshare` (util-linux) runs");
        let mut line = String::new();
        BufReader::new(holder.stdout.take().expect("piped")).read_line(&mut line).expect("holder output");
        if line.trim() != "ready" {
            let _ = holder.kill();
            let out = holder.wait_with_output().expect("holder ends");
            panic!(
                "cannot mount a small tmpfs in a user and mount namespace (unshare -Urm; user namespaces must be allowed): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        SmallDisk { holder, dir: dir.to_path_buf() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A command that runs inside the namespace, where the mount is.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("nsenter");
        c.args(["--target", &self.holder.id().to_string(), "--user", "--mount", "--preserve-credentials", "--"]).arg(program);
        c
    }

    /// Runs a shell script inside the namespace; panics unless it succeeds.
    pub fn sh(&self, script: &str) -> String {
        let o = self.command("sh").args(["-c", script]).output().expect("nsenter runs");
        assert!(o.status.success(), "`{script}` in the small disk's namespace: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Fills the file system with a ballast file, leaving about `leave_kib` KiB free.
    pub fn fill(&self, leave_kib: u64) {
        let f = self.dir.join("ballast");
        // dd stops with "No space left on device" (its exit status says so): that is the point.
        let _ = self.command("dd").arg("if=/dev/zero").arg(format!("of={}", f.display())).args(["bs=64k"]).output();
        self.sh(&format!("truncate -s -{leave_kib}K '{}'", f.display()));
    }

    /// Removes the ballast: the space comes back.
    pub fn free(&self) {
        self.sh(&format!("rm -f '{}'", self.dir.join("ballast").display()));
    }

    /// Remounts read-only (`true`) or read-write. Fails while a file is open for writing.
    pub fn set_read_only(&self, ro: bool) {
        self.sh(&format!("mount -o remount,{} '{}'", if ro { "ro" } else { "rw" }, self.dir.display()));
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}
