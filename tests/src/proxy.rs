//! A TCP proxy on loopback that a test can cut or slow: a process reaching a server through
//! it loses that server (its connections dropped, new ones refused), or waits on it, while
//! every other process still reaches it directly, as a network partition or a congested link
//! would do.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Forwards connections on a port (of loopback unless told) to `target` until cut.
pub struct TcpProxy {
    addr: SocketAddr,
    cut: watch::Sender<bool>,
    delay: watch::Sender<Duration>,
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
        let (delay, delays) = watch::channel(Duration::ZERO);
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if *watching.borrow() {
                    // Cut: refuse by closing at once.
                    continue;
                }
                let mut cut = watching.clone();
                let delays = delays.clone();
                tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (from_client, to_client) = inbound.into_split();
                    let (from_server, to_server) = outbound.into_split();
                    let both_ways = async {
                        let _ = tokio::join!(
                            forward(from_client, to_server, delays.clone()),
                            forward(from_server, to_client, delays)
                        );
                    };
                    tokio::select! {
                        _ = both_ways => {}
                        _ = cut.wait_for(|cut| *cut) => {}
                    }
                });
            }
        });
        TcpProxy { addr, cut, delay }
    }

    /// The URL to reach the target through the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Drops every connection through the proxy and refuses new ones.
    pub fn cut(&self) {
        let _ = self.cut.send(true);
    }

    /// Holds everything that passes through the proxy, each way, for `delay` before passing
    /// it on (zero: no more); what is under way when the delay changes keeps the old one.
    pub fn slow(&self, delay: Duration) {
        let _ = self.delay.send(delay);
    }
}

/// Copies `from` to `to`, each chunk held for the delay `delays` says when it arrived.
async fn forward(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    delays: watch::Receiver<Duration>,
) -> std::io::Result<()> {
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return to.shutdown().await;
        }
        let delay = *delays.borrow();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        to.write_all(&buffer[..read]).await?;
    }
}
