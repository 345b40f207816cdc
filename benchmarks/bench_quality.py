"""`meshplane test` on a 1,000,000-row product: users/play-events' rules measured on one Parquet object of its newest
partition, read from S3 (moto, in process) within the default 256 MiB bound. Prints wall and CPU seconds, the bytes read
and each rule's outcome.

    .venv/bin/python benchmarks/bench_quality.py [--rows N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import boto3
import duckdb
from moto import mock_aws

from meshplane.declarations.loader import parse_spec
from meshplane.declarations.spec import Product
from meshplane.local import quality

ROOT = Path(__file__).resolve().parents[1]
BUCKET = "bench-quality"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    spec, _ = parse_spec((ROOT / "domains/users/products/play-events.yaml").read_bytes(), Product)
    with tempfile.TemporaryDirectory() as folder, mock_aws():
        data = Path(folder) / "part.parquet"
        duckdb.sql(
            "COPY (SELECT 'l' || (i % 50000) AS listener_id, 't' || (i % 7919) AS track_id, 'a' || (i % 101) AS artist_id, "
            "TIMESTAMP '2026-12-07 00:00:00' + INTERVAL (i) SECOND AS played_at, (i % 300)::INT AS played_seconds, "
            f"['mobile', 'desktop', 'speaker', 'car'][1 + i % 4] AS device FROM range({rows}) AS t(i)) TO '{data}' (FORMAT parquet)"
        )
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-07/part.parquet", Body=data.read_bytes())
        wall, cpu = time.perf_counter(), time.process_time()
        report = quality.run(s3, "users/play-events", 1, spec.output, BUCKET)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{rows:,} rows: {wall:.2f} s wall, {cpu:.2f} s CPU, {report.scope.bytes_read:,} bytes read, sampled: {report.scope.sampled}")
    print(quality.text([report]))


if __name__ == "__main__":
    main()
