//! Balances Parquet scans across a stage's tasks.
//!
//! DataFusion splits files into byte ranges so that each partition gets the same number of
//! bytes, but a Parquet file is read by whole row groups, and a range can end up with most of a
//! file's row groups (on TPC-H lineitem in 4 equal files, one of 2 tasks read twice the rows of
//! the other). A single process evens this out by letting partitions steal files from each
//! other; Kiln's tasks run apart and cannot. So when a scan has at least as many files as
//! partitions, whole files are dealt out instead, the largest first to the lightest partition.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig};
use datafusion::datasource::source::DataSourceExec;
use datafusion::error::Result;
use datafusion::physical_plan::ExecutionPlan;

/// `plan` with every Parquet scan whose files were split into ranges dealt out as whole files,
/// where there are enough files to go round.
pub fn balance_parquet_scans(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        let Some(scan) = node.downcast_ref::<DataSourceExec>() else {
            return Ok(Transformed::no(node));
        };
        let Some(config) = scan.data_source().downcast_ref::<FileScanConfig>() else {
            return Ok(Transformed::no(node));
        };
        if config.file_source().file_type() != "parquet" || !config.output_ordering.is_empty() {
            return Ok(Transformed::no(node));
        }
        let Some(groups) = whole_files(&config.file_groups) else {
            return Ok(Transformed::no(node));
        };
        let mut config = config.clone();
        config.file_groups = groups;
        Ok(Transformed::yes(
            DataSourceExec::from_data_source(config) as Arc<dyn ExecutionPlan>
        ))
    })
    .map(|t| t.data)
}

/// The files of `groups` dealt out whole over as many groups, largest first to the lightest;
/// None when no file was split or there are fewer files than groups.
fn whole_files(groups: &[FileGroup]) -> Option<Vec<FileGroup>> {
    let split = groups
        .iter()
        .flat_map(|g| g.files())
        .any(|f| f.range.is_some());
    if !split {
        return None;
    }
    let mut seen = HashSet::new();
    let mut files: Vec<PartitionedFile> = groups
        .iter()
        .flat_map(|g| g.files())
        .filter(|f| seen.insert(f.object_meta.location.clone()))
        .map(|f| {
            let mut whole = f.clone();
            whole.range = None;
            whole
        })
        .collect();
    if files.len() < groups.len() {
        return None;
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.object_meta.size));
    let mut dealt: Vec<(u64, Vec<PartitionedFile>)> = vec![(0, vec![]); groups.len()];
    for file in files {
        let lightest = dealt
            .iter_mut()
            .min_by_key(|(bytes, _)| *bytes)
            .expect("at least one group");
        lightest.0 += file.object_meta.size;
        lightest.1.push(file);
    }
    Some(dealt.into_iter().map(|(_, f)| FileGroup::new(f)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: u64, range: Option<(i64, i64)>) -> PartitionedFile {
        let mut file = PartitionedFile::new(name, size);
        if let Some((start, end)) = range {
            file = file.with_range(start, end);
        }
        file
    }

    #[test]
    fn split_files_are_dealt_out_whole_and_evenly() {
        // DataFusion's split of four equal files over two partitions: a sliver of the third.
        let groups = vec![
            FileGroup::new(vec![
                file("a", 100, None),
                file("b", 100, None),
                file("c", 100, Some((0, 1))),
            ]),
            FileGroup::new(vec![file("c", 100, Some((1, 100))), file("d", 100, None)]),
        ];
        let balanced = whole_files(&groups).unwrap();
        assert_eq!(balanced.len(), 2);
        for group in &balanced {
            assert_eq!(group.len(), 2);
            assert!(group.files().iter().all(|f| f.range.is_none()));
        }
        let names: HashSet<String> = balanced
            .iter()
            .flat_map(|g| g.files())
            .map(|f| f.object_meta.location.to_string())
            .collect();
        assert_eq!(names.len(), 4, "every file once");
    }

    #[test]
    fn splits_stay_when_files_are_fewer_than_partitions_or_whole() {
        let one_big_file = vec![
            FileGroup::new(vec![file("a", 100, Some((0, 50)))]),
            FileGroup::new(vec![file("a", 100, Some((50, 100)))]),
        ];
        assert!(whole_files(&one_big_file).is_none());
        let whole = vec![
            FileGroup::new(vec![file("a", 100, None)]),
            FileGroup::new(vec![file("b", 100, None)]),
        ];
        assert!(whole_files(&whole).is_none());
    }
}
