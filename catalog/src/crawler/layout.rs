//! Which folders under a crawl target are tables, and which folders below them are their
//! partitions. Pure: the crawl reads the files, this decides from their folders and the
//! formats and columns found in them.

use std::collections::BTreeMap;

/// A folder that holds files directly: one partition of a table (or a whole unpartitioned
/// table), as folder names below the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Leaf {
    pub dirs: Vec<String>,
}

/// A table found under a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableLayout {
    /// Its folder, as names below the target (empty: the target itself).
    pub root: Vec<String>,
    /// Its partition keys, outermost first.
    pub partition_keys: Vec<String>,
    /// Its leaves (indexes into the crawl's leaves), each one partition.
    pub leaves: Vec<usize>,
}

/// Groups `leaves` into tables. With `table_level` 0, a folder is one table when every leaf
/// below it lies at the same depth and `compatible` says they belong together (same format,
/// similar columns); otherwise each of its subfolders is looked at in turn. With `table_level`
/// n, the tables are the folders n - 1 levels below the target. Leaves that fit no table are
/// returned as errors naming their folder. Positional partition levels take their names from
/// `names` (then `partition_0`, `partition_1`, ...); `key=value` folders name their key.
pub(crate) fn tables(
    leaves: &[Leaf],
    table_level: u32,
    names: &[String],
    compatible: impl Fn(&[usize]) -> bool,
) -> (Vec<TableLayout>, Vec<String>) {
    let mut found = vec![];
    let mut errors = vec![];
    let all: Vec<usize> = (0..leaves.len()).collect();
    if table_level == 0 {
        group(leaves, &all, 0, &compatible, &mut found, &mut errors);
    } else {
        let depth = table_level as usize - 1;
        let mut roots: BTreeMap<&[String], Vec<usize>> = BTreeMap::new();
        for (i, leaf) in leaves.iter().enumerate() {
            match leaf.dirs.get(..depth) {
                Some(root) => roots.entry(root).or_default().push(i),
                None => errors.push(format!(
                    "{}: files above table level {table_level}; skipped",
                    folder(&leaf.dirs)
                )),
            }
        }
        for (root, members) in roots {
            // The partitions are the leaves at the depth most of them have.
            let mut depths: BTreeMap<usize, usize> = BTreeMap::new();
            for &i in &members {
                *depths.entry(leaves[i].dirs.len()).or_default() += 1;
            }
            let (&common, _) = depths.iter().max_by_key(|(_, n)| **n).expect("a member");
            let (kept, odd): (Vec<usize>, Vec<usize>) = members
                .into_iter()
                .partition(|&i| leaves[i].dirs.len() == common);
            for i in odd {
                errors.push(format!(
                    "{}: at another depth than the other partitions of table {}; skipped",
                    folder(&leaves[i].dirs),
                    folder(root)
                ));
            }
            found.push((root.len(), kept));
        }
    }
    let layouts = found
        .into_iter()
        .map(|(root_len, members)| {
            let root = leaves[members[0]].dirs[..root_len].to_vec();
            let depth = leaves[members[0]].dirs.len() - root_len;
            let partition_keys = (0..depth)
                .map(|level| key_name(leaves, &members, root_len + level, level, names))
                .collect();
            TableLayout {
                root,
                partition_keys,
                leaves: members,
            }
        })
        .collect();
    (layouts, errors)
}

/// Finds the tables among `members`, the leaves below the folder `at` levels down.
fn group(
    leaves: &[Leaf],
    members: &[usize],
    at: usize,
    compatible: &impl Fn(&[usize]) -> bool,
    found: &mut Vec<(usize, Vec<usize>)>,
    errors: &mut Vec<String>,
) {
    let depth = leaves[members[0]].dirs.len();
    // A target holding one dataset folder (`lake/order_info/`) is that folder's table, not a
    // table partitioned by the folder's name; `key=value` and numeric folders stay partitions.
    let only_child = leaves[members[0]].dirs.get(at).filter(|child| {
        at == 0
            && !child.contains('=')
            && !child.chars().all(|c| c.is_ascii_digit())
            && members
                .iter()
                .all(|&i| leaves[i].dirs.get(at) == Some(*child))
    });
    if only_child.is_some() {
        return group(leaves, members, at + 1, compatible, found, errors);
    }
    if members.iter().all(|&i| leaves[i].dirs.len() == depth) && compatible(members) {
        found.push((at, members.to_vec()));
        return;
    }
    let mut children: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in members {
        match leaves[i].dirs.get(at) {
            Some(child) => children.entry(child).or_default().push(i),
            None => errors.push(format!(
                "{}: files beside subfolders that are not their partitions; skipped",
                folder(&leaves[i].dirs)
            )),
        }
    }
    for members in children.values() {
        group(leaves, members, at + 1, compatible, found, errors);
    }
}

