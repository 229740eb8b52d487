//! The bookmark calls of [`Client`]: what an incremental job's successful runs read, and
//! forgetting it so that the next run reads those files again.

use crate::{Client, Result, proto};

impl Client {
    /// The bookmark of incremental job `name`: its successful runs, oldest first, each with
    /// the files it read when `with_files`.
    pub async fn bookmark(&self, name: &str, with_files: bool) -> Result<proto::Bookmark> {
        let request = proto::GetBookmarkRequest {
            name: name.into(),
            with_files,
        };
        self.coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.get_bookmark(request).await }
            })
            .await
    }

    /// Forgets the runs of incremental job `name` after the run of `keep_through_job_id`
    /// (every run when it is empty); returns the runs kept. Refused while a run is under way.
    pub async fn reset_bookmark(
        &self,
        name: &str,
        keep_through_job_id: &str,
    ) -> Result<proto::Bookmark> {
        let request = proto::ResetBookmarkRequest {
            name: name.into(),
            keep_through_job_id: keep_through_job_id.into(),
        };
        self.coordinators
            .call(|mut c| {
                let request = request.clone();
                async move { c.reset_bookmark(request).await }
            })
            .await
    }
}
