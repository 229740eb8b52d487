//! Bearer tokens and the two roles they give: clients and cluster members.
//!
//! A cluster may hold two secrets. The **client token** (`KILN_TOKEN`, or the file
//! `KILN_TOKEN_FILE` names) is what users, the CLI and the SDKs send; it reaches the job and
//! catalog services and reads results. The **cluster token** (`KILN_CLUSTER_TOKEN`, or the file
//! `KILN_CLUSTER_TOKEN_FILE` names) is shared only by coordinators and executors; it alone
//! reaches what members call on each other (registering, reporting task status, launching
//! tasks), so a client cannot forge an executor or launch a task. Members accept the cluster
//! token everywhere. Both come from the environment or files, never from a job.
//!
//! A cluster with no token at all is open to anyone who reaches its ports; its processes say
//! so loudly when they start.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Request, Status};

/// The environment variable holding the client token.
pub const TOKEN_ENV: &str = "KILN_TOKEN";

/// The environment variable naming a file that holds the client token.
pub const TOKEN_FILE_ENV: &str = "KILN_TOKEN_FILE";

/// The environment variable holding the cluster (member) token.
pub const CLUSTER_TOKEN_ENV: &str = "KILN_CLUSTER_TOKEN";

/// The environment variable naming a file that holds the cluster token.
pub const CLUSTER_TOKEN_FILE_ENV: &str = "KILN_CLUSTER_TOKEN_FILE";

/// A gRPC channel whose calls carry a token.
pub type AuthChannel = InterceptedService<Channel, AttachToken>;

/// Why a token could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The secret is empty or holds spaces or control characters.
    #[error("{origin}: the token must be non-empty printable ASCII without spaces")]
    Invalid { origin: String },
    /// The token file could not be read.
    #[error("reading the token file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A client token without a cluster token would let clients call members' methods.
    #[error(
        "{TOKEN_ENV} is set but {CLUSTER_TOKEN_ENV} is not: coordinators and executors need a \
         cluster token of their own, so that a client token cannot call executor-only methods; \
         set {CLUSTER_TOKEN_ENV} (or {CLUSTER_TOKEN_FILE_ENV}) on every coordinator and executor"
    )]
    NoClusterToken,
    /// One secret for both roles gives clients the members' role.
    #[error(
        "{TOKEN_ENV} and {CLUSTER_TOKEN_ENV} must differ: clients would hold the members' role"
    )]
    SameTokens,
}