/// The name of partition level `level` (folder names at `index`): the key when every folder
/// there is `key=value` with one key, else the user's name or `partition_N`.
fn key_name(
    leaves: &[Leaf],
    members: &[usize],
    index: usize,
    level: usize,
    names: &[String],
) -> String {
    let mut keys = members
        .iter()
        .map(|&i| leaves[i].dirs[index].split_once('=').map(|(k, _)| k));
    let first = keys.next().flatten();
    match first {
        Some(key) if !key.is_empty() && keys.all(|k| k == Some(key)) => key.to_string(),
        _ => names
            .get(level)
            .cloned()
            .unwrap_or_else(|| format!("partition_{level}")),
    }
}

/// A partition's value from its folder name: after `key=` in a hive folder, else the name.
pub(crate) fn partition_value<'a>(dir: &'a str, key: &str) -> &'a str {
    dir.strip_prefix(key)
        .and_then(|rest| rest.strip_prefix('='))
        .unwrap_or(dir)
}

fn folder(dirs: &[String]) -> String {
    if dirs.is_empty() {
        ".".into()
    } else {
        format!("{}/", dirs.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(paths: &[&str]) -> Vec<Leaf> {
        paths
            .iter()
            .map(|p| Leaf {
                dirs: p
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn positional_and_hive_partitions_are_named() {
        let found = leaves(&["2019/09/21", "2019/09/22", "2019/10/01"]);
        let names = vec!["year".to_string(), "month".to_string()];
        let (positional, errors) = tables(&found, 0, &names, |_| true);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(positional.len(), 1);
        assert_eq!(positional[0].root, Vec::<String>::new());
        assert_eq!(
            positional[0].partition_keys,
            ["year", "month", "partition_2"]
        );

        let hive = leaves(&["dt=2024-01-01/region=eu", "dt=2024-01-02/region=us"]);
        let (hive_tables, _) = tables(&hive, 0, &[], |_| true);
        assert_eq!(hive_tables[0].partition_keys, ["dt", "region"]);
        assert_eq!(partition_value("dt=2024-01-01", "dt"), "2024-01-01");
        assert_eq!(partition_value("2019", "year"), "2019");
    }

    #[test]
    fn siblings_that_do_not_belong_together_become_tables() {
        // orders/ and users/ hold other columns: compatible only within each.
        let found = leaves(&["orders/dt=1", "orders/dt=2", "users", "stray/a/b", "stray"]);
        let same_table = |members: &[usize]| {
            let first = found[members[0]].dirs.first();
            members.iter().all(|&i| found[i].dirs.first() == first)
        };
        let (tables, errors) = tables(&found, 0, &[], same_table);
        let roots: Vec<_> = tables.iter().map(|t| t.root.join("/")).collect();
        assert_eq!(roots, ["orders", "stray/a", "users"]);
        assert_eq!(tables[0].partition_keys, ["dt"]);
        assert!(tables[2].partition_keys.is_empty());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("stray/"), "{errors:?}");
    }

    #[test]
    fn a_target_of_one_dataset_folder_is_that_folder_s_table() {
        let (found, _) = tables(&leaves(&["order_info", "order_info"]), 0, &[], |_| true);
        assert_eq!(found[0].root, ["order_info"]);
        assert!(found[0].partition_keys.is_empty());
        let (found, _) = tables(&leaves(&["2019/01", "2019/02"]), 0, &[], |_| true);
        assert!(found[0].root.is_empty());
        assert_eq!(found[0].partition_keys.len(), 2);
    }

    #[test]
    fn a_table_level_forces_the_tables() {
        let found = leaves(&["a/x/1", "a/y/2", "b/z/3", "b/odd", "top", ""]);
        let (tables, errors) = tables(&found, 2, &[], |_| false);
        let roots: Vec<_> = tables.iter().map(|t| t.root.join("/")).collect();
        assert_eq!(roots, ["a", "b", "top"]);
        assert_eq!(tables[0].partition_keys, ["partition_0", "partition_1"]);
        assert!(tables[2].partition_keys.is_empty());
        assert_eq!(errors.len(), 2, "{errors:?}");
    }
}
