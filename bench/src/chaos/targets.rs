//! The sinks a chaos run loads into, each prepared with earlier data, and what each must hold
//! after a job that succeeded or failed.

use std::path::{Path, PathBuf};

use datafusion::functions_aggregate::expr_fn::{count, count_distinct, max, min, sum};
use datafusion::prelude::{SessionContext, cast, col, lit};
use kiln_client::proto;
use kiln_tests::{mysql, postgres, sqlite};

/// How many rows of earlier data each target holds before the job.
const OLD_ROWS: i64 = 100;

/// A sink and save mode of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Parquet files over earlier files, which the job replaces.
    ParquetOverwrite,
    /// Parquet files into a directory that does not exist yet.
    ParquetErrorIfExists,
    /// Parquet files over earlier files, which the job leaves alone.
    ParquetIgnore,
    PostgresAppend,
    PostgresOverwrite,
    /// Rows 1..=100 exist with old values; the job updates them and inserts the rest.
    PostgresUpsert,
    MariadbAppend,
    SqliteAppend,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::ParquetOverwrite,
        Kind::ParquetErrorIfExists,
        Kind::ParquetIgnore,
        Kind::PostgresAppend,
        Kind::PostgresOverwrite,
        Kind::PostgresUpsert,
        Kind::MariadbAppend,
        Kind::SqliteAppend,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::ParquetOverwrite => "parquet overwrite",
            Kind::ParquetErrorIfExists => "parquet error_if_exists",
            Kind::ParquetIgnore => "parquet ignore",
            Kind::PostgresAppend => "postgres append",
            Kind::PostgresOverwrite => "postgres overwrite",
            Kind::PostgresUpsert => "postgres upsert",
            Kind::MariadbAppend => "mariadb append",
            Kind::SqliteAppend => "sqlite append",
        }
    }

    /// Whether the sink is PostgreSQL.
    pub fn is_postgres(self) -> bool {
        matches!(
            self,
            Kind::PostgresAppend | Kind::PostgresOverwrite | Kind::PostgresUpsert
        )
    }

    /// Whether the sink writes files (and commits with the file protocol).
    pub fn is_files(self) -> bool {
        matches!(
            self,
            Kind::ParquetOverwrite | Kind::ParquetErrorIfExists | Kind::ParquetIgnore
        )
    }

    fn mode(self) -> proto::SaveMode {
        match self {
            Kind::ParquetOverwrite | Kind::PostgresOverwrite => proto::SaveMode::Overwrite,
            Kind::ParquetErrorIfExists => proto::SaveMode::ErrorIfExists,
            Kind::ParquetIgnore => proto::SaveMode::Ignore,
            Kind::PostgresUpsert => proto::SaveMode::Upsert,
            Kind::PostgresAppend | Kind::MariadbAppend | Kind::SqliteAppend => {
                proto::SaveMode::Append
            }
        }
    }
}

/// What a target holds: its rows, distinct ids, smallest and largest id, and the rows that
/// still carry the earlier data's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub rows: u64,
    pub distinct: u64,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub old: u64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
        write!(
            f,
            "{} rows, {} distinct, ids {}..{}, {} old",
            self.rows,
            self.distinct,
            bound(self.min),
            bound(self.max),
            self.old
        )
    }
}

/// One run's target, with the scratch database or directory it lives in.
pub struct Target {
    pub kind: Kind,
    /// The job's rows: ids 1..=rows.
    rows: i64,
    dir: tempfile::TempDir,
    postgres: Option<Postgres>,
    mariadb: Option<mysql::TestDatabase>,
}

/// Where a PostgreSQL target lives: a scratch database on the machine's server, or a private
/// server of its own, which the run may crash.
enum Postgres {
    Shared(postgres::TestDatabase),
    Private(postgres::PasswordServer),
}

impl Postgres {
    fn url(&self) -> String {
        match self {
            Postgres::Shared(database) => database.url(),
            Postgres::Private(server) => server.url(),
        }
    }

    fn psql(&self, sql: &str) -> String {
        match self {
            Postgres::Shared(database) => database.psql(sql),
            Postgres::Private(server) => server.psql(sql),
        }
    }
}

/// The secret that holds the private PostgreSQL server's password, and the password.
const PRIVATE_SECRET: &str = "chaos-pg";
const PRIVATE_PASSWORD: &str = "chaos-pg-password";

/// The environment every process needs to load into a private PostgreSQL server.
pub fn private_postgres_env() -> Vec<(String, String)> {
    vec![(
        format!(
            "KILN_SECRET_{}",
            PRIVATE_SECRET.to_uppercase().replace('-', "_")
        ),
        PRIVATE_PASSWORD.into(),
    )]
}

/// The table the database sinks load.
const TABLE: &str = "numbers";

