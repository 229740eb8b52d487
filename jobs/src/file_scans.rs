//! The file scans of a physical plan, and plans whose file scans read fewer files: how a
//! table narrows what its listing found (to visible files, or to an incremental run's files).

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::Statistics;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::datasource::TableType;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig, FileScanConfigBuilder};
use datafusion::datasource::source::DataSourceExec;
use datafusion::error::Result;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;

/// The scan's file configuration, if `node` is a file scan.
fn file_scan(node: &Arc<dyn ExecutionPlan>) -> Option<&FileScanConfig> {
    node.downcast_ref::<DataSourceExec>()
        .and_then(|exec| exec.data_source().downcast_ref::<FileScanConfig>())
}

/// Calls `visit` with each file scan of `plan`.
pub fn for_each(
    plan: &Arc<dyn ExecutionPlan>,
    mut visit: impl FnMut(&FileScanConfig) -> Result<()>,
) -> Result<()> {
    plan.apply(|node| {
        if let Some(config) = file_scan(node) {
            visit(config)?;
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    Ok(())
}

/// `plan` with each file scan reading the file groups `narrow` gives it instead of its own
/// (none: it reads what it did), and how many file scans there were. A narrowed scan's
/// statistics are dropped: they were its whole listing's, and a count answered from them
/// would count files it no longer reads.
pub fn narrow(
    plan: Arc<dyn ExecutionPlan>,
    mut narrow: impl FnMut(&FileScanConfig) -> Result<Option<Vec<FileGroup>>>,
) -> Result<(Arc<dyn ExecutionPlan>, usize)> {
    let mut scans = 0;
    let plan = plan
        .transform_down(|node| {
            let Some(config) = file_scan(&node) else {
                return Ok(Transformed::no(node));
            };
            scans += 1;
            let Some(groups) = narrow(config)? else {
                return Ok(Transformed::no(node));
            };
            let statistics =
                Statistics::new_unknown(config.file_source().table_schema().table_schema());
            let config = FileScanConfigBuilder::from(config.clone())
                .with_file_groups(groups)
                .with_statistics(statistics)
                .with_output_partitioning(None)
                .build();
            let scan: Arc<dyn ExecutionPlan> = DataSourceExec::from_data_source(config);
            Ok(Transformed::yes(scan))
        })?
        .data;
    Ok((plan, scans))
}

/// How a [`NarrowedTable`] narrows the plans its inner table's scans make.
#[async_trait]
pub trait Narrowing: std::fmt::Debug + Send + Sync {
    /// `plan` (a scan of the inner table) reading what this narrowing lets it read.
    async fn narrow(
        &self,
        state: &dyn Session,
        plan: Arc<dyn ExecutionPlan>,
    ) -> Result<Arc<dyn ExecutionPlan>>;
}

/// A table that is `inner` but for its scans, which `narrowing` narrows; writes go to
/// `inner`.
#[derive(Debug)]
pub struct NarrowedTable<N> {
    pub inner: Arc<dyn TableProvider>,
    pub narrowing: N,
}

#[async_trait]
impl<N: Narrowing + 'static> TableProvider for NarrowedTable<N> {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }

    fn table_type(&self) -> TableType {
        self.inner.table_type()
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        self.inner.supports_filters_pushdown(filters)
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = self.inner.scan(state, projection, filters, limit).await?;
        self.narrowing.narrow(state, plan).await
    }

    async fn insert_into(
        &self,
        state: &dyn Session,
        input: Arc<dyn ExecutionPlan>,
        op: InsertOp,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.inner.insert_into(state, input, op).await
    }
}
