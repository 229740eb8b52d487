"""Runs the 22 TPC-H queries on Spark in local mode over the Parquet files `kiln-bench tpch`
generated, for the side-by-side comparison in bench/results/tpch-sf*.md.

`kiln-bench tpch --spark-python PYTHON` starts this script with a Python that has pyspark
(see bench/README.md); it can also be run alone:

    python spark_tpch.py --data bench/data/tpch-sf1-4files --queries tests/tpch --cores 2 --runs 2

Each query's fastest run (planning, execution and collecting the rows on the driver) is
printed as one JSON line, `{"query": 1, "seconds": 1.23}`, or `{"query": 1, "error": "..."}`
when Spark fails it, so that a failure is reported instead of dropped.
"""

import argparse
import json
import os
import sys
import time

TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="the directory holding one folder per table")
    parser.add_argument("--queries", required=True, help="the directory of q1.sql .. q22.sql")
    parser.add_argument("--cores", type=int, default=2, help="local[N] and shuffle partitions")
    parser.add_argument("--runs", type=int, default=2, help="runs per query; the fastest counts")
    parser.add_argument("--driver-memory", default="8g")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{args.cores}]")
        .appName("kiln-bench-tpch")
        .config("spark.driver.memory", args.driver_memory)
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(args.cores))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for table in TABLES:
        spark.read.parquet(os.path.join(args.data, table)).createOrReplaceTempView(table)

    for n in range(1, 23):
        with open(os.path.join(args.queries, f"q{n}.sql")) as f:
            sql = f.read()
        best = None
        try:
            for _ in range(args.runs):
                started = time.perf_counter()
                spark.sql(sql).collect()
                elapsed = time.perf_counter() - started
                best = elapsed if best is None else min(best, elapsed)
            line = {"query": n, "seconds": best}
        except Exception as error:  # a failed query is reported, not dropped
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            line = {"query": n, "error": first[:300]}
        print(json.dumps(line), flush=True)
        print(f"spark q{n}: {line}", file=sys.stderr, flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
