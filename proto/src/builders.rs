//! Builders for the messages clients write by hand (jobs, their sources and sinks), so that a
//! Rust caller says what a job is instead of filling every field of a protobuf struct:
//!
//! ```
//! use kiln_proto::v1::{JobSpec, SaveMode, SinkSpec, SourceSpec};
//!
//! let job = JobSpec::sql("daily-revenue", "SELECT day, sum(amount) AS revenue FROM orders GROUP BY day")
//!     .source(SourceSpec::csv("orders", "s3://shop/orders/").option("format.has_header", "true"))
//!     .sink(SinkSpec::files("parquet", "s3://lake/revenue/").partition_by(["day"]).save_mode(SaveMode::OverwritePartitions))
//!     .label("team", "finance")
//!     .parallelism(8);
//! assert_eq!(job.steps[0].name, "query");
//! assert_eq!(job.sources[0].format, "csv");
//! assert_eq!(job.sink.unwrap().partition_by, ["day"]);
//! ```

use crate::v1::{JobOptions, JobSpec, SaveMode, SinkSpec, SourceSpec, StepSpec};

impl JobSpec {
    /// A job named `name` whose one step, `query`, runs `sql`; its rows are the job's
    /// result unless a [`sink`](Self::sink) is set.
    pub fn sql(name: impl Into<String>, sql: impl Into<String>) -> Self {
        JobSpec {
            name: name.into(),
            steps: vec![StepSpec {
                name: "query".into(),
                sql: sql.into(),
            }],
            ..Default::default()
        }
    }

    /// A job named `name` with no steps yet: add them with [`step`](Self::step).
    pub fn named(name: impl Into<String>) -> Self {
        JobSpec {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Adds a step; later steps read the earlier ones by name, the last one is the result.
    pub fn step(mut self, name: impl Into<String>, sql: impl Into<String>) -> Self {
        self.steps.push(StepSpec {
            name: name.into(),
            sql: sql.into(),
        });
        self
    }

    /// Adds a statement run before the steps (CREATE EXTERNAL TABLE, CREATE VIEW, SET).
    pub fn setup(mut self, sql: impl Into<String>) -> Self {
        self.setup_sql.push(sql.into());
        self
    }

    /// Adds a table the SQL reads.
    pub fn source(mut self, source: SourceSpec) -> Self {
        self.sources.push(source);
        self
    }

    /// Sends the last step's rows to `sink` instead of back as the result.
    pub fn sink(mut self, sink: SinkSpec) -> Self {
        self.sink = Some(sink);
        self
    }

    /// Adds a label, listed with the job and filtered on by `list`.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Partitions per shuffle (0: the cluster's default).
    pub fn parallelism(mut self, partitions: u32) -> Self {
        self.options_mut().parallelism = partitions;
        self
    }

    /// A wall-clock limit for the whole job.
    pub fn timeout(mut self, limit: std::time::Duration) -> Self {
        self.options_mut().timeout_ms = limit.as_millis().try_into().unwrap_or(u64::MAX);
        self
    }

    /// Attempts per task before the job fails (0: the cluster's default).
    pub fn max_task_attempts(mut self, attempts: u32) -> Self {
        self.options_mut().max_task_attempts = attempts;
        self
    }

    fn options_mut(&mut self) -> &mut JobOptions {
        self.options.get_or_insert_with(JobOptions::default)
    }
}

impl SourceSpec {
    /// A table `name` read from `path` (a file or directory, local or an object-store URL)
    /// in `format`: csv, json, parquet, arrow, or a database's (postgres, mysql, sqlite).
    pub fn new(
        name: impl Into<String>,
        format: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        SourceSpec {
            name: name.into(),
            format: format.into(),
            path: path.into(),
            ..Default::default()
        }
    }

    /// CSV files at `path`.
    pub fn csv(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(name, "csv", path)
    }

    /// Parquet files at `path`.
    pub fn parquet(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(name, "parquet", path)
    }

    /// Newline-delimited JSON files at `path`.
    pub fn json(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(name, "json", path)
    }

    /// Sets a format or connector option (`format.has_header`, `table`, `password_env`...;
    /// `kiln options` lists them).
    pub fn option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.insert(key.into(), value.into());
        self
    }
}

impl SinkSpec {
    /// Files in `format` (parquet, csv, json) written under the directory `path`.
    pub fn files(format: impl Into<String>, path: impl Into<String>) -> Self {
        SinkSpec {
            format: format.into(),
            path: path.into(),
            ..Default::default()
        }
    }

    /// Table `table` of the database at `url` (postgres://, mysql://, sqlite://; the URL
    /// holds no password: name it with the `password_env` option).
    pub fn database(
        format: impl Into<String>,
        url: impl Into<String>,
        table: impl Into<String>,
    ) -> Self {
        SinkSpec {
            format: format.into(),
            path: url.into(),
            table: table.into(),
            ..Default::default()
        }
    }

    /// What happens to data already in the target.
    pub fn save_mode(mut self, mode: SaveMode) -> Self {
        self.mode = mode as i32;
        self
    }

    /// Columns whose values become hive-style directories (`day=2024-05-01/`).
    pub fn partition_by<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.partition_by = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Upserts into a database table on these key columns.
    pub fn upsert_on<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.key_columns = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Sets a format or connector option (`compression`, `rows_per_file`, `password_env`...).
    pub fn option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.insert(key.into(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_fill_the_fields_they_name() {
        let job = JobSpec::named("two-steps")
            .setup("SET datafusion.execution.batch_size = 1024")
            .step("a", "SELECT 1 AS x")
            .step("b", "SELECT x + 1 FROM a")
            .timeout(std::time::Duration::from_secs(90))
            .max_task_attempts(2);
        assert_eq!(job.steps.len(), 2);
        assert_eq!(job.steps[1].name, "b");
        assert_eq!(job.setup_sql.len(), 1);
        let options = job.options.unwrap();
        assert_eq!(options.timeout_ms, 90_000);
        assert_eq!(options.max_task_attempts, 2);

        let sink = SinkSpec::database("postgres", "postgres://app@db/shop", "orders")
            .upsert_on(["id"])
            .save_mode(SaveMode::Append)
            .option("password_env", "SHOP_PASSWORD");
        assert_eq!(sink.table, "orders");
        assert_eq!(sink.key_columns, ["id"]);
        assert_eq!(sink.mode, SaveMode::Append as i32);
        assert_eq!(sink.options["password_env"], "SHOP_PASSWORD");
        assert_eq!(SourceSpec::parquet("t", "/data").format, "parquet");
        assert_eq!(SourceSpec::json("t", "/data").format, "json");
    }
}
