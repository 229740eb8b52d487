//! The `kiln` binary with its embedded cluster, as a user runs it.

use std::path::PathBuf;
use std::process::Command;

fn kiln() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
}

fn example(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jobs/examples")
        .join(path)
}

#[test]
fn run_prints_the_example_result_and_a_stage_summary() {
    let output = kiln()
        .args(["run", "--format", "csv"])
        .arg(example("sales_by_region/job.toml"))
        .output()
        .expect("running kiln");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "kiln run failed:\n{stderr}");

    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "region,month,orders,items,revenue");
    // 4 regions x 6 months, sorted by region then month.
    assert_eq!(lines.len(), 1 + 24, "{stdout}");
    assert!(lines[1].starts_with("east,2026-01-01,"), "{stdout}");
    assert!(lines[24].starts_with("west,2026-06-01,"), "{stdout}");
    let orders: u64 = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(2).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(orders, 5000, "every order is counted once");
    assert!(stderr.contains("SUCCEEDED"), "{stderr}");
    assert!(stderr.contains("stage"), "{stderr}");
}

#[test]
fn sql_runs_ddl_and_queries_from_one_script() {
    let orders = example("sales_by_region/data/orders.csv");
    let script = format!(
        "CREATE EXTERNAL TABLE orders STORED AS CSV LOCATION '{}' OPTIONS ('format.has_header' 'true');
         SELECT count(*) AS n, sum(quantity) AS q FROM orders;
         SELECT store_id FROM orders GROUP BY store_id ORDER BY store_id LIMIT 3",
        orders.display()
    );
    let output = kiln()
        .args(["sql", "--format", "csv", &script])
        .output()
        .expect("running kiln");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&orders).unwrap();
    let quantity: u64 = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        stdout,
        format!("n,q\n5000,{quantity}\nstore_id\n1\n2\n3\n"),
        "both queries print, in order"
    );
}

#[test]
fn a_bad_job_file_names_the_line_and_field_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("bad.toml");
    std::fs::write(
        &job,
        "name = \"x\"\n[[step]]\nname = \"q\"\nsq = \"SELECT 1\"\n",
    )
    .unwrap();
    let output = kiln().arg("run").arg(&job).output().expect("running kiln");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml"), "{stderr}");
    assert!(stderr.contains("line 4"), "{stderr}");
    assert!(stderr.contains("sq"), "{stderr}");
}

#[test]
fn sql_writes_results_to_a_file_in_the_format_its_name_asks_for() {
    let orders = example("sales_by_region/data/orders.csv");
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "CREATE EXTERNAL TABLE orders STORED AS CSV LOCATION '{}' OPTIONS ('format.has_header' 'true'); \
         SELECT store_id, count(*) AS n FROM orders GROUP BY store_id ORDER BY store_id",
        orders.display()
    );
    for name in ["stores.parquet", "stores.csv"] {
        let out = dir.path().join(name);
        let output = kiln()
            .args(["sql", &script, "--out"])
            .arg(&out)
            .output()
            .expect("running kiln");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stdout.is_empty(),
            "results go to the file, not stdout"
        );
        let rows = if name.ends_with(".parquet") {
            let file = std::fs::File::open(&out).unwrap();
            let reader = parquet::file::reader::SerializedFileReader::new(file).unwrap();
            parquet::file::reader::FileReader::metadata(&reader)
                .file_metadata()
                .num_rows() as usize
        } else {
            let text = std::fs::read_to_string(&out).unwrap();
            assert!(text.starts_with("store_id,n\n"), "{text}");
            text.lines().count() - 1
        };
        let stores = std::fs::read_to_string(example("sales_by_region/data/stores.csv"))
            .unwrap()
            .lines()
            .count()
            - 1;
        assert_eq!(rows, stores, "{name}: one row per store");
    }
}

