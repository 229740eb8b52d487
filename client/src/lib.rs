//! The Kiln client SDK: submit jobs to a Kiln coordinator, follow them, cancel them, and read
//! query results as a stream of Arrow record batches.
//!
//! Every example here runs (as a doc test) against an embedded cluster, a whole cluster in
//! the test's process (`kiln-embedded`); `cluster.url()` stands for your coordinator's URL.
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
//! use arrow::array::AsArray;
//! use futures::TryStreamExt;
//! use kiln_client::{Client, proto};
//!
//! let client = Client::connect(cluster.url()).await?;
//! let spec = proto::JobSpec {
//!     name: "answer".into(),
//!     steps: vec![proto::StepSpec { name: "q".into(), sql: "SELECT 42 AS answer".into() }],
//!     ..Default::default()
//! };
//! let job_id = client.submit(spec).await?;
//! let status = client.wait(&job_id).await?;
//! let batches: Vec<_> = client.results(&status)?.try_collect().await?;
//! let answer = batches[0].column(0).as_primitive::<arrow::datatypes::Int64Type>();
//! assert_eq!(answer.value(0), 42);
//! # cluster.stop().await;
//! # Ok(()) }
//! ```

mod bookmarks;
mod catalog;
mod error;
mod list;
mod results;
mod schedules;

pub use error::{ClientError, Result};
/// The protocol messages (job specs, statuses) the client speaks.
pub use kiln_proto::v1 as proto;
/// The cluster's bearer token, for clusters that require one.
pub use kiln_wire::auth::Token;
/// The CA to verify an `https://` cluster with (default: the system's trusted roots).
pub use kiln_wire::tls::Tls;
pub use list::{JobPage, JobQuery};
pub use results::{RESULTS_ENV, ResultRoute};

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{Stream, StreamExt};
use kiln_proto::v1::catalog_service_client::CatalogServiceClient;
use kiln_proto::v1::job_service_client::JobServiceClient;
use kiln_proto::v1::schedule_service_client::ScheduleServiceClient;
use kiln_proto::v1::trigger_service_client::TriggerServiceClient;
use kiln_wire::DEFAULT_MAX_MESSAGE_SIZE;
use kiln_wire::auth::AuthChannel;
use kiln_wire::flight::{FlightClients, KEEP_ALIVE_INTERVAL, KEEP_ALIVE_TIMEOUT};
use tonic::transport::{Channel, Endpoint};

/// How long a call keeps retrying while coordinators fail over.
const FAILOVER_PATIENCE: Duration = Duration::from_secs(30);

/// A connection to a Kiln cluster's leading coordinator.
///
/// Given several coordinator URLs (comma-separated), or pointed at a standby, the client
/// follows the leader: a call that reaches a standby or a dead coordinator is retried on the
/// leader for up to 30 seconds, so a coordinator failover is invisible to callers, and a
/// [`Client::watch`] stream resumes on the new leader.
#[derive(Clone)]
pub struct Client {
    coordinators: Arc<Coordinators>,
    flight: Arc<FlightClients>,
    /// Set once an executor could not be reached: results then come through the coordinator.
    executors_unreachable: Arc<AtomicBool>,
}

/// How a client reaches a cluster that requires a token or serves TLS.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Sent on every call, to coordinators and (for results) executors.
    pub token: Token,
    /// Verifies `https://` coordinators and executors.
    pub tls: Tls,
    /// Where results are read from.
    pub results: ResultRoute,
}

impl ConnectOptions {
    /// The token from `KILN_TOKEN` (else the file `KILN_TOKEN_FILE` names), the CA from
    /// `KILN_TLS_CA_FILE` and the result route from `KILN_RESULTS`, as the `kiln` command
    /// reads them.
    pub fn from_env() -> std::result::Result<Self, String> {
        let token_file = std::env::var_os(kiln_wire::auth::TOKEN_FILE_ENV).map(PathBuf::from);
        let results = match std::env::var(RESULTS_ENV) {
            Ok(route) => route.parse().map_err(|e| format!("{RESULTS_ENV}: {e}"))?,
            Err(_) => ResultRoute::Auto,
        };
        Ok(Self {
            token: Token::load(token_file.as_deref()).map_err(|e| e.to_string())?,
            tls: Tls::from_env()?,
            results,
        })
    }
}

/// The coordinators a client knows, and the one it talks to now.
struct Coordinators {
    urls: Vec<String>,
    options: ConnectOptions,
    current: Mutex<Connection>,
}

