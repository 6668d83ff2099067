#!/usr/bin/env python3
"""Runs `precedent run` over many trade dates on a Ray cluster (docs/SCALE.md).

    python3 cluster/ray_run.py --lake DIR --config FILE --symbol ROOT [--symbol ...] [--dates A:B]
        [--layer all|bronze|silver|gold] [--address ADDR] [--num-cpus N] [--precedent PATH]
        [--retries 3] [--memory-mb 3072] [--json] [--report FILE]

The work is independent per (root, trade date) once bronze exists: a date's selection and
levels read the bronze partitions of earlier dates. So the driver works in two phases — with
--layer all, bronze for every date first, then the later stages — and in each asks `precedent run
--list-work --json` which dates have a partition missing or stale (from the raw catalog and the
lake's complete partitions), submits one Ray task per such date — each runs `precedent run --symbol
ROOT --dates D --layer L` on one CPU with --memory-mb declared — and shows progress. A task whose run
exits 75 (every failure transient: an I/O error, a full disk…) or dies by a signal is retried up to
--retries times; exit 1 (a permanent failure: damaged input, a bug) is not retried. At the end it
asks for the work list again: every expected partition must be complete and current, with its
manifest. It prints (or writes, --report) a JSON report — with Ray's start-up apart from the cost
per task beyond its own run — and exits 1 naming what failed.

Without --address it starts a local Ray on this machine (--num-cpus, default all); with
--address (e.g. `auto`, or `ray://head:10001`) it joins that cluster, whose workers must see the
same lake path (a shared file system) and have `precedent` at --precedent.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

TRANSIENT_EXIT = 75


class TransientFailure(Exception):
    """A run that may succeed when tried again."""


class PermanentFailure(Exception):
    """A run that fails the same way every time."""


def list_work(args, layer=None):
    cmd = [args.precedent, "run", "--list-work", "--json", "--lake", args.lake, "--config", args.config, "--layer", layer or args.layer]
    for s in args.symbol:
        cmd += ["--symbol", s]
    if args.dates:
        cmd += ["--dates", args.dates]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"ray_run: listing the work failed ({' '.join(cmd)}): {p.stderr.strip() or p.stdout.strip()}")
    return json.loads(p.stdout)["work"]


def worker_pid():
    """A task that does nothing: run once per CPU to start Ray's worker processes."""
    return os.getpid()


