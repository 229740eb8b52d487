"""The Python SDK against a real Kiln cluster.

The cluster is named by KILN_COORDINATOR (and KILN_TOKEN when it needs one); KILN_EXAMPLES
is the checkout's jobs/examples directory. tests/tests/python_sdk.rs starts a cluster and
runs these; by hand: `python -m unittest discover -s clients/python/tests -v`.
"""

import os
import tempfile
import time
import unittest
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet

import kiln

EXAMPLES = Path(os.environ.get("KILN_EXAMPLES", Path(__file__).parents[3] / "jobs" / "examples"))
# Long enough to be cancelled or timed out while it runs.
SLOW_SQL = "SELECT value, sha256(CAST(value AS VARCHAR)) AS digest FROM generate_series(1, 200000000)"


class SdkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = kiln.connect()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_a_job_file_runs_and_its_result_arrives_as_a_pyarrow_table(self):
        job_id = self.client.submit(EXAMPLES / "sales_by_region" / "job.toml")
        statuses = list(self.client.watch(job_id))
        self.assertGreaterEqual(len(statuses), 1)
        self.assertEqual(statuses[-1].state, "succeeded", statuses[-1])
        self.assertTrue(all(not s.finished for s in statuses[:-1]), statuses)
        done, total = statuses[-1].tasks_done
        self.assertEqual(done, total)
        self.assertGreater(total, 0)

        table = self.client.results(job_id)
        self.assertIsInstance(table, pa.Table)
        self.assertEqual(table.column_names, ["region", "month", "orders", "items", "revenue"])
        # 4 regions x 6 months; every one of the 5000 orders counted once.
        self.assertEqual(table.num_rows, 24)
        self.assertEqual(pc.sum(table["orders"]).as_py(), 5000)
        batches = list(self.client.result_batches(job_id))
        self.assertEqual(sum(b.num_rows for b in batches), 24)
        self.assertTrue(all(isinstance(b, pa.RecordBatch) for b in batches))

    def test_toml_text_and_dicts_with_params_run_as_jobs(self):
        text = 'name = "squares"\n[params]\nn = "5"\n[[step]]\nname = "q"\nsql = "SELECT sum(value * value) AS s FROM generate_series(1, ${n})"\n'
        status = self.client.run(text)
        self.assertEqual(self.client.results(status).to_pylist(), [{"s": 55}])
        status = self.client.run(text, params={"n": 10})
        self.assertEqual(self.client.results(status).to_pylist(), [{"s": 385}])
        job = {"name": "from-a-dict", "labels": {"team": "sdk"}, "step": [{"name": "q", "sql": "SELECT 'it''s' AS quoted"}]}
        status = self.client.run(job)
        self.assertEqual(self.client.results(status).to_pylist(), [{"quoted": "it's"}])
        self.assertEqual(status.labels, {"team": "sdk"})
        listed = self.client.list(labels={"team": "sdk"})
        self.assertIn(status.job_id, [j.job_id for j in listed])
        self.assertTrue(all(j.labels["team"] == "sdk" for j in listed))
        self.assertIn(status.job_id, [j.job_id for j in self.client.list(state="succeeded")])
        # Page by page, the same jobs as in one list.
        every = [j.job_id for j in self.client.list()]
        paged, token = [], None
        while True:
            page, token = self.client.list_page(limit=2, page_token=token)
            self.assertLessEqual(len(page), 2)
            paged.extend(j.job_id for j in page)
            if token is None:
                break
        self.assertEqual(paged, every)
        self.assertGreater(len(every), 2)
        with self.assertRaises(ValueError):
            self.client.list(state="done")

    def test_sql_reads_through_the_coordinator_as_directly(self):
        sql = "SELECT value % 7 AS k, count(*) AS n FROM generate_series(1, 100000) GROUP BY value % 7 ORDER BY k"
        direct = kiln.connect(results="direct")
        through = kiln.connect(results="coordinator")
        status = direct.run({"name": "routes", "step": [{"name": "q", "sql": sql}]})
        self.assertEqual(direct.results(status), through.results(status))
        self.assertEqual(pc.sum(through.results(status)["n"]).as_py(), 100000)
        self.assertEqual(through.sql("SELECT 6 * 7 AS answer").to_pylist(), [{"answer": 42}])

    def test_an_incremental_job_reads_each_file_once_and_its_bookmark_resets(self):
        with tempfile.TemporaryDirectory() as landing, tempfile.TemporaryDirectory() as out:
            Path(landing, "a.csv").write_text("id\n1\n2\n")
            Path(landing, "b.csv").write_text("id\n3\n")
            job = {
                "name": "sdk-incremental",
                "source": [{"name": "ids", "format": "csv", "path": landing + "/"}],
                "step": [{"name": "q", "sql": "SELECT id FROM ids"}],
                "sink": {"format": "parquet", "path": out + "/", "mode": "append"},
                "options": {"incremental": True},
            }
            first = self.client.run(job)
            self.assertEqual(first.state, "succeeded", first)
            Path(landing, "c.csv").write_text("id\n4\n")
            second = self.client.run(job)
            runs = self.client.bookmark("sdk-incremental", files=True)
            self.assertEqual([r["job_id"] for r in runs], [first.job_id, second.job_id])
            self.assertEqual([r["file_count"] for r in runs], [2, 1])
            self.assertTrue(runs[1]["files"][0]["path"].endswith("/c.csv"), runs)
            self.assertTrue(all(f["e_tag"] for r in runs for f in r["files"]), runs)
            self.assertEqual(pa.parquet.read_table(out).num_rows, 4)

            kept = self.client.reset_bookmark("sdk-incremental", keep_through=first.job_id)
            self.assertEqual([r["job_id"] for r in kept], [first.job_id])
            self.client.run(job)  # c.csv again
            self.assertEqual(pa.parquet.read_table(out).num_rows, 5)
            self.assertEqual(self.client.reset_bookmark("sdk-incremental"), [])
        with self.assertRaises(kiln.NotFound):
            self.client.bookmark("sdk-incremental")

    def test_a_bad_job_is_rejected_at_submit_naming_the_field(self):
        with self.assertRaises(kiln.InvalidJob) as caught:
            self.client.submit('name = "typo"\n[[step]]\nname = "q"\nsq = "SELECT 1"\n')
        self.assertIn("sq", str(caught.exception))
        self.assertIn("line", str(caught.exception))
        with self.assertRaises(kiln.InvalidJob) as caught:
            self.client.submit({"name": "bad-sql", "step": [{"name": "q", "sql": "SELECT nope FROM nowhere"}]})
        self.assertIn("nowhere", str(caught.exception))
        with self.assertRaises(kiln.InvalidJob):
            self.client.submit(Path("/no/such/job.toml"))

    def test_a_failed_job_raises_a_typed_exception_with_its_status(self):
        with tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch) / "numbers.csv"
            data.write_text("a\n1\n2\nnot-a-number\n")
            job = {
                "name": "fails-while-running",
                "setup": [f"CREATE EXTERNAL TABLE t (a INT) STORED AS CSV LOCATION '{data}' OPTIONS ('format.has_header' 'true')"],
                "step": [{"name": "q", "sql": "SELECT sum(a) AS s FROM t"}],
            }
            job_id = self.client.submit(job)
            with self.assertRaises(kiln.JobFailed) as caught:
                self.client.wait(job_id)
        failure = caught.exception
        self.assertIsInstance(failure, kiln.JobNotSucceeded)
        self.assertEqual(failure.job_id, job_id)
        self.assertEqual(failure.status.state, "failed")
        self.assertIn("not-a-number", failure.error)
        with self.assertRaises(kiln.JobFailed):
            self.client.results(job_id)
        tasks = self.client.tasks(job_id)
        self.assertTrue(any(t.state == "failed" for t in tasks), tasks)

    def test_a_running_job_is_cancelled_and_a_wait_times_out(self):
        job_id = self.client.submit({"name": "slow", "step": [{"name": "q", "sql": SLOW_SQL}]})
        with self.assertRaises(kiln.Timeout) as caught:
            self.client.wait(job_id, timeout=0.5)
        self.assertFalse(caught.exception.status.finished)
        # Running, as the cluster sees it, before it is cancelled.
        deadline = time.monotonic() + 30
        while self.client.get(job_id).state != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.client.get(job_id).state, "running")
        self.assertEqual(self.client.cancel(job_id), "cancelled")
        with self.assertRaises(kiln.JobCancelled) as caught:
            self.client.wait(job_id, timeout=30)
        self.assertEqual(caught.exception.status.state, "cancelled")
        self.assertIsNotNone(caught.exception.status.ended_at)

    def test_unknown_jobs_wrong_tokens_and_dead_addresses_raise_their_own_errors(self):
        with self.assertRaises(kiln.NotFound):
            self.client.get("no-such-job")
        if os.environ.get("KILN_TOKEN"):
            with self.assertRaises(kiln.Unauthenticated):
                kiln.connect(token="wrong-token").get("no-such-job")
        with self.assertRaises(kiln.ConnectionFailed):
            kiln.connect("http://127.0.0.1:1", retry_seconds=0.5).list()
        version = self.client.version()
        self.assertGreaterEqual(version["protocol_version"], 2)
        self.assertTrue(version["leader_url"].startswith("http"), version)


if __name__ == "__main__":
    unittest.main()