/// The coordinator a client calls now, and its services.
#[derive(Clone)]
struct Connection {
    url: String,
    jobs: JobServiceClient<AuthChannel>,
    catalog: CatalogServiceClient<AuthChannel>,
    schedules: ScheduleServiceClient<AuthChannel>,
    triggers: TriggerServiceClient<AuthChannel>,
}

impl Connection {
    fn new(url: String, channel: Channel, token: &Token) -> Self {
        let channel = token.channel(channel);
        Connection {
            url,
            jobs: JobServiceClient::new(channel.clone())
                .max_decoding_message_size(DEFAULT_MAX_MESSAGE_SIZE)
                .max_encoding_message_size(DEFAULT_MAX_MESSAGE_SIZE),
            catalog: CatalogServiceClient::new(channel.clone())
                .max_decoding_message_size(DEFAULT_MAX_MESSAGE_SIZE)
                .max_encoding_message_size(DEFAULT_MAX_MESSAGE_SIZE),
            schedules: ScheduleServiceClient::new(channel.clone())
                .max_decoding_message_size(DEFAULT_MAX_MESSAGE_SIZE)
                .max_encoding_message_size(DEFAULT_MAX_MESSAGE_SIZE),
            triggers: TriggerServiceClient::new(channel)
                .max_decoding_message_size(DEFAULT_MAX_MESSAGE_SIZE)
                .max_encoding_message_size(DEFAULT_MAX_MESSAGE_SIZE),
        }
    }
}

fn endpoint(url: &str, tls: &Tls) -> Result<Endpoint> {
    let endpoint = tls.endpoint(url).map_err(|message| ClientError::Connect {
        url: url.to_string(),
        message,
    })?;
    // Keep-alive pings notice a coordinator that froze (or whose host vanished) while a call
    // or a watch waits on it, so the call moves on to the next coordinator instead of hanging.
    Ok(endpoint
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(KEEP_ALIVE_INTERVAL)
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
        .keep_alive_while_idle(true))
}

impl Coordinators {
    fn current(&self) -> Connection {
        self.current.lock().expect("client lock").clone()
    }

    /// Whether a failed call is worth retrying elsewhere, and where: the leader a standby
    /// named, else the next known coordinator.
    fn next_after(&self, status: &tonic::Status) -> Option<String> {
        let broken_connection = std::error::Error::source(status)
            .is_some_and(|e| e.downcast_ref::<tonic::transport::Error>().is_some());
        if status.code() != tonic::Code::Unavailable && !broken_connection {
            return None;
        }
        let hint = status
            .metadata()
            .get(kiln_proto::LEADER_METADATA)
            .and_then(|v| v.to_str().ok());
        match hint {
            Some(leader) if !leader.is_empty() => Some(leader.to_string()),
            // A standby that knows no leader (an election, or it cannot reach the state store
            // itself): ask the next coordinator, or this one again when it is the only one.
            Some(_) if self.urls.len() > 1 => Some(self.next_url()),
            Some(_) => Some(self.current().url),
            None if self.urls.len() > 1 => Some(self.next_url()),
            // The only coordinator known is down or its state store is: nothing to follow.
            None => None,
        }
    }

    /// The known coordinator after the current one.
    fn next_url(&self) -> String {
        let current = self.current().url;
        let at = self.urls.iter().position(|u| *u == current).unwrap_or(0);
        self.urls[(at + 1) % self.urls.len()].clone()
    }

    fn switch_to(&self, url: String) -> Result<()> {
        let mut current = self.current.lock().expect("client lock");
        if current.url != url {
            let channel = endpoint(&url, &self.options.tls)?.connect_lazy();
            *current = Connection::new(url, channel, &self.options.token);
        }
        Ok(())
    }

