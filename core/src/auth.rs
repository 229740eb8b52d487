//! The cluster's shared bearer token.
//!
//! When a token is configured, every gRPC and Flight endpoint of the coordinators and
//! executors requires `authorization: Bearer TOKEN` on each call and answers `UNAUTHENTICATED`
//! otherwise; Kiln's own clients (executors, coordinators, the SDK and the CLI) attach it. The
//! token comes from `KILN_TOKEN` or from a file (`--token-file`, `KILN_TOKEN_FILE`), never from
//! a job.

use std::sync::Arc;

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Request, Status};

/// The environment variable holding the token.
pub const TOKEN_ENV: &str = "KILN_TOKEN";

/// The environment variable naming a file that holds the token.
pub const TOKEN_FILE_ENV: &str = "KILN_TOKEN_FILE";

/// A gRPC channel whose calls carry the cluster's token.
pub type AuthChannel = InterceptedService<Channel, AttachToken>;

/// The cluster's shared secret, or none (authentication off).
#[derive(Clone, Default)]
pub struct Token(Option<Arc<str>>);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.write_str(if self.0.is_some() {
            "Token(set)"
        } else {
            "Token(none)"
        })
    }
}

impl Token {
    /// No token: endpoints are open.
    pub fn none() -> Self {
        Self(None)
    }

    /// A token with this secret; it must be printable ASCII.
    pub fn new(secret: &str) -> Result<Self, String> {
        let secret = secret.trim();
        if secret.is_empty() || !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the token must be non-empty printable ASCII without spaces".into());
        }
        Ok(Self(Some(secret.into())))
    }

    /// The token from `KILN_TOKEN`, else read from `file` (a `--token-file` flag, whose
    /// environment fallback is `KILN_TOKEN_FILE`); none when neither is given.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, String> {
        if let Ok(secret) = std::env::var(TOKEN_ENV) {
            return Self::new(&secret).map_err(|e| format!("{TOKEN_ENV}: {e}"));
        }
        match file {
            Some(path) => {
                let secret = std::fs::read_to_string(path)
                    .map_err(|e| format!("reading the token file {}: {e}", path.display()))?;
                Self::new(&secret).map_err(|e| format!("{}: {e}", path.display()))
            }
            None => Ok(Self::none()),
        }
    }

    /// The `authorization` header value, when a token is set.
    pub fn header(&self) -> Option<MetadataValue<Ascii>> {
        let secret = self.0.as_deref()?;
        format!("Bearer {secret}").parse().ok()
    }

    /// A server-side check that rejects calls without this token.
    pub fn require(&self) -> RequireToken {
        RequireToken(self.header())
    }

    /// A client-side interceptor that adds this token to every call.
    pub fn attach(&self) -> AttachToken {
        AttachToken(self.header())
    }

    /// `channel` with this token on every call.
    pub fn channel(&self, channel: Channel) -> AuthChannel {
        InterceptedService::new(channel, self.attach())
    }
}

/// Adds the token to each outgoing call.
#[derive(Clone)]
pub struct AttachToken(Option<MetadataValue<Ascii>>);

impl Interceptor for AttachToken {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(header) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", header.clone());
        }
        Ok(request)
    }
}

/// Rejects incoming calls that lack the token.
#[derive(Clone)]
pub struct RequireToken(Option<MetadataValue<Ascii>>);

impl Interceptor for RequireToken {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        let Some(expected) = &self.0 else {
            return Ok(request);
        };
        let given = request.metadata().get("authorization");
        if given.is_some_and(|given| same_secret(given.as_bytes(), expected.as_bytes())) {
            Ok(request)
        } else {
            Err(Status::unauthenticated(
                "this Kiln cluster requires its bearer token: set KILN_TOKEN or KILN_TOKEN_FILE",
            ))
        }
    }
}

/// Compares without returning early, so timing does not reveal how much of a guess matched.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(check: &mut RequireToken, header: Option<&str>) -> Result<(), Status> {
        let mut request = Request::new(());
        if let Some(header) = header {
            request
                .metadata_mut()
                .insert("authorization", header.parse().unwrap());
        }
        check.call(request).map(|_| ())
    }

    #[test]
    fn only_the_right_token_passes() {
        let token = Token::new("s3cret").unwrap();
        let mut check = token.require();
        assert!(call(&mut check, Some("Bearer s3cret")).is_ok());
        for wrong in [
            None,
            Some("Bearer s3cre"),
            Some("Bearer s3cret!"),
            Some("s3cret"),
        ] {
            let refused = call(&mut check, wrong).unwrap_err();
            assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{wrong:?}");
        }
        let mut open = Token::none().require();
        assert!(call(&mut open, None).is_ok());
    }

    #[test]
    fn the_attached_header_is_what_servers_expect() {
        let token = Token::new(" abc \n").unwrap();
        let request = token.attach().call(Request::new(())).unwrap();
        assert_eq!(
            request.metadata().get("authorization").unwrap(),
            "Bearer abc"
        );
        assert!(Token::new("has space").is_err());
        assert_eq!(format!("{token:?}"), "Token(set)");
    }
}
