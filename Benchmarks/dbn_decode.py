#!/usr/bin/env python3
"""DBN decoding throughput: Precedent vs databento-dbn vs `zstd -d`, same real input, one run.

    python3 Benchmarks/dbn_decode.py [FILE] [--repeat N] [--bench .build/release/precedent-bench]

Default input: the real CME ESH4 MBO file (../shared/data/dbn/cme/esh4-…-to2330.mbo.dbn.zst,
DBN v1, 44,371 records). Every tool decodes the file N times in one process:
  precedent      `precedent-bench dbn FILE --repeat N` (open, zstd-decompress, frame every
                 record, read each MBO record into a typed struct)
  databento-dbn  DBNDecoder(compression=ZSTD): write(file bytes) + decode() -> record objects
  to_ndarray     databento.DBNStore.from_file(FILE).to_ndarray() (if `databento` is installed)
  zstd -d        `zstd -dc` over the file repeated N times (concatenated frames), one process
                 (decompression only: the ceiling for .zst input)
Prints records/s for each and the ratios; peak RSS of the Precedent process.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

from common import ESH4_MBO as DEFAULT, BENCH_BINARY


def best_of(runs, fn):
    """The fastest of `runs` timings (seconds) of fn()."""
    return min(fn() for _ in range(runs))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=20, help="decodes per measurement (default 20)")
    ap.add_argument("--runs", type=int, default=3, help="measurements per tool; the best is kept (default 3)")
    ap.add_argument("--bench", default=BENCH_BINARY, help="the precedent-bench executable")
    a = ap.parse_args()
    if not os.path.exists(a.bench):
        sys.exit(f"{a.bench} not found: build it with `swift build -c release --product precedent-bench`")

    import databento_dbn as dbn

    with open(a.file, "rb") as f:
        size = len(f.read())
    results = {}

    def precedent():
        out = subprocess.run([a.bench, "dbn", a.file, "--repeat", str(a.repeat), "--json"],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        results["records"] = r["records"] // a.repeat
        return r["seconds"]

    t_precedent = best_of(a.runs, precedent)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    n = results["records"]

    def databento_decoder():
        start = time.perf_counter()
        count = 0
        for _ in range(a.repeat):
            with open(a.file, "rb") as f:
                data = f.read()
            dec = dbn.DBNDecoder(compression=dbn.Compression.ZSTD)
            dec.write(data)
            count += len(dec.decode()) - 1  # minus the metadata
        assert count == n * a.repeat, (count, n * a.repeat)
        return time.perf_counter() - start

    t_dbn = best_of(a.runs, databento_decoder)

    t_ndarray = None
    try:
        import databento

        def to_ndarray():
            start = time.perf_counter()
            for _ in range(a.repeat):
                arr = databento.DBNStore.from_file(a.file).to_ndarray()
                assert len(arr) == n
            return time.perf_counter() - start

        t_ndarray = best_of(a.runs, to_ndarray)
    except ImportError:
        pass

    # One zstd process over the input repeated N times (concatenated frames
    # decode as one stream), so process start-up is not counted N times.
    import tempfile
    with open(a.file, "rb") as f:
        raw = f.read()
    tmp = tempfile.NamedTemporaryFile(suffix=".zst", delete=False)
    tmp.write(raw * a.repeat)
    tmp.close()

    def zstd_d():
        start = time.perf_counter()
        subprocess.run(["zstd", "-dcq", tmp.name], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start

    t_zstd = best_of(a.runs, zstd_d)
    os.unlink(tmp.name)

    def rps(t):
        return n * a.repeat / t

    print(f"input: {a.file} ({size:,} bytes, {n:,} records), {a.repeat} decodes per run, best of {a.runs}")
    print(f"  precedent                 {rps(t_precedent):>14,.0f} records/s   (peak RSS {peak_rss_mb:.0f} MB)")
    print(f"  databento-dbn decoder     {rps(t_dbn):>14,.0f} records/s   ratio precedent/this {t_dbn / t_precedent:6.2f}x")
    if t_ndarray:
        print(f"  databento to_ndarray()    {rps(t_ndarray):>14,.0f} records/s   ratio precedent/this {t_ndarray / t_precedent:6.2f}x")
    print(f"  zstd -d (decompress only) {rps(t_zstd):>14,.0f} records/s   ratio precedent/this {t_zstd / t_precedent:6.2f}x")


if __name__ == "__main__":
    main()
