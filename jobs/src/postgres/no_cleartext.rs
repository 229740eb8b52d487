//! Refuses to send a password in cleartext: a connection to a PostgreSQL server over TCP
//! without TLS fails before any password is sent when the server asks for it as plain text
//! (`password` authentication in `pg_hba.conf`, or a proxy pretending to be the server),
//! since anyone on the path could read it. SCRAM and MD5 never send the password itself.
//!
//! The server's first messages are authentication requests (`R`, with a code); the guard
//! reads them as they pass and stops looking at the first message of another kind. When the
//! client asked for TLS first (`SSLRequest`), the server's one-byte answer comes before them:
//! `S` starts TLS, which protects whatever follows, so the guard stops; `N` means plaintext, so
//! the guard goes on reading.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// `AuthenticationCleartextPassword`'s code.
const CLEARTEXT_PASSWORD: u32 = 3;
/// `AuthenticationOk`'s code: no password is asked for any more.
const AUTHENTICATION_OK: u32 = 0;

/// Where the guard is in the server's stream of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Waiting for the server's answer to `SSLRequest`.
    SslReply,
    /// Reading a message's type, length and (for `R`) authentication code.
    Header { bytes: [u8; 9], filled: usize },
    /// Passing over the rest of an authentication message.
    Skip(usize),
    /// Authentication is over: everything passes unread.
    Done,
}

impl Scan {
    fn start() -> Self {
        Scan::Header {
            bytes: [0; 9],
            filled: 0,
        }
    }

    /// Reads `data`, the next bytes from the server; an error when it asks for a cleartext
    /// password.
    fn read(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            match self {
                Scan::Done => return Ok(()),
                Scan::SslReply => {
                    *self = match data[0] {
                        b'S' => Scan::Done,
                        b'N' => {
                            data = &data[1..];
                            Scan::start()
                        }
                        // Not an answer (TLS negotiated directly, or an error): read it as a
                        // message.
                        _ => Scan::start(),
                    };
                }
                Scan::Skip(left) => {
                    let n = (*left).min(data.len());
                    data = &data[n..];
                    *left -= n;
                    if *left == 0 {
                        *self = Scan::start();
                    }
                }
                Scan::Header { bytes, filled } => {
                    if *filled == 0 && data[0] != b'R' {
                        *self = Scan::Done;
                        return Ok(());
                    }
                    let n = (bytes.len() - *filled).min(data.len());
                    bytes[*filled..*filled + n].copy_from_slice(&data[..n]);
                    *filled += n;
                    data = &data[n..];
                    if *filled < bytes.len() {
                        continue;
                    }
                    let length = u32::from_be_bytes(bytes[1..5].try_into().expect("4 bytes"));
                    let code = u32::from_be_bytes(bytes[5..9].try_into().expect("4 bytes"));
                    *self = match code {
                        CLEARTEXT_PASSWORD => {
                            return Err(io::Error::new(
                                io::ErrorKind::PermissionDenied,
                                "the server asks for the password in cleartext on a connection \
                                 without TLS; Kiln refuses to send it: use scram-sha-256 \
                                 authentication on the server",
                            ));
                        }
                        AUTHENTICATION_OK => Scan::Done,
                        // The length counts itself and the code: skip what follows them.
                        _ => match (length as usize).saturating_sub(8) {
                            0 => Scan::start(),
                            rest => Scan::Skip(rest),
                        },
                    };
                }
            }
        }
        Ok(())
    }
}

/// A stream to a PostgreSQL server that fails when the server asks for a cleartext password.
pub struct NoCleartextPassword<S> {
    inner: S,
    scan: Scan,
}

impl<S> NoCleartextPassword<S> {
    /// Guards `inner`, a connection on which nothing was read yet.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            scan: Scan::start(),
        }
    }

    /// Guards `inner`, a connection on which the client asks for TLS before anything else.
    pub fn after_ssl_request(inner: S) -> Self {
        Self {
            inner,
            scan: Scan::SslReply,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for NoCleartextPassword<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.scan.read(&buf.filled()[before..])?;
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for NoCleartextPassword<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(code: u32, body: &[u8]) -> Vec<u8> {
        let mut message = vec![b'R'];
        message.extend((8 + body.len() as u32).to_be_bytes());
        message.extend(code.to_be_bytes());
        message.extend(body);
        message
    }

    /// Feeds `stream` to a scan in chunks of `chunk` bytes.
    fn scan(stream: &[u8], chunk: usize) -> io::Result<Scan> {
        scan_from(Scan::start(), stream, chunk)
    }

    fn scan_from(mut scan: Scan, stream: &[u8], chunk: usize) -> io::Result<Scan> {
        for piece in stream.chunks(chunk) {
            scan.read(piece)?;
        }
        Ok(scan)
    }

    #[test]
    fn a_cleartext_request_is_refused_however_the_bytes_arrive() {
        let stream = auth(CLEARTEXT_PASSWORD, &[]);
        for chunk in 1..=stream.len() {
            let refused = scan(&stream, chunk).unwrap_err();
            assert_eq!(refused.kind(), io::ErrorKind::PermissionDenied);
            assert!(refused.to_string().contains("cleartext"), "{refused}");
        }
    }

    #[test]
    fn scram_and_md5_pass_and_the_guard_stops_after_authentication() {
        // SASL (10) with its mechanism list, SASL continue (11) and final (12), then OK and
        // a ParameterStatus whose bytes could look like anything.
        let mut stream = auth(10, b"SCRAM-SHA-256\0\0");
        stream.extend(auth(11, b"r=abc,s=def,i=4096"));
        stream.extend(auth(12, b"v=xyz"));
        stream.extend(auth(AUTHENTICATION_OK, &[]));
        stream.extend(auth(CLEARTEXT_PASSWORD, &[]));
        for chunk in [1, 3, 7, stream.len()] {
            assert_eq!(scan(&stream, chunk).unwrap(), Scan::Done, "chunk {chunk}");
        }
        let mut md5 = auth(5, b"salt");
        md5.extend(auth(AUTHENTICATION_OK, &[]));
        assert_eq!(scan(&md5, 2).unwrap(), Scan::Done);
        // An error before authentication ends the scan too; the client reports it.
        assert_eq!(scan(b"E\0\0\0\x08abcd", 4).unwrap(), Scan::Done);
    }

    #[test]
    fn after_a_tls_refusal_the_guard_still_reads_and_after_tls_it_stops() {
        // `N`: the server refused TLS, so a cleartext request that follows is refused.
        let mut refused = vec![b'N'];
        refused.extend(auth(CLEARTEXT_PASSWORD, &[]));
        for chunk in 1..=refused.len() {
            let error = scan_from(Scan::SslReply, &refused, chunk).unwrap_err();
            assert_eq!(
                error.kind(),
                io::ErrorKind::PermissionDenied,
                "chunk {chunk}"
            );
        }
        // `S`: TLS follows, and the bytes after it are the TLS handshake, not messages.
        let mut tls = vec![b'S', 0x16, 0x03, 0x03];
        tls.extend(auth(CLEARTEXT_PASSWORD, &[]));
        assert_eq!(scan_from(Scan::SslReply, &tls, 1).unwrap(), Scan::Done);
        // `N`, then SCRAM: the scan goes on to the end of authentication.
        let mut scram = vec![b'N'];
        scram.extend(auth(10, b"SCRAM-SHA-256\0\0"));
        scram.extend(auth(AUTHENTICATION_OK, &[]));
        assert_eq!(scan_from(Scan::SslReply, &scram, 3).unwrap(), Scan::Done);
    }
}
