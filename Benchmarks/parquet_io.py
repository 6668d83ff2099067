#!/usr/bin/env python3
"""Parquet write and read: Precedent vs pyarrow, single-threaded, same table, same options.

    python3 Benchmarks/parquet_io.py [DBN_FILE] [--repeat N] [--compression zstd] [--row-group-size R]

The table is the DBN file's records as `precedent dbn to-parquet` makes them (default: the
real ESH4 MBO file, 44,371 rows x 15 columns). Precedent: `precedent-bench parquet`
(columns -> file, file -> columns, N times each). pyarrow: the same table (read from the
file Precedent wrote), `pq.write_table(..., compression, row_group_size, use_dictionary=False,
write_page_checksum=True)` and `pq.read_table(..., page_checksum_verification=True)`, N times each,
with pyarrow's thread pool limited to one thread. Precedent writes a CRC-32 on every page and
checks it on reading, so pyarrow is asked to do the same.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from common import ESH4_MBO as DEFAULT, BENCH_BINARY


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--compression", default="zstd")
    ap.add_argument("--row-group-size", type=int, default=131072)
    ap.add_argument("--bench", default=BENCH_BINARY, help="the precedent-bench executable")
    a = ap.parse_args()
    import pyarrow as pa
    import pyarrow.parquet as pq
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    out = "/tmp/precedent-bench.parquet"
    best = {}
    for _ in range(a.runs):
        r = json.loads(subprocess.run([a.bench, "parquet", a.file, "--repeat", str(a.repeat), "--json",
                                       "--compression", a.compression, "--row-group-size", str(a.row_group_size),
                                       "--out", out, "--no-durable"], check=True, capture_output=True, text=True).stdout)
        for k, v in r.items():
            best[k] = max(best.get(k, v), v) if k.endswith("per_second") else v
    table = pq.read_table(out)
    rows = table.num_rows
    peer = "/tmp/pyarrow-bench.parquet"

    def write():
        start = time.perf_counter()
        for _ in range(a.repeat):
            pq.write_table(table, peer, compression=a.compression, row_group_size=a.row_group_size,
                           use_dictionary=False, write_statistics=True, write_page_checksum=True)
        return time.perf_counter() - start

    def read():
        start = time.perf_counter()
        for _ in range(a.repeat):
            t = pq.read_table(peer, use_threads=False, page_checksum_verification=True)
            assert t.num_rows == rows
        return time.perf_counter() - start

    w = min(write() for _ in range(a.runs))
    r = min(read() for _ in range(a.runs))
    pw, pr = rows * a.repeat / w, rows * a.repeat / r
    print(f"{a.file}: {rows:,} rows x {table.num_columns} columns, {a.compression}, row groups of {a.row_group_size:,}, "
          f"{a.repeat} passes, best of {a.runs}")
    print(f"  write  Precedent {best['write_rows_per_second']:>14,.0f} rows/s   pyarrow {pw:>14,.0f} rows/s   "
          f"ratio {best['write_rows_per_second'] / pw:.2f}x")
    print(f"  read   Precedent {best['read_rows_per_second']:>14,.0f} rows/s   pyarrow {pr:>14,.0f} rows/s   "
          f"ratio {best['read_rows_per_second'] / pr:.2f}x")


if __name__ == "__main__":
    main()
