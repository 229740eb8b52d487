//! The quarantine: where a log scan's bad records go, as JSON lines naming their file, line
//! and error. Records are written as the scan reads, a chunk of input at a time, through a
//! buffered (multipart, when large) upload: a file of nothing but bad records never sits in
//! memory whole.

use std::sync::Arc;

use bytes::Bytes;
use datafusion::error::{DataFusionError, Result};
use object_store::ObjectStore;
use object_store::buffered::BufWriter;
use object_store::path::Path;

use crate::decoder::Quarantined;
use crate::file_format::lines_before;

/// Where a scan's bad records go: `PREFIX/RUN/FILE.START.jsonl`, one object per file or byte
/// range, named by its input alone so a retried task attempt rewrites the same object.
#[derive(Debug, Clone)]
pub(crate) struct Quarantine {
    pub store: Arc<dyn ObjectStore>,
    pub prefix: Path,
    pub run_id: String,
}

/// The input a [`QuarantineWriter`] writes the bad records of.
pub(crate) struct Input {
    pub store: Arc<dyn ObjectStore>,
    pub location: Path,
    /// The file's full name (with its store's URL), as the entries name it.
    pub name: String,
    /// Where the scanned byte range starts (0 for a whole file).
    pub start: u64,
}

/// Writes one file's (or byte range's) bad records to the quarantine as its scan finds them.
pub(crate) struct QuarantineWriter {
    target: Quarantine,
    records: Quarantined,
    input: Input,
    /// Lines of the file before the scanned range: read once, at the first bad record.
    lines_before: Option<u64>,
    /// Started at the first bad record, so a clean input leaves no object.
    upload: Option<BufWriter>,
    count: usize,
}

impl QuarantineWriter {
    pub fn new(target: Quarantine, records: Quarantined, input: Input) -> Self {
        Self {
            target,
            records,
            input,
            lines_before: None,
            upload: None,
            count: 0,
        }
    }

    /// Writes the bad records found since the last call.
    pub async fn drain(&mut self) -> Result<()> {
        let records = std::mem::take(&mut *self.records.lock().expect("quarantine poisoned"));
        if records.is_empty() {
            return Ok(());
        }
        let lines_before = match (self.lines_before, self.input.start) {
            (Some(lines), _) => lines,
            (None, 0) => 0,
            (None, start) => {
                lines_before(&self.input.store, &self.input.location, start - 1).await? + 1
            }
        };
        self.lines_before = Some(lines_before);
        let mut body = Vec::new();
        for record in &records {
            let entry = serde_json::json!({
                "file": self.input.name,
                "line": lines_before + record.line,
                "error": record.reason,
                "record": record.record,
            });
            serde_json::to_writer(&mut body, &entry)
                .map_err(|e| DataFusionError::External(Box::new(e)))?;
            body.push(b'\n');
        }
        self.count += records.len();
        let upload = self.upload.get_or_insert_with(|| {
            let name = format!(
                "{}/{}/{}.{}.jsonl",
                self.target.prefix, self.target.run_id, self.input.location, self.input.start
            );
            let path = Path::from(name.trim_start_matches('/'));
            BufWriter::new(Arc::clone(&self.target.store), path)
        });
        upload.put(Bytes::from(body)).await?;
        Ok(())
    }

    /// Writes what is left once the input is read, and completes the upload.
    pub async fn finish(&mut self) -> Result<()> {
        self.drain().await?;
        let Some(mut upload) = self.upload.take() else {
            return Ok(());
        };
        std::future::poll_fn(|cx| {
            tokio::io::AsyncWrite::poll_shutdown(std::pin::Pin::new(&mut upload), cx)
        })
        .await
        .map_err(|e| DataFusionError::External(Box::new(e)))?;
        tracing::info!(
            "{} bad record(s) of {} put in quarantine under {}/{}",
            self.count,
            self.input.name,
            self.target.prefix,
            self.target.run_id
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decoder::BadRecord;
    use object_store::ObjectStoreExt;
    use object_store::memory::InMemory;

    #[tokio::test]
    async fn records_leave_memory_as_they_are_drained_and_land_in_one_object() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let records = Quarantined::default();
        let target = Quarantine {
            store: Arc::clone(&store),
            prefix: Path::from("bad"),
            run_id: "job-1".into(),
        };
        let input = Input {
            store: Arc::clone(&store),
            location: Path::from("logs/a.log"),
            name: "memory:///logs/a.log".into(),
            start: 0,
        };
        let mut writer = QuarantineWriter::new(target, Arc::clone(&records), input);
        for line in [3, 9] {
            records.lock().unwrap().push(BadRecord {
                line,
                reason: "no match".into(),
                record: format!("garbage {line}"),
            });
            writer.drain().await.unwrap();
            assert!(records.lock().unwrap().is_empty(), "drained records kept");
        }
        writer.finish().await.unwrap();
        let object = store
            .get(&Path::from("bad/job-1/logs/a.log.0.jsonl"))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let lines: Vec<serde_json::Value> = std::str::from_utf8(&object)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["line"], 9);
        assert_eq!(lines[1]["record"], "garbage 9");
    }
}