def run_date(precedent, lake, config, layer, symbol, date):
    """One trade date of one root: `precedent run` as a child process. Returns its report."""
    started = time.time()
    cmd = [precedent, "run", "--layer", layer, "--symbol", symbol, "--dates", date, "--lake", lake, "--config", config,
           "--quiet", "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - started
    try:
        run_seconds = json.loads(p.stdout)["seconds"]
    except (ValueError, KeyError):
        run_seconds = None
    detail = (p.stderr.strip() or p.stdout.strip())[-2000:]
    if p.returncode == 0:
        return {"symbol": symbol, "date": date, "wall_s": wall, "run_s": run_seconds, "host": os.uname().nodename}
    if p.returncode == TRANSIENT_EXIT or p.returncode < 0:
        why = f"killed by signal {-p.returncode}" if p.returncode < 0 else "transient failure (exit 75)"
        raise TransientFailure(f"{symbol} {date}: {why}: {detail}")
    raise PermanentFailure(f"{symbol} {date}: exit {p.returncode}: {detail}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lake", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--symbol", action="append", required=True)
    ap.add_argument("--dates")
    ap.add_argument("--layer", default="all", choices=["all", "bronze", "silver", "gold"])
    ap.add_argument("--address", help="a Ray cluster to join (default: start a local one)")
    ap.add_argument("--num-cpus", type=int, help="CPUs of the local Ray (default: all)")
    ap.add_argument("--precedent", default=shutil.which("precedent") or ".build/release/precedent")
    ap.add_argument("--retries", type=int, default=3, help="attempts after the first for transient failures")
    ap.add_argument("--memory-mb", type=int, default=3072, help="memory each task declares")
    ap.add_argument("--json", action="store_true", help="print the report as JSON (default: a summary)")
    ap.add_argument("--report", help="also write the JSON report here")
    args = ap.parse_args()
    args.lake = os.path.abspath(args.lake)
    args.config = os.path.abspath(args.config)
    args.precedent = os.path.abspath(args.precedent)
    if not os.access(args.precedent, os.X_OK):
        sys.exit(f"ray_run: no precedent binary at {args.precedent} (give --precedent; swift build -c release --product precedent)")

    # Bronze first (a date's later stages read earlier dates' bronze), then the rest.
    phases = [("bronze", "bronze"), ("later", "all")] if args.layer == "all" else [(args.layer, args.layer)]
    report = {"lake": args.lake, "layer": args.layer, "symbols": args.symbol, "submitted": 0, "tasks": [], "failed": [], "phases": []}
    started = time.time()
    ray = None
    for name, layer in phases:
        work = [w for w in list_work(args, layer) if w["todo"]]
        if layer == "all":  # what is left after bronze: dates whose bronze failed are not tried again
            failed = {(f["symbol"], f["date"]) for f in report["failed"]}
            work = [w for w in work if (w["symbol"], w["date"]) not in failed]
        report["submitted"] += len(work)
        phase = {"phase": name, "submitted": len(work)}
        report["phases"].append(phase)
        if not work:
            continue
        if ray is None:
            import ray
            t0 = time.time()
            if args.address:
                ray.init(address=args.address, logging_level="ERROR", log_to_driver=False)
            else:
                ray.init(num_cpus=args.num_cpus, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
            report["ray_start_s"] = time.time() - t0
            # Start Ray's worker processes before the first phase (part of start-up, stated apart),
            # so that the per-task figures are what each further date costs.
            t0 = time.time()
            slots = int(min(ray.cluster_resources().get("CPU", 1), len(work)))
            ray.get([ray.remote(worker_pid).options(num_cpus=1).remote() for _ in range(slots)])
            report["ray_workers_start_s"] = time.time() - t0
            remote = ray.remote(run_date).options(num_cpus=1, memory=args.memory_mb * 1024 * 1024, max_retries=args.retries,
                                                   retry_exceptions=[TransientFailure])
        submitted = time.time()
        pending = {remote.remote(args.precedent, args.lake, args.config, layer, w["symbol"], w["date"]): w for w in work}
        done, tasks = 0, []
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                w = pending.pop(ref)
                done += 1
                try:
                    r = ray.get(ref)
                    r["phase"] = name
                    tasks.append(r)
                    print(f"ray_run: [{name}] {done}/{len(work)} {w['symbol']} {w['date']} done in {r['wall_s']:.1f} s on {r['host']}",
                          file=sys.stderr)
                except Exception as e:  # the task's own failure, after its retries
                    cause = getattr(e, "cause", None) or e
                    kind = "transient" if isinstance(cause, TransientFailure) else "permanent"
                    report["failed"].append({"symbol": w["symbol"], "date": w["date"], "phase": name, "kind": kind, "error": str(cause)[-2000:]})
                    print(f"ray_run: [{name}] {done}/{len(work)} {w['symbol']} {w['date']} FAILED ({kind}): {str(cause)[:300]}", file=sys.stderr)
        phase["wall_s"] = time.time() - submitted
        cpus = ray.cluster_resources().get("CPU", 1)
        runs = [t["run_s"] for t in tasks if t["run_s"] is not None]
        if runs and len(runs) == len(tasks):
            # What each task cost beyond its own run, with the cluster's CPUs kept busy.
            phase["overhead_per_task_s"] = max(0.0, (phase["wall_s"] * min(cpus, len(work)) - sum(runs)) / len(runs))
        report["tasks"] += tasks
    if ray is not None:
        ray.shutdown()
    # Verify: nothing of the layer may be left to do for the dates listed.
    left = [w for w in list_work(args) if w["todo"]]
    report["incomplete"] = [{"symbol": w["symbol"], "date": w["date"], "todo": w["todo"]} for w in left]
    report["wall_s"] = time.time() - started
    report["ok"] = not report["failed"] and not left
    text = json.dumps(report, indent=2)
    if args.report:
        with open(args.report, "w") as f:
            f.write(text + "\n")
    if args.json:
        print(text)
    else:
        print(f"ray_run: {len(report['tasks'])} of {report['submitted']} tasks done, {len(report['failed'])} failed, "
              f"{len(left)} incomplete afterwards" + (f"; Ray started in {report['ray_start_s']:.1f} s, its workers in "
                                                 f"{report['ray_workers_start_s']:.1f} s" if "ray_start_s" in report else ""))
    if not report["ok"]:
        for f in report["failed"]:
            print(f"ray_run: FAILED {f['symbol']} {f['date']} ({f['kind']}): {f['error'][:500]}", file=sys.stderr)
        for w in left:
            print(f"ray_run: INCOMPLETE {w['symbol']} {w['date']}: {', '.join(t['stage'] + ' (' + t['why'] + ')' for t in w['todo'])}",
                  file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