#[test]
fn the_sqlite_example_loads_every_order_once() {
    let job = example("sales_to_sqlite/job.toml");
    let db = example("sales_to_sqlite/out/sales.db");
    // From a fresh file, as on a new checkout.
    let _ = std::fs::remove_file(&db);
    // Twice: overwrite replaces the rows instead of adding to them.
    for _ in 0..2 {
        let output = kiln().arg("run").arg(&job).output().expect("running kiln");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let read = Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\
             'SELECT sum(orders), count(DISTINCT store_id) FROM daily_revenue').fetchall())",
        ])
        .arg(&db)
        .output()
        .expect("python3 reads the SQLite file");
    assert_eq!(String::from_utf8_lossy(&read.stdout).trim(), "[(5000, 12)]");

    // Read back with the SQLite source: one best day per store, the dates typed again.
    let output = kiln()
        .args(["run", "--format", "csv"])
        .arg(example("sales_to_sqlite/best_days.toml"))
        .output()
        .expect("running kiln");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "store_id,day,revenue");
    assert_eq!(lines.len(), 1 + 12, "{stdout}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.split(',').nth(1).is_some_and(|d| d.starts_with("2026-"))),
        "{stdout}"
    );
}

#[test]
fn the_lakehouse_example_is_crawled_and_queried_with_pruning() {
    let state = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = kiln()
            .args(args)
            .args(["--executors", "1"])
            .env("KILN_STATE_DIR", state.path())
            .env_remove("KILN_COORDINATOR")
            .output()
            .expect("running kiln");
        assert!(
            output.status.success(),
            "kiln {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let crawler = example("lakehouse/crawler.toml");
    run(&["crawler", "create", crawler.to_str().unwrap()]);
    let crawled = run(&["crawl", "lakehouse"]);
    assert!(crawled.contains("2 created"), "{crawled}");
    let tables = run(&["tables", "lakehouse"]);
    assert!(
        tables.contains("taxi_project") && tables.contains("user_event_logs"),
        "{tables}"
    );
    let hits = run(&[
        "sql",
        "SELECT count(*) AS hits FROM lakehouse.user_event_logs \
         WHERE year = '2019' AND month = '09' AND day = '22'",
        "--format",
        "csv",
    ]);
    assert_eq!(hits, "hits\n50\n");
    let trips = run(&[
        "sql",
        "SELECT count(*) AS trips FROM lakehouse.taxi_project WHERE month = '02'",
        "--format",
        "csv",
    ]);
    assert_eq!(trips, "trips\n60\n");
}

#[test]
fn a_stored_job_is_kept_in_the_state_dir_and_started_by_name() {
    let state = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = kiln()
            .args(args)
            .args(["--executors", "1"])
            .env("KILN_STATE_DIR", state.path())
            .env_remove("KILN_COORDINATOR")
            .output()
            .expect("running kiln");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let job = state.path().join("daily.toml");
    std::fs::write(
        &job,
        "name = \"daily\"\n[params]\nday = \"2024-01-01\"\n[[step]]\nname = \"q\"\n\
         sql = \"SELECT '${day}' AS day\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["job", "create", "daily", job.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("version 1"), "{stdout}");
    // Another process finds it, starts it with a parameter and prints its result.
    let (code, stdout, stderr) = run(&["start", "daily", "--param", "day=2024-02-02"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("2024-02-02"), "{stdout}");
    assert!(stderr.contains("stored job daily version 1"), "{stderr}");
    // A schedule keeps it from being deleted, and the refusal says why.
    let (code, _, stderr) = run(&[
        "schedule",
        "create",
        "nightly",
        "--job",
        "daily",
        "--cron",
        "0 2 * * *",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, _) = run(&["schedules", "--output", "json"]);
    assert_eq!(code, Some(0));
    let schedules: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(schedules[0]["name"], "nightly", "{schedules}");
    let (code, _, stderr) = run(&["job", "delete", "daily"]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("schedule 'nightly'"), "{stderr}");
}

/// Runs `kiln ARGS` on a terminal (util-linux's `script` gives it one), typing each of
/// `entries` once the shell prompts for it, as a person would (keys typed ahead of the prompt
/// may be dropped by the line editor); returns what the terminal showed.
fn on_a_terminal(args: &str, env: &[(&str, &std::path::Path)], entries: &[&str]) -> String {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_kiln"));
    let mut child = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .env_remove("KILN_COORDINATOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("running script (util-linux; apt-get install bsdutils)");
    let shown = Arc::new(Mutex::new(String::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let shown = Arc::clone(&shown);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                shown
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        })
    };
    // The line editor turns bracketed paste on as each prompt starts (it redraws the prompt
    // itself while a line is edited, so counting prompts would count redraws).
    let prompts = || shown.lock().unwrap().matches("\x1b[?2004h").count();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut stdin = child.stdin.take().unwrap();
    for (i, entry) in entries.iter().enumerate() {
        while prompts() <= i {
            assert!(
                std::time::Instant::now() < deadline,
                "the shell did not prompt for entry {i} ({entry:?}):\n{}",
                shown.lock().unwrap()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        stdin.write_all(entry.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the shell did not quit:\n{}", shown.lock().unwrap());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    drop(stdin);
    reader.join().unwrap();
    let shown = shown.lock().unwrap().clone();
    assert!(
        status.success(),
        "kiln {args} on a terminal failed:\n{shown}"
    );
    shown
}

#[test]
fn sql_on_a_terminal_opens_a_shell_with_history_completion_and_catalog_commands() {
    let state = tempfile::tempdir().unwrap();
    let crawler = example("lakehouse/crawler.toml");
    for args in [
        vec!["crawler", "create", crawler.to_str().unwrap()],
        vec!["crawl", "lakehouse"],
    ] {
        let output = kiln()
            .args(args)
            .env("KILN_STATE_DIR", state.path())
            .env_remove("KILN_COORDINATOR")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    // A statement over two lines, a table name completed with Tab, a view that lasts for
    // the session, and the catalog commands.
    let entries = [
        "SELECT count(*) AS hits\r\
         FROM lakehouse.user_event_l\t WHERE year = '2019' AND month = '09' AND day = '22';\r",
        "CREATE VIEW answer AS SELECT 42 AS a;\r",
        "SELECT a + 1 AS next FROM answer;\r",
        "\\dt lakehouse\r",
        "\\d lakehouse.taxi_project\r",
        "\\q\r",
    ];
    let shown = on_a_terminal(
        "sql --executors 1",
        &[("KILN_STATE_DIR", state.path())],
        &entries,
    );
    assert!(shown.contains("| hits |"), "{shown}");
    assert!(shown.contains("| 50   |"), "{shown}");
    assert!(
        shown.contains("1 row, "),
        "the footer follows the result:\n{shown}"
    );
    assert!(shown.contains("1 partition(s) read, "), "{shown}");
    assert!(shown.contains("| 43   |"), "the view lasted:\n{shown}");
    assert!(
        shown.contains("taxi_project") && shown.contains("PARTITION KEYS"),
        "{shown}"
    );
    assert!(shown.contains("columns (version 1)"), "{shown}");

    let history = std::fs::read_to_string(state.path().join("sql_history")).unwrap();
    assert!(
        history.contains("FROM lakehouse.user_event_logs WHERE year"),
        "the completed statement is in the history:\n{history}"
    );
    // The next session recalls it with the up arrow, past the five lines typed after it.
    let shown = on_a_terminal(
        "sql --executors 1",
        &[("KILN_STATE_DIR", state.path())],
        &[&format!("{}\r", "\x1b[A".repeat(6)), "\\q\r"],
    );
    assert!(
        shown.contains("| 50   |"),
        "the recalled statement ran:\n{shown}"
    );
}

#[test]
fn sql_reads_a_script_from_stdin_when_it_is_not_a_terminal() {
    use std::io::Write;
    let state = tempfile::tempdir().unwrap();
    let mut child = kiln()
        .args(["sql", "--executors", "1", "--format", "csv"])
        .env("KILN_STATE_DIR", state.path())
        .env_remove("KILN_COORDINATOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"SELECT 1 AS one;\nSELECT 'two' AS two;\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "one\n1\ntwo\ntwo\n"
    );
}

/// `GET path` on `addr` over plain HTTP/1.1: the status line and the body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connecting to the UI");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

#[test]
fn run_with_ui_keeps_the_web_ui_and_api_up_after_the_job_until_interrupted() {
    use std::io::BufRead;
    let state_dir = tempfile::tempdir().unwrap();
    let mut child = kiln()
        .args(["run", "--ui", "0", "--state-dir"])
        .arg(state_dir.path())
        .arg(example("sales_by_region/job.toml"))
        .env_remove("KILN_COORDINATOR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running kiln");
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let url = loop {
        let mut line = String::new();
        assert_ne!(
            stderr.read_line(&mut line).unwrap(),
            0,
            "kiln ended: {said}"
        );
        said.push_str(&line);
        if let Some(url) = line
            .strip_prefix("kiln: still serving the web UI at ")
            .and_then(|rest| rest.split(';').next())
        {
            break url.to_string();
        }
    };
    assert!(said.contains("SUCCEEDED"), "{said}");
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/ui/")
        .to_string();

    // The job that ran is served after it ended, by the REST API the UI draws from.
    let (status, jobs) = http_get(&addr, "/api/v1/jobs");
    assert!(status.contains("200"), "{status}");
    let jobs: serde_json::Value = serde_json::from_str(&jobs).expect("JSON jobs");
    assert_eq!(jobs["jobs"][0]["name"], "sales-by-region", "{jobs}");
    assert_eq!(jobs["jobs"][0]["state"], "JOB_STATE_SUCCEEDED", "{jobs}");
    let (status, page) = http_get(&addr, "/ui/");
    assert!(status.contains("200"), "{status}");
    assert!(page.contains("<title>Kiln</title>"), "{page}");

    // Ctrl-C ends it, with the job's exit code.
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "{said}");
}

#[test]
fn the_incremental_example_reads_each_landed_file_once_across_runs() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state");
    let landing = work.path().join("landing");
    std::fs::create_dir_all(&landing).unwrap();
    let job = work.path().join("job.toml");
    std::fs::copy(example("incremental_orders/job.toml"), &job).unwrap();
    for day in ["01", "02"] {
        let name = format!("orders-2026-06-{day}.csv");
        std::fs::copy(
            example("incremental_orders/landing").join(&name),
            landing.join(&name),
        )
        .unwrap();
    }
    let run = |args: &[&str]| {
        let output = kiln()
            .args(args)
            .args(["--executors", "1"])
            .env("KILN_STATE_DIR", &state)
            .env_remove("KILN_COORDINATOR")
            .output()
            .expect("running kiln");
        assert!(
            output.status.success(),
            "kiln {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let job = job.to_str().unwrap();
    let orders = || {
        run(&[
            "sql",
            &format!(
                "CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '{}/out/orders/';\n\
                 SELECT count(*) AS n, count(DISTINCT order_id) AS d FROM o",
                work.path().display()
            ),
            "--format",
            "csv",
        ])
    };
    // Each `kiln run` is a process of its own: the bookmark outlives it in the state dir.
    run(&["run", job]);
    assert!(orders().ends_with("n,d\n5,5\n"), "{}", orders());
    run(&["run", job]);
    assert!(
        orders().ends_with("n,d\n5,5\n"),
        "nothing new was read again"
    );
    std::fs::write(
        landing.join("orders-2026-06-03.csv"),
        "order_id,store_id,order_date,amount,quantity\n1006,4,2026-06-03,10.00,1\n",
    )
    .unwrap();
    run(&["run", job]);
    assert!(orders().ends_with("n,d\n6,6\n"), "{}", orders());
    let shown = run(&["bookmark", "show", "incremental-orders", "--files"]);
    assert!(shown.contains("orders-2026-06-03.csv"), "{shown}");
    let shown = run(&[
        "bookmark",
        "show",
        "incremental-orders",
        "--files",
        "--output",
        "json",
    ]);
    let bookmark: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let files: Vec<usize> = bookmark["runs"]
        .as_array()
        .expect("the runs")
        .iter()
        .map(|run| {
            run.get("files")
                .and_then(|f| f.as_array())
                .map_or(0, Vec::len)
        })
        .collect();
    assert_eq!(files, [2, 0, 1], "{shown}");
}