    /// Makes a job service call on the leader, following it across a failover.
    async fn call<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(JobServiceClient<AuthChannel>) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        self.call_on(|c| call(c.jobs)).await
    }

    /// Makes a catalog service call on the leader, following it across a failover.
    async fn call_catalog<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(CatalogServiceClient<AuthChannel>) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        self.call_on(|c| call(c.catalog)).await
    }

    /// Makes a definition or schedule call on the leader, following it across a failover.
    async fn call_schedules<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(ScheduleServiceClient<AuthChannel>) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        self.call_on(|c| call(c.schedules)).await
    }

    /// Makes a trigger call on the leader, following it across a failover.
    async fn call_triggers<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(TriggerServiceClient<AuthChannel>) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        self.call_on(|c| call(c.triggers)).await
    }

    async fn call_on<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(Connection) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        let deadline = tokio::time::Instant::now() + FAILOVER_PATIENCE;
        loop {
            let status = match call(self.current()).await {
                Ok(response) => return Ok(response.into_inner()),
                Err(status) => status,
            };
            match self.next_after(&status) {
                Some(next) if tokio::time::Instant::now() < deadline => {
                    self.switch_to(next)?;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                _ => return Err(status.into()),
            }
        }
    }
}

impl Client {
    /// Connects to a Kiln coordinator at `url` (e.g. `http://127.0.0.1:50050`), or to the
    /// first reachable of several comma-separated URLs.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// use kiln_client::{Client, ClientError};
    ///
    /// let client = Client::connect(cluster.url()).await?;
    /// assert_eq!(client.executors().await?.len(), 1);
    ///
    /// let nobody = Client::connect("http://127.0.0.1:1").await;
    /// assert!(matches!(nobody, Err(ClientError::Connect { .. })));
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: impl Into<String>) -> Result<Client> {
        Self::connect_with(url, ConnectOptions::default()).await
    }

    /// Connects like [`Client::connect`] to a cluster that requires a token or serves TLS
    /// (`https://` URLs).
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// use kiln_client::{Client, ConnectOptions, Tls, Token};
    ///
    /// // What the `kiln` command does: the token from KILN_TOKEN (or the file
    /// // KILN_TOKEN_FILE names) and the CA from KILN_TLS_CA_FILE, when they are set.
    /// let client = Client::connect_with(cluster.url(), ConnectOptions::from_env()?).await?;
    /// assert_eq!(client.executors().await?.len(), 1);
    ///
    /// // Or explicitly, e.g. for https://kiln.example.com:50050 with a private CA:
    /// let options = ConnectOptions {
    ///     token: Token::new("s3cret")?,
    ///     tls: Tls::load(None, None, None)?, // Some(Path::new("ca.pem")) for a private CA
    ///     ..Default::default()
    /// };
    /// # drop(options);
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(url: impl Into<String>, options: ConnectOptions) -> Result<Client> {
        let urls: Vec<String> = url
            .into()
            .split(',')
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect();
        let mut failure = ClientError::Connect {
            url: String::new(),
            message: "no coordinator URL given".into(),
        };
        for url in &urls {
            let connected = match endpoint(url, &options.tls) {
                Ok(endpoint) => endpoint.connect().await.map_err(|e| ClientError::Connect {
                    url: url.clone(),
                    message: source_chain(&e),
                }),
                Err(e) => Err(e),
            };
            match connected {
                Ok(channel) => {
                    let connection = Connection::new(url.clone(), channel, &options.token);
                    let flight = FlightClients::new(
                        DEFAULT_MAX_MESSAGE_SIZE,
                        options.token.clone(),
                        options.tls.clone(),
                    );
                    return Ok(Client {
                        coordinators: Arc::new(Coordinators {
                            current: Mutex::new(connection),
                            urls,
                            options,
                        }),
                        flight: Arc::new(flight),
                        executors_unreachable: Arc::default(),
                    });
                }
                Err(e) => failure = e,
            }
        }
        Err(failure)
    }

    /// Submits a job; returns its id. A job the coordinator cannot run is rejected with
    /// [`ClientError::InvalidJob`] saying why.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// use kiln_client::ClientError;
    ///
    /// let job_id = client.submit(query("one", "SELECT 1 AS one")).await?;
    /// assert!(job_id.starts_with("job-"));
    ///
    /// let typo = client.submit(query("typo", "SELEC 1")).await;
    /// assert!(matches!(typo, Err(ClientError::InvalidJob(message)) if message.contains("SELEC")));
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn submit(&self, spec: proto::JobSpec) -> Result<String> {
        self.submit_request(proto::SubmitRequest {
            spec: Some(spec),
            ..Default::default()
        })
        .await
    }

    /// Submits `request` under a fresh request id.
    async fn submit_request(&self, mut request: proto::SubmitRequest) -> Result<String> {
        // One id for the submission, sent again with every retry: a retry after a lost reply
        // finds the job the first attempt started instead of starting a second.
        request.request_id = uuid::Uuid::new_v4().to_string();
        let response = self
            .coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.submit(request).await }
            })
            .await?;
        Ok(response.job_id)
    }

    /// Submits a job written as job-file TOML (the same text `kiln submit` reads; relative
    /// paths resolve against the current directory), filling `${name}` placeholders from
    /// `params` or the text's `[params]` defaults. The coordinator parses it: a text that does
    /// not parse is rejected with [`ClientError::InvalidJob`] naming the line and field.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// let job = r#"
    /// name = "daily"
    /// [[step]]
    /// name = "q"
    /// sql = "SELECT '${day}' AS day"
    /// "#;
    /// let params = [("day".to_string(), "2026-11-23".to_string())].into();
    /// let job_id = client.submit_toml(job, &params).await?;
    /// assert_eq!(client.wait(&job_id).await?.name, "daily");
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn submit_toml(
        &self,
        text: &str,
        params: &std::collections::HashMap<String, String>,
    ) -> Result<String> {
        let base_dir = std::env::current_dir()
            .map_err(|e| ClientError::InvalidJob(format!("the current directory: {e}")))?;
        self.submit_request(proto::SubmitRequest {
            job_file: Some(proto::JobFile {
                toml: text.to_string(),
                origin: "job TOML".into(),
                base_dir: base_dir.display().to_string(),
                params: params.clone(),
            }),
            ..Default::default()
        })
        .await
    }

    /// Checks a job fully (sources reachable, SQL plans, sink fits) without running it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// client.validate(query("ok", "SELECT 1")).await?;
    /// let missing = client.validate(query("missing", "SELECT * FROM no_such_table")).await;
    /// assert!(missing.unwrap_err().to_string().contains("no_such_table"));
    /// // Nothing ran.
    /// assert!(client.list(kiln_client::JobQuery::all()).await?.is_empty());
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn validate(&self, spec: proto::JobSpec) -> Result<()> {
        let request = proto::SubmitRequest {
            spec: Some(spec),
            validate_only: true,
            request_id: String::new(),
            job_file: None,
        };
        self.coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.submit(request).await }
            })
            .await?;
        Ok(())
    }

    /// The current status of a job.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// let job_id = client.submit(query("status", "SELECT 1")).await?;
    /// let status = client.get(&job_id).await?;
    /// assert_eq!(status.name, "status");
    /// assert!(client.get("job-unknown").await.is_err());
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, job_id: &str) -> Result<proto::JobStatus> {
        let request = proto::GetJobRequest {
            job_id: job_id.to_string(),
        };
        self.coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.get(request).await }
            })
            .await
    }

    /// Status snapshots of a job as it changes, ending with its final state. The stream
    /// resumes on the new leader when the coordinator it follows goes away.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// use futures::StreamExt;
    ///
    /// let job_id = client.submit(query("watched", "SELECT sum(value) FROM generate_series(1, 1000)")).await?;
    /// let mut updates = Box::pin(client.watch(&job_id).await?);
    /// let mut last = None;
    /// while let Some(status) = updates.next().await {
    ///     let status = status?;
    ///     let done: u32 = status.stages.iter().map(|s| s.tasks_succeeded).sum();
    ///     println!("{} tasks done", done);
    ///     last = Some(status);
    /// }
    /// assert_eq!(kiln_client::state_name(last.unwrap().state), "SUCCEEDED");
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn watch(
        &self,
        job_id: &str,
    ) -> Result<impl Stream<Item = Result<proto::JobStatus>> + use<>> {
        let first = self.watch_once(job_id).await?;
        let client = self.clone();
        let job_id = job_id.to_string();
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        tokio::spawn(async move {
            let mut updates = first;
            loop {
                let mut ended = false;
                while let Some(update) = updates.next().await {
                    match update {
                        Ok(status) => {
                            ended = is_finished(&status);
                            if sender.send(Ok(status)).await.is_err() {
                                return;
                            }
                        }
                        // An answer about the job (gone, not allowed) ends the stream with it.
                        Err(status)
                            if matches!(
                                status.code(),
                                tonic::Code::NotFound
                                    | tonic::Code::InvalidArgument
                                    | tonic::Code::PermissionDenied
                                    | tonic::Code::Unauthenticated
                            ) =>
                        {
                            let _ = sender.send(Err(status.into())).await;
                            return;
                        }
                        // The coordinator went away mid-stream: follow the leader below.
                        Err(_) => break,
                    }
                }
                if ended {
                    return;
                }
                updates = match client.watch_once(&job_id).await {
                    Ok(updates) => updates,
                    Err(error) => {
                        let _ = sender.send(Err(error)).await;
                        return;
                    }
                };
            }
        });
        Ok(tokio_stream::wrappers::ReceiverStream::new(receiver))
    }

    async fn watch_once(&self, job_id: &str) -> Result<tonic::codec::Streaming<proto::JobStatus>> {
        let request = proto::WatchJobRequest {
            job_id: job_id.to_string(),
        };
        self.coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.watch(request).await }
            })
            .await
    }

    /// Waits for a job to end and returns its final status, whatever the state.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// let job_id = client.submit(query("fails", "SELECT CAST(CAST(value AS VARCHAR) || 'x' AS INT) FROM generate_series(1, 3)")).await?;
    /// let status = client.wait(&job_id).await?;
    /// assert_eq!(kiln_client::state_name(status.state), "FAILED");
    /// assert!(status.error.contains("Cannot cast"), "{}", status.error);
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn wait(&self, job_id: &str) -> Result<proto::JobStatus> {
        let mut updates = Box::pin(self.watch(job_id).await?);
        let mut last = None;
        while let Some(status) = updates.next().await {
            last = Some(status?);
        }
        match last {
            Some(status) if is_finished(&status) => Ok(status),
            _ => self.get(job_id).await,
        }
    }

    /// Cancels a job; returns its state afterwards.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// let slow = "SELECT sum(length(sha256(CAST(value AS VARCHAR)))) FROM generate_series(1, 1000000000)";
    /// let job_id = client.submit(query("slow", slow)).await?;
    /// assert_eq!(client.cancel(&job_id).await?, proto::JobState::Cancelled);
    /// assert_eq!(kiln_client::state_name(client.wait(&job_id).await?.state), "CANCELLED");
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn cancel(&self, job_id: &str) -> Result<proto::JobState> {
        let request = proto::CancelJobRequest {
            job_id: job_id.to_string(),
        };
        let response = self
            .coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.cancel(request).await }
            })
            .await?;
        Ok(proto::JobState::try_from(response.state).unwrap_or(proto::JobState::Unspecified))
    }

    /// The jobs `query` asks for, newest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// use kiln_client::{JobQuery, proto};
    ///
    /// for name in ["first", "second", "third"] {
    ///     let job = proto::JobSpec::sql(name, "SELECT 1").label("team", "docs");
    ///     client.wait(&client.submit(job).await?).await?;
    /// }
    /// let done = JobQuery::all().state(proto::JobState::Succeeded).label("team", "docs");
    /// let jobs = client.list(done.clone()).await?;
    /// let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    /// assert_eq!(names, ["third", "second", "first"]);
    ///
    /// // Page by page: two, then the rest.
    /// let page = client.list_page(done.clone().limit(2)).await?;
    /// assert_eq!(page.jobs.len(), 2);
    /// let token = page.next_page_token.expect("one more job matches");
    /// let rest = client.list_page(done.limit(2).after(token)).await?;
    /// assert_eq!(rest.jobs[0].name, "first");
    /// assert_eq!(rest.next_page_token, None);
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, query: JobQuery) -> Result<Vec<proto::JobStatus>> {
        Ok(self.list_page(query).await?.jobs)
    }

    /// One page of the jobs `query` asks for (its [`limit`](JobQuery::limit) of them),
    /// with the token of the next page when more match.
    pub async fn list_page(&self, query: JobQuery) -> Result<JobPage> {
        let request = query.request;
        let response = self
            .coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.list(request).await }
            })
            .await?;
        Ok(JobPage {
            jobs: response.jobs,
            next_page_token: Some(response.next_page_token).filter(|t| !t.is_empty()),
        })
    }

    /// A job's task attempts (every attempt of every task, by stage, partition and attempt):
    /// where and when each ran, how it ended, rows and bytes out, and the error of a failed one.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// let sql = "SELECT value % 3 AS k, count(*) FROM generate_series(1, 100) GROUP BY k";
    /// let job_id = client.submit(query("grouped", sql)).await?;
    /// client.wait(&job_id).await?;
    /// let attempts = client.tasks(&job_id).await?;
    /// assert!(attempts.len() > 1, "a scan task and aggregate tasks");
    /// for a in &attempts {
    ///     assert_eq!(a.state, proto::TaskAttemptState::Succeeded as i32);
    ///     println!("stage {} task {} on {}: {} ms, {} rows",
    ///         a.stage_id, a.partition, a.executor_id, a.ended_at_ms - a.started_at_ms, a.rows_out);
    /// }
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn tasks(&self, job_id: &str) -> Result<Vec<proto::TaskAttemptStatus>> {
        self.attempts(job_id, None, None, false).await
    }

    /// Like [`Client::tasks`], with each attempt's log lines; only the attempts of stage
    /// `task.0`, partition `task.1` when `task` is given. (Executors capture the lines logged
    /// while a task runs; in your own process, install that capture as `kiln` does.)
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// # kiln_executor::task_log::init_logging(false, "off");
    /// let job_id = client.submit(query("fails", "SELECT CAST(CAST(value AS VARCHAR) || 'x' AS INT) FROM generate_series(1, 3)")).await?;
    /// client.wait(&job_id).await?;
    /// let attempts = client.logs(&job_id, Some((0, 0))).await?;
    /// for attempt in &attempts {
    ///     assert_eq!(attempt.state, proto::TaskAttemptState::Failed as i32);
    ///     assert!(attempt.log.iter().any(|line| line.contains("Cannot cast")), "{:?}", attempt.log);
    /// }
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn logs(
        &self,
        job_id: &str,
        task: Option<(u32, u32)>,
    ) -> Result<Vec<proto::TaskAttemptStatus>> {
        self.attempts(job_id, task.map(|t| t.0), task.map(|t| t.1), true)
            .await
    }

    async fn attempts(
        &self,
        job_id: &str,
        stage_id: Option<u32>,
        partition: Option<u32>,
        with_logs: bool,
    ) -> Result<Vec<proto::TaskAttemptStatus>> {
        let request = proto::GetTasksRequest {
            job_id: job_id.to_string(),
            stage_id,
            partition,
            with_logs,
        };
        let response = self
            .coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.get_tasks(request).await }
            })
            .await?;
        Ok(response.attempts)
    }

    /// The executors in the cluster.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// let executors = client.executors().await?;
    /// assert_eq!(executors.len(), 1);
    /// assert_eq!(executors[0].slots, 2);
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn executors(&self) -> Result<Vec<proto::ExecutorStatus>> {
        let response = self
            .coordinators
            .call(|mut c| async move { c.list_executors(proto::ListExecutorsRequest {}).await })
            .await?;
        Ok(response.executors)
    }

    /// The leading coordinator's release and protocol version, and its URL.
    pub async fn server_version(&self) -> Result<proto::GetVersionResponse> {
        self.coordinators
            .call(|mut c| async move { c.get_version(proto::GetVersionRequest {}).await })
            .await
    }
}