impl Target {
    /// Creates the target with its earlier data: ids 1..=100 for an upsert (which the job
    /// updates), ids past the job's for the others.
    /// A PostgreSQL target lives on a private server when `private_postgres`.
    pub async fn prepare(kind: Kind, rows: usize, private_postgres: bool) -> Target {
        let rows = rows as i64;
        let target = Target {
            kind,
            rows,
            dir: tempfile::tempdir().expect("a temp dir"),
            postgres: kind.is_postgres().then(|| match private_postgres {
                true => Postgres::Private(postgres::PasswordServer::start(PRIVATE_PASSWORD)),
                false => Postgres::Shared(postgres::TestDatabase::create()),
            }),
            mariadb: (kind == Kind::MariadbAppend).then(mysql::TestDatabase::create),
        };
        let first = if kind == Kind::PostgresUpsert {
            1
        } else {
            rows + 1
        };
        let last = first + OLD_ROWS - 1;
        let table =
            format!("CREATE TABLE {TABLE} (id BIGINT PRIMARY KEY, bucket BIGINT, pad TEXT)");
        if let Some(db) = &target.postgres {
            db.psql(&format!(
                "{table}; INSERT INTO {TABLE} SELECT i, i % 97, 'old' FROM generate_series({first}, {last}) AS i"
            ));
        }
        if let Some(db) = &target.mariadb {
            db.sql(&format!(
                "{table}; INSERT INTO {TABLE} SELECT seq, seq % 97, 'old' FROM seq_{first}_to_{last}"
            ));
        }
        if kind == Kind::SqliteAppend {
            sqlite::execute(
                &target.sqlite_file(),
                &format!(
                    "{table}; INSERT INTO {TABLE} WITH RECURSIVE s(i) AS (SELECT {first} \
                     UNION ALL SELECT i + 1 FROM s WHERE i < {last}) SELECT i, i % 97, 'old' FROM s"
                ),
            );
        }
        if matches!(kind, Kind::ParquetOverwrite | Kind::ParquetIgnore) {
            let path = target.files_dir().join("old.parquet");
            std::fs::create_dir_all(target.files_dir()).expect("the target directory");
            let sql = format!(
                "SELECT value AS id, value % 97 AS bucket, 'old' AS pad \
                 FROM generate_series({first}, {last})"
            );
            SessionContext::new()
                .sql(&sql)
                .await
                .expect("the earlier rows")
                .write_parquet(
                    path.to_str().expect("a UTF-8 path"),
                    Default::default(),
                    None,
                )
                .await
                .expect("writing the earlier rows");
        }
        target
    }

    fn files_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn sqlite_file(&self) -> PathBuf {
        self.dir.path().join("target.db")
    }

    /// The job's sink.
    pub fn sink(&self) -> proto::SinkSpec {
        let (format, path) = match self.kind {
            k if k.is_files() => ("parquet", self.files_dir().display().to_string()),
            Kind::MariadbAppend => ("mysql", self.mariadb.as_ref().expect("a database").url()),
            Kind::SqliteAppend => ("sqlite", self.sqlite_file().display().to_string()),
            _ => (
                "postgres",
                self.postgres.as_ref().expect("a database").url(),
            ),
        };
        proto::SinkSpec {
            format: format.into(),
            path,
            table: if self.kind.is_files() {
                String::new()
            } else {
                TABLE.into()
            },
            mode: self.kind.mode() as i32,
            key_columns: if self.kind == Kind::PostgresUpsert {
                vec!["id".into()]
            } else {
                vec![]
            },
            options: match &self.postgres {
                Some(Postgres::Private(_)) => {
                    [("password_secret".to_string(), PRIVATE_SECRET.to_string())].into()
                }
                _ => Default::default(),
            },
            ..Default::default()
        }
    }

    /// Crashes the private PostgreSQL server the target lives on and starts it again.
    pub fn crash_postgres(&self) {
        match &self.postgres {
            Some(Postgres::Private(server)) => server.restart_immediately(),
            _ => panic!("the target has no private PostgreSQL server to crash"),
        }
    }

    /// What the target must hold once the job has ended: its rows applied when it
    /// succeeded, the earlier data untouched when it did not.
    pub fn expected(&self, succeeded: bool) -> Counts {
        let rows = self.rows;
        let old = |first: i64| Counts {
            rows: OLD_ROWS as u64,
            distinct: OLD_ROWS as u64,
            min: Some(first),
            max: Some(first + OLD_ROWS - 1),
            old: OLD_ROWS as u64,
        };
        let new = Counts {
            rows: rows as u64,
            distinct: rows as u64,
            min: Some(1),
            max: Some(rows),
            old: 0,
        };
        match (self.kind, succeeded) {
            (Kind::ParquetErrorIfExists, false) => Counts {
                rows: 0,
                distinct: 0,
                min: None,
                max: None,
                old: 0,
            },
            (Kind::PostgresUpsert, false) => old(1),
            (_, false) | (Kind::ParquetIgnore, true) => old(rows + 1),
            (Kind::PostgresAppend | Kind::MariadbAppend | Kind::SqliteAppend, true) => Counts {
                rows: (rows + OLD_ROWS) as u64,
                distinct: (rows + OLD_ROWS) as u64,
                min: Some(1),
                max: Some(rows + OLD_ROWS),
                old: OLD_ROWS as u64,
            },
            (_, true) => new,
        }
    }