/// One bearer secret, or none (that role is not authenticated).
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
    pub fn new(secret: &str) -> Result<Self, AuthError> {
        Self::parse(secret, "the token")
    }

    fn parse(secret: &str, origin: &str) -> Result<Self, AuthError> {
        let secret = secret.trim();
        if secret.is_empty() || !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AuthError::Invalid {
                origin: origin.into(),
            });
        }
        Ok(Self(Some(secret.into())))
    }

    /// The client token: `KILN_TOKEN`, else read from `file` (a `--token-file` flag, whose
    /// environment fallback is `KILN_TOKEN_FILE`); none when neither is given.
    pub fn load(file: Option<&Path>) -> Result<Self, AuthError> {
        Self::load_from(TOKEN_ENV, file)
    }

    /// A token from the environment variable `env`, else read from `file`; none when neither
    /// is given.
    pub fn load_from(env: &str, file: Option<&Path>) -> Result<Self, AuthError> {
        if let Ok(secret) = std::env::var(env) {
            return Self::parse(&secret, env);
        }
        match file {
            Some(path) => {
                let secret = std::fs::read_to_string(path).map_err(|source| AuthError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                Self::parse(&secret, &path.display().to_string())
            }
            None => Ok(Self::none()),
        }
    }

    /// Whether a secret is set.
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// The `authorization` header value, when a token is set.
    pub fn header(&self) -> Option<MetadataValue<Ascii>> {
        let secret = self.0.as_deref()?;
        format!("Bearer {secret}").parse().ok()
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

/// The tokens a coordinator or executor holds: the client token it accepts from users and
/// the cluster token it shares with the other members and sends on its own calls.
#[derive(Clone, Debug, Default)]
pub struct ClusterTokens {
    client: Token,
    member: Token,
}

impl ClusterTokens {
    /// No tokens: every endpoint is open.
    pub fn none() -> Self {
        Self::default()
    }

    /// Both roles' tokens; a client token needs a cluster token beside it, and they differ.
    pub fn new(client: Token, member: Token) -> Result<Self, AuthError> {
        match (&client.0, &member.0) {
            (Some(_), None) => Err(AuthError::NoClusterToken),
            (Some(a), Some(b)) if a == b => Err(AuthError::SameTokens),
            _ => Ok(Self { client, member }),
        }
    }

    /// Whether any call is authenticated at all.
    pub fn is_open(&self) -> bool {
        !self.client.is_set() && !self.member.is_set()
    }

    /// What this member sends on its calls to other members.
    pub fn member(&self) -> &Token {
        &self.member
    }

    /// A server-side check for methods only cluster members may call.
    pub fn members_only(&self) -> RequireToken {
        RequireToken {
            accepted: self.member.header().into_iter().collect(),
            refused_client: self.client.header(),
        }
    }

    /// A server-side check for methods clients and members may call.
    pub fn clients_and_members(&self) -> RequireToken {
        if !self.client.is_set() {
            // Clients are not authenticated: anyone may call.
            return RequireToken::default();
        }
        RequireToken {
            accepted: [self.client.header(), self.member.header()]
                .into_iter()
                .flatten()
                .collect(),
            refused_client: None,
        }
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

/// Rejects incoming calls that carry none of the accepted tokens; open when none is
/// accepted.
#[derive(Clone, Default)]
pub struct RequireToken {
    accepted: Vec<MetadataValue<Ascii>>,
    /// The client token, where it is known but not enough: its calls are told they lack the
    /// role rather than the token.
    refused_client: Option<MetadataValue<Ascii>>,
}

impl RequireToken {
    /// Whether a call whose `authorization` header is `given` may pass (gRPC or HTTP).
    pub fn check(&self, given: Option<&[u8]>) -> Result<(), Status> {
        if self.accepted.is_empty() {
            return Ok(());
        }
        let matches = |token: &MetadataValue<Ascii>| {
            given.is_some_and(|given| same_secret(given, token.as_bytes()))
        };
        // Every accepted token is compared, so timing does not tell which one matched.
        let accepted = self.accepted.iter().fold(false, |ok, t| matches(t) | ok);
        if accepted {
            Ok(())
        } else if self.refused_client.as_ref().is_some_and(matches) {
            Err(Status::permission_denied(
                "this method is for cluster members (coordinators and executors): the client \
                 token cannot call it",
            ))
        } else {
            Err(Status::unauthenticated(
                "this Kiln cluster requires its bearer token: set KILN_TOKEN or KILN_TOKEN_FILE",
            ))
        }
    }
}

impl Interceptor for RequireToken {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        let given = request.metadata().get("authorization");
        self.check(given.map(|given| given.as_bytes()))?;
        Ok(request)
    }
}

impl RequireToken {
    /// This check, also taking the token as the password of basic auth (any user name), as
    /// JDBC and ODBC tools send credentials.
    pub fn or_password(self) -> TokenOrPassword {
        TokenOrPassword(self)
    }
}

/// A [`RequireToken`] that also takes the token as a basic-auth password; the call then
/// carries it as a bearer token, so a Flight SQL handshake can hand it back.
#[derive(Clone)]
pub struct TokenOrPassword(RequireToken);

impl Interceptor for TokenOrPassword {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        let password = request
            .metadata()
            .get("authorization")
            .and_then(|value| basic_password(value.as_bytes()));
        if let Some(password) = password {
            let bearer = MetadataValue::try_from(format!("Bearer {password}")).map_err(|_| {
                Status::unauthenticated("the basic-auth password is not a valid token")
            })?;
            request.metadata_mut().insert("authorization", bearer);
        }
        self.0.call(request)
    }
}

/// The password of a `Basic base64(user:password)` header.
fn basic_password(header: &[u8]) -> Option<String> {
    use base64::Engine;
    let encoded = header.strip_prefix(b"Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (_user, password) = text.split_once(':')?;
    Some(password.to_string())
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

    fn tokens(client: &str, member: &str) -> ClusterTokens {
        ClusterTokens::new(Token::new(client).unwrap(), Token::new(member).unwrap()).unwrap()
    }

    #[test]
    fn only_the_right_token_passes() {
        let mut check = tokens("s3cret", "m3mber").clients_and_members();
        assert!(call(&mut check, Some("Bearer s3cret")).is_ok());
        assert!(call(&mut check, Some("Bearer m3mber")).is_ok());
        for wrong in [
            None,
            Some("Bearer s3cre"),
            Some("Bearer s3cret!"),
            Some("s3cret"),
        ] {
            let refused = call(&mut check, wrong).unwrap_err();
            assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{wrong:?}");
        }
        let mut open = ClusterTokens::none().members_only();
        assert!(call(&mut open, None).is_ok());
    }

    #[test]
    fn the_client_token_lacks_the_members_role() {
        let mut check = tokens("s3cret", "m3mber").members_only();
        assert!(call(&mut check, Some("Bearer m3mber")).is_ok());
        let refused = call(&mut check, Some("Bearer s3cret")).unwrap_err();
        assert_eq!(refused.code(), tonic::Code::PermissionDenied);
        let refused = call(&mut check, None).unwrap_err();
        assert_eq!(refused.code(), tonic::Code::Unauthenticated);

        // Members guarded while clients are open: a client without a token is still refused.
        let members = ClusterTokens::new(Token::none(), Token::new("m3mber").unwrap()).unwrap();
        assert!(call(&mut members.clients_and_members(), None).is_ok());
        let refused = call(&mut members.members_only(), None).unwrap_err();
        assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    }

    #[test]
    fn the_token_passes_as_a_basic_auth_password_and_becomes_the_bearer() {
        use base64::Engine;
        let basic = |credentials: &str| {
            let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
            let mut request = Request::new(());
            let header = format!("Basic {encoded}");
            request
                .metadata_mut()
                .insert("authorization", header.parse().unwrap());
            request
        };
        let mut check = tokens("s3cret", "m3mber")
            .clients_and_members()
            .or_password();
        let passed = check.call(basic("anyone:s3cret")).unwrap();
        assert_eq!(
            passed.metadata().get("authorization").unwrap(),
            "Bearer s3cret"
        );
        for wrong in ["anyone:wrong", "s3cret", "anyone:"] {
            let refused = check.call(basic(wrong)).unwrap_err();
            assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{wrong}");
        }
    }

    #[test]
    fn a_client_token_needs_a_different_cluster_token() {
        let client = Token::new("s3cret").unwrap();
        let alone = ClusterTokens::new(client.clone(), Token::none()).unwrap_err();
        assert!(alone.to_string().contains("KILN_CLUSTER_TOKEN"), "{alone}");
        let same = ClusterTokens::new(client.clone(), client).unwrap_err();
        assert!(matches!(same, AuthError::SameTokens));
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
