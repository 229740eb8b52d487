//! A TCP proxy on loopback that a test can cut: a process reaching a server through it loses
//! that server (its connections dropped, new ones refused) while every other process still
//! reaches it directly, as a network partition would do.

use std::net::{IpAddr, SocketAddr};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Forwards connections on a port (of loopback unless told) to `target` until cut.
pub struct TcpProxy {
    addr: SocketAddr,
    cut: watch::Sender<bool>,
}

impl TcpProxy {
    /// Starts forwarding a free loopback port to `target`.
    pub async fn start(target: SocketAddr) -> TcpProxy {
        TcpProxy::start_on(IpAddr::from([127, 0, 0, 1]), target).await
    }

    /// Starts forwarding a free port of `address` (one of this host's) to `target`.
    pub async fn start_on(address: IpAddr, target: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind((address, 0)).await.expect("a free port");
        let addr = listener.local_addr().expect("the proxy's address");
        let (cut, watching) = watch::channel(false);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if *watching.borrow() {
                    // Cut: refuse by closing at once.
                    continue;
                }
                let mut cut = watching.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.wait_for(|cut| *cut) => {}
                    }
                });
            }
        });
        TcpProxy { addr, cut }
    }

    /// The URL to reach the target through the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Drops every connection through the proxy and refuses new ones.
    pub fn cut(&self) {
        let _ = self.cut.send(true);
    }
}