    /// What the target holds now, read with the database's own client (or DataFusion over
    /// the published files).
    pub async fn counts(&self) -> Counts {
        if self.kind.is_files() {
            return parquet_counts(&self.files_dir()).await;
        }
        let fields = self.first_row(&format!(
            "SELECT count(id), count(DISTINCT id), min(id), max(id), \
             sum(CASE WHEN pad = 'old' THEN 1 ELSE 0 END) FROM {TABLE}"
        ));
        let number = |i: usize| fields.get(i).and_then(|f| f.parse::<i64>().ok());
        Counts {
            rows: number(0).unwrap_or(0) as u64,
            distinct: number(1).unwrap_or(0) as u64,
            min: number(2),
            max: number(3),
            old: number(4).unwrap_or(0) as u64,
        }
    }

    /// The rows of a database target with ids `from..=to`.
    pub fn rows_between(&self, from: i64, to: i64) -> u64 {
        let fields = self.first_row(&format!(
            "SELECT count(*) FROM {TABLE} WHERE id BETWEEN {from} AND {to}"
        ));
        fields.first().and_then(|f| f.parse().ok()).unwrap_or(0)
    }

    /// The first row of `sql` on a database target, as text fields.
    fn first_row(&self, sql: &str) -> Vec<String> {
        let text = match self.kind {
            Kind::MariadbAppend => self.mariadb.as_ref().expect("a database").sql(sql),
            Kind::SqliteAppend => sqlite::query(&self.sqlite_file(), sql)
                .trim_matches(|c| "[()]".contains(c))
                .replace(',', "\t"),
            _ => self
                .postgres
                .as_ref()
                .expect("a database")
                .psql(sql)
                .replace('|', "\t"),
        };
        let line = text.lines().next().unwrap_or_default();
        line.split('\t').map(|f| f.trim().to_string()).collect()
    }

    /// What a job left that it should have removed: the file sink's `_temporary`, or staging
    /// tables (the ledger `_kiln_commits` stays by design).
    pub fn leftovers(&self) -> Vec<String> {
        let names = match self.kind {
            k if k.is_files() => {
                let temporary = self.files_dir().join("_temporary");
                return match temporary.exists() {
                    true => vec![temporary.display().to_string()],
                    false => vec![],
                };
            }
            Kind::MariadbAppend => self.mariadb.as_ref().expect("a database").sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() \
                 AND table_name LIKE '\\\\_kiln\\\\_%' AND table_name <> '_kiln_commits'",
            ),
            Kind::SqliteAppend => sqlite::query(
                &self.sqlite_file(),
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name LIKE '\\_kiln\\_%' ESCAPE '\\' AND name <> '_kiln_commits'",
            )
            .replace(['[', ']', '(', ')', '\''], ""),
            _ => self.postgres.as_ref().expect("a database").psql(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE '\\_kiln\\_%' \
                 AND tablename <> '_kiln_commits'",
            ),
        };
        names
            .split(['\n', ','])
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect()
    }
}

/// The counts of the Parquet files published under `dir` (not those under `_temporary`).
async fn parquet_counts(dir: &Path) -> Counts {
    let files = published_files(dir);
    if files.is_empty() {
        return Counts {
            rows: 0,
            distinct: 0,
            min: None,
            max: None,
            old: 0,
        };
    }
    let ctx = SessionContext::new();
    let batches = ctx
        .read_parquet(files, Default::default())
        .await
        .expect("reading the published files")
        .aggregate(
            vec![],
            vec![
                count(col("id")),
                count_distinct(col("id")),
                min(col("id")),
                max(col("id")),
                sum(cast(
                    col("pad").eq(lit("old")),
                    datafusion::arrow::datatypes::DataType::Int64,
                )),
            ],
        )
        .expect("an aggregate")
        .collect()
        .await
        .expect("counting the published rows");
    let batch = &batches[0];
    let value = |i: usize| {
        let column = datafusion::arrow::compute::cast(
            batch.column(i),
            &datafusion::arrow::datatypes::DataType::Int64,
        )
        .expect("an integer column");
        let column = datafusion::arrow::array::AsArray::as_primitive::<
            datafusion::arrow::datatypes::Int64Type,
        >(&column)
        .clone();
        datafusion::arrow::array::Array::is_valid(&column, 0).then(|| column.value(0))
    };
    Counts {
        rows: value(0).unwrap_or(0) as u64,
        distinct: value(1).unwrap_or(0) as u64,
        min: value(2),
        max: value(3),
        old: value(4).unwrap_or(0) as u64,
    }
}

/// The `.parquet` files under `dir`, outside `_temporary`.
fn published_files(dir: &Path) -> Vec<String> {
    let mut found = vec![];
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "_temporary") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|x| x == "parquet") {
                found.push(path.display().to_string());
            }
        }
    }
    found
}
