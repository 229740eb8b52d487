//! A second host on this machine: a network namespace joined to this one by a veth pair, for
//! tests of a client outside the cluster's network. From inside it, this host's loopback
//! addresses (where test clusters listen) are unreachable; only what listens on
//! [`OutsideHost::host_addr`] can be reached. Needs root and iproute2.

use std::net::Ipv4Addr;
use std::process::Command;

/// A network namespace with one link to this host.
pub struct OutsideHost {
    name: String,
    /// This host's end of the link: what the outside host can reach.
    pub host_addr: Ipv4Addr,
}

/// Runs `ip` with `args`, panicking with what it said when it fails.
fn ip(args: &[&str]) {
    let output = Command::new("ip").args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `ip` ({e}): install iproute2 (apt-get install iproute2)")
    });
    assert!(
        output.status.success(),
        "`ip {}` failed (network namespaces need root and iproute2): {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl OutsideHost {
    /// Makes the namespace and its link, on a /30 of 10.213.0.0/16 picked by this process's
    /// id so that concurrent test processes do not collide.
    pub fn create() -> OutsideHost {
        let id = std::process::id() % 16_000;
        let name = format!("kiln-outside-{id}");
        let (host_link, outside_link) = (format!("kvh{id}"), format!("kvo{id}"));
        let base = [10, 213, (id / 64) as u8, (id % 64 * 4) as u8];
        let host_addr = Ipv4Addr::from([base[0], base[1], base[2], base[3] + 1]);
        let outside_addr = Ipv4Addr::from([base[0], base[1], base[2], base[3] + 2]);
        // What a killed earlier run of this process id left.
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        let _ = Command::new("ip")
            .args(["link", "del", &host_link])
            .output();
        ip(&["netns", "add", &name]);
        let host = OutsideHost { name, host_addr };
        ip(&[
            "link",
            "add",
            &host_link,
            "type",
            "veth",
            "peer",
            "name",
            &outside_link,
        ]);
        ip(&["link", "set", &outside_link, "netns", &host.name]);
        ip(&["addr", "add", &format!("{host_addr}/30"), "dev", &host_link]);
        ip(&["link", "set", &host_link, "up"]);
        let inside = |args: &[&str]| {
            let mut all = vec!["netns", "exec", &host.name, "ip"];
            all.extend_from_slice(args);
            ip(&all);
        };
        inside(&[
            "addr",
            "add",
            &format!("{outside_addr}/30"),
            "dev",
            &outside_link,
        ]);
        inside(&["link", "set", &outside_link, "up"]);
        inside(&["link", "set", "lo", "up"]);
        host
    }

    /// A command that runs `program` on the outside host.
    pub fn command(&self, program: &std::path::Path) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name]).arg(program);
        command
    }
}

impl Drop for OutsideHost {
    /// Removes the namespace, and with it the link.
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}
