#!/usr/bin/env python3
"""`precedent run --workers 2` against one worker, per core.

    python3 Benchmarks/workers.py [--lake out/lake] [--runs 8]

Runs `precedent run --layer all` over every sample root and date (ES and AMZN: four trade dates)
on a fresh lake each time (the raw tree of LAKE, linked), in three configurations that alternate
so that all see the same machine:

- one worker pinned to one core (`taskset -c 0`): a core's throughput, the pipeline's own helper
  threads (zstd ahead of decoding, the bronze writer, column compression) sharing that core;
- two workers on two cores (`taskset -c 0,1`): the figure the scale-out target asks for, against
  the first (target >= 1.7x);
- one worker on two cores: how much of the second core one worker already uses on its own.

Time: the run report's `seconds` (the runner, from its first partition to its last; the process's
start and the raw catalog scan are outside it), and the process's wall time. Median and best of
--runs. Needs `swift build -c release --product precedent` and a lake made by scripts/demo.sh.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from common import ROOT, RELEASE_BINARY


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lake", default=os.path.join(ROOT, "out", "lake"), help="a lake whose raw/ tree holds the inputs")
    ap.add_argument("--config", default=os.path.join(ROOT, "config", "sample.yaml"))
    ap.add_argument("--symbol", action="append", help="roots (default ES and AMZN)")
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--binary", default=RELEASE_BINARY)
    a = ap.parse_args()
    raw = os.path.join(a.lake, "raw")
    if not os.path.isdir(raw):
        sys.exit(f"missing {raw}: run scripts/demo.sh first")
    if not os.path.exists(a.binary):
        sys.exit(f"missing {a.binary}: swift build -c release --product precedent")
    if not shutil.which("taskset"):
        sys.exit("taskset not found (util-linux)")
    if (os.cpu_count() or 1) < 2:
        sys.exit("needs two cores")
    symbols = a.symbol or ["ES", "AMZN"]
    configs = [("1 worker, 1 core", "0", 1), ("2 workers, 2 cores", "0,1", 2), ("1 worker, 2 cores", "0,1", 1)]
    seconds = {c[0]: [] for c in configs}
    walls = {c[0]: [] for c in configs}
    partitions = None
    scratch = tempfile.mkdtemp(prefix="precedent-workers-")
    try:
        for _ in range(a.runs):
            for name, cpus, workers in configs:
                lake = os.path.join(scratch, "lake")
                shutil.rmtree(lake, ignore_errors=True)
                shutil.copytree(raw, os.path.join(lake, "raw"), symlinks=True)
                report = os.path.join(scratch, "report.json")
                cmd = ["taskset", "-c", cpus, a.binary, "run", "--layer", "all", "--lake", lake, "--config", a.config,
                       "--workers", str(workers), "--quiet", "--report", report]
                for s in symbols:
                    cmd += ["--symbol", s]
                start = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True, text=True)
                walls[name].append(time.perf_counter() - start)
                r = json.load(open(report))
                if any(p["status"] == "failed" for p in r["partitions"]):
                    sys.exit(f"a partition failed: see {report}")
                seconds[name].append(r["seconds"])
                partitions = sum(1 for p in r["partitions"] if p["status"] == "done")
                dates = sorted({(p["symbol"], p["date"]) for p in r["partitions"]})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"precedent run --layer all, {', '.join(symbols)}: {len(dates)} trade dates, {partitions} partitions; "
          f"{a.runs} runs of each, alternating")
    print(f"  {'':22} {'run (report) median / best':>28} {'process wall median / best':>28}")
    for name, *_ in configs:
        s, w = seconds[name], walls[name]
        print(f"  {name:22} {statistics.median(s) * 1e3:12.1f} / {min(s) * 1e3:6.1f} ms"
              f" {statistics.median(w) * 1e3:17.1f} / {min(w) * 1e3:6.1f} ms")
    base, two, shared = (c[0] for c in configs)
    for label, x, y in (("2 workers on 2 cores / 1 worker on 1 core (target >= 1.7x)", base, two),
                        ("2 workers / 1 worker, both on 2 cores", shared, two)):
        print(f"  {label}: run {statistics.median(seconds[x]) / statistics.median(seconds[y]):.2f}x median,"
              f" {min(seconds[x]) / min(seconds[y]):.2f}x best; wall {statistics.median(walls[x]) / statistics.median(walls[y]):.2f}x median")


if __name__ == "__main__":
    main()