/// Whether a status is final (succeeded, failed, cancelled or timed out).
///
/// ```
/// use kiln_client::{is_finished, proto};
///
/// let running = proto::JobStatus { state: proto::JobState::Running as i32, ..Default::default() };
/// assert!(!is_finished(&running));
/// let failed = proto::JobStatus { state: proto::JobState::Failed as i32, ..Default::default() };
/// assert!(is_finished(&failed));
/// ```
pub fn is_finished(status: &proto::JobStatus) -> bool {
    !matches!(
        proto::JobState::try_from(status.state),
        Ok(proto::JobState::Queued | proto::JobState::Running)
    )
}

/// A job state's name as users see it: `SUCCEEDED`, `FAILED`, ...
///
/// ```
/// assert_eq!(kiln_client::state_name(kiln_client::proto::JobState::TimedOut as i32), "TIMED_OUT");
/// ```
pub fn state_name(state: i32) -> &'static str {
    proto::JobState::try_from(state)
        .map(|s| s.as_str_name().trim_start_matches("JOB_STATE_"))
        .unwrap_or("UNKNOWN")
}

/// The job state named `name` (`running`, `SUCCEEDED`, `timed_out`, ...), if there is one.
///
/// ```
/// use kiln_client::{parse_state, proto::JobState};
///
/// assert_eq!(parse_state("timed_out"), Some(JobState::TimedOut));
/// assert_eq!(parse_state("finished"), None);
/// ```
pub fn parse_state(name: &str) -> Option<proto::JobState> {
    proto::JobState::from_str_name(&format!("JOB_STATE_{}", name.to_ascii_uppercase()))
        .filter(|s| *s != proto::JobState::Unspecified)
}

fn source_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
