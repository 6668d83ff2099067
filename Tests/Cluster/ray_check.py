#!/usr/bin/env python3
"""cluster/ray_run.py on a local Ray with 2 CPUs, against a serial `precedent run` (docs/SCALE.md).

    ray_check.py PRECEDENT DATA CONFIG

DATA is the sample data folder (the ES MBO and definition files, the LOBSTER AMZN day). Checks, each
on a fresh lake whose raw tree links the samples in place:
  1. the driver over every sample root and date gives Parquet files byte-identical to a serial run,
     each partition complete with its manifest; a second driver run submits no task;
  2. an injected transient failure (a wrapper exiting 75 on a date's first attempt) is retried and
     the lake is complete and identical;
  3. an injected permanent failure (exit 1) is not retried, and the driver exits non-zero naming it;
  4. a task killed with SIGKILL mid-write is retried and converges to the same bytes, and a
     partition marked complete always held the right bytes (checked while the lake is watched);
  5. two attempts of one partition run at once leave one complete, correct partition and no
     temporary file.
Prints one JSON line of findings; exits 1 on any failure.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
driver = os.path.join(here, "..", "..", "cluster", "ray_run.py")


def make_lake(data, root):
    es = os.path.join(root, "raw/source=databento/product_type=future/symbol=ES")
    os.makedirs(es + "/table=market_by_order_dbn")
    os.makedirs(es + "/table=definition_dbn")
    for f in glob.glob(os.path.join(data, "dbn/cme/*.mbo.dbn.zst")):
        os.symlink(f, os.path.join(es, "table=market_by_order_dbn", os.path.basename(f)))
    for f in glob.glob(os.path.join(data, "dbn/cme/definition-glbx-es-fut*.dbn.zst")):
        os.symlink(f, os.path.join(es, "table=definition_dbn", os.path.basename(f)))
    return root


def parquet_files(lake):
    out = {}
    for layer in ("bronze", "silver", "gold"):
        for f in glob.glob(os.path.join(lake, layer, "**", "part-00000.parquet"), recursive=True):
            rel = os.path.relpath(f, lake)
            complete = os.path.exists(os.path.join(os.path.dirname(f), "_SUCCESS"))
            manifest = os.path.exists(os.path.join(os.path.dirname(f), "_manifest.json"))
            out[rel] = (open(f, "rb").read(), complete, manifest)
    return out


def leftovers(lake):
    return [p for p in glob.glob(os.path.join(lake, "**", "*"), recursive=True) if ".inprogress-" in p or ".partial-" in p]


def wrapper(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/bash\n" + body)
    os.chmod(path, 0o755)
    return path


def main():
    precedent, data, config = (os.path.abspath(a) for a in sys.argv[1:4])
    tmp = tempfile.mkdtemp(prefix="precedent-ray-")
    failures, findings = [], {}

    def drive(lake, binary=precedent, extra=()):
        p = subprocess.run([sys.executable, driver, "--lake", lake, "--config", config, "--symbol", "ES", "--symbol", "AMZN",
                            "--num-cpus", "2", "--precedent", binary, "--json", "--retries", "2"] + list(extra),
                           capture_output=True, text=True)
        try:
            return p.returncode, json.loads(p.stdout), p.stderr
        except ValueError:
            return p.returncode, {}, p.stdout + p.stderr

    def fresh(name):
        lake = make_lake(data, os.path.join(tmp, name))
        # The AMZN day, imported from LOBSTER into the raw tree (as scripts/demo.sh does).
        amzn = os.path.join(lake, "raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn")
        os.makedirs(amzn)
        shutil.copy(os.path.join(tmp, "amzn-20120621.mbo.dbn.zst"), amzn)
        return lake

    try:
        lob = os.path.join(data, "lobster")
        subprocess.run([precedent, "import", "lobster", "--symbol", "AMZN", "--date", "2012-06-21",
                        "--out", os.path.join(tmp, "amzn-20120621.mbo.dbn.zst"),
                        "--message", os.path.join(lob, "AMZN_2012-06-21_34200000_57600000_message_1.csv"),
                        "--orderbook", os.path.join(lob, "AMZN_2012-06-21_34200000_57600000_orderbook_1.csv")],
                       check=True, capture_output=True)
        serial = fresh("serial")
        subprocess.run([precedent, "run", "--layer", "all", "--symbol", "ES", "--symbol", "AMZN", "--lake", serial,
                        "--config", config, "--quiet"], check=True, capture_output=True)
        want = parquet_files(serial)
        findings["partitions"] = len(want)

        def same(lake, what):
            got = parquet_files(lake)
            differ = sorted(k for k in set(want) | set(got) if want.get(k, (None,))[0] != got.get(k, (None,))[0])
            incomplete = sorted(k for k, v in got.items() if not (v[1] and v[2]))
            if differ:
                failures.append(f"{what}: {len(differ)} partitions differ from the serial run, e.g. {differ[:3]}")
            if incomplete:
                failures.append(f"{what}: partitions without _SUCCESS or manifest: {incomplete[:3]}")
            if leftovers(lake):
                failures.append(f"{what}: temporary files left: {leftovers(lake)[:3]}")

        # 1. every root and date; then nothing to do
        lake = fresh("ray")
        code, rep, err = drive(lake)
        findings["run"] = {"exit": code, "submitted": rep.get("submitted"), "ray_start_s": rep.get("ray_start_s"),
                           "phases": rep.get("phases")}
        if code != 0 or not rep.get("ok"):
            failures.append(f"driver run: exit {code}: {err[-500:]}")
        same(lake, "driver run")
        code, rep, err = drive(lake)
        findings["rerun_submitted"] = rep.get("submitted")
        if code != 0 or rep.get("submitted") != 0:
            failures.append(f"second driver run: exit {code}, submitted {rep.get('submitted')} (want 0)")

        # 2. transient failure on the first attempt of ES 2023-12-26
        marks = os.path.join(tmp, "attempts-transient")
        w = wrapper(os.path.join(tmp, "transient.sh"), f'''
if [[ " $* " == *" --dates 2023-12-26 "* && " $* " == *" --layer bronze "* ]]; then
  echo x >> {marks}
  [ "$(wc -l < {marks})" -eq 1 ] && {{ echo "injected transient failure" >&2; exit 75; }}
fi
exec {precedent} "$@"
''')
        lake = fresh("transient")
        code, rep, err = drive(lake, w)
        attempts = sum(1 for _ in open(marks)) if os.path.exists(marks) else 0
        findings["transient"] = {"exit": code, "attempts": attempts}
        if code != 0 or attempts != 2:
            failures.append(f"transient failure: exit {code}, {attempts} attempts (want 0 and 2): {err[-500:]}")
        same(lake, "after a transient failure")

        # 3. permanent failure of ES 2024-05-08: not retried, named
        marks = os.path.join(tmp, "attempts-permanent")
        w = wrapper(os.path.join(tmp, "permanent.sh"), f'''
if [[ " $* " == *" --dates 2024-05-08 "* && " $* " == *" --layer bronze "* ]]; then
  echo x >> {marks}; echo "injected permanent failure" >&2; exit 1
fi
exec {precedent} "$@"
''')
        lake = fresh("permanent")
        code, rep, err = drive(lake, w)
        attempts = sum(1 for _ in open(marks)) if os.path.exists(marks) else 0
        named = [f for f in rep.get("failed", []) if f["date"] == "2024-05-08" and f["kind"] == "permanent"]
        findings["permanent"] = {"exit": code, "attempts": attempts, "named": bool(named), "stderr_names_it": "2024-05-08" in err}
        if code == 0 or attempts != 1 or not named or "2024-05-08" not in err:
            failures.append(f"permanent failure: exit {code}, {attempts} attempts, named {bool(named)} (want non-zero, 1, True)")

        # 4. SIGKILL mid-write on the first attempt of the AMZN day's later stages; a watcher checks
        # that any partition marked complete holds the serial run's bytes.
        marks = os.path.join(tmp, "attempts-kill")
        w = wrapper(os.path.join(tmp, "kill.sh"), f'''
if [[ " $* " == *" --dates 2012-06-21 "* && " $* " == *" --layer all "* ]]; then
  echo x >> {marks}
  if [ "$(wc -l < {marks})" -eq 1 ]; then
    {precedent} "$@" & child=$!
    sleep 0.4; kill -9 $child; kill -9 $$
  fi
fi
exec {precedent} "$@"
''')
        lake = fresh("kill")
        wrong, stop = [], threading.Event()

        def watch():
            while not stop.is_set():
                for rel, (data_, complete, _) in list(parquet_files(lake).items()):
                    if complete and rel in want and data_ != want[rel][0]:
                        # _SUCCESS may be replaced while the bytes are read: look again before calling it wrong.
                        time.sleep(0.05)
                        again = parquet_files(lake).get(rel)
                        if again and again[1] and again[0] != want[rel][0]:
                            wrong.append(rel)
                time.sleep(0.02)
        t = threading.Thread(target=watch)
        t.start()
        code, rep, err = drive(lake, w)
        stop.set()
        t.join()
        attempts = sum(1 for _ in open(marks)) if os.path.exists(marks) else 0
        findings["sigkill"] = {"exit": code, "attempts": attempts, "complete_but_wrong": sorted(set(wrong))}
        if code != 0 or attempts < 2 or wrong:
            failures.append(f"SIGKILL mid-write: exit {code}, {attempts} attempts, complete-but-wrong {sorted(set(wrong))[:3]}: {err[-500:]}")
        same(lake, "after a SIGKILL")

        # 5. two attempts of the same partitions at once
        lake = fresh("twice")
        cmd = [precedent, "run", "--layer", "bronze", "--symbol", "ES", "--dates", "2023-12-26", "--lake", lake, "--config", config, "--quiet"]
        a = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        b = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ra, rb = a.wait(), b.wait()
        got = parquet_files(lake)
        key = [k for k in got if "bronze" in k and "dt=2023-12-26" in k]
        ok = len(key) == 1 and got[key[0]][1] and got[key[0]][2] and got[key[0]][0] == want[key[0]][0] and not leftovers(lake)
        findings["two_attempts"] = {"exits": [ra, rb], "partitions": key, "ok": ok}
        if not ok or (ra != 0 and rb != 0):
            failures.append(f"two attempts at once: exits {ra}/{rb}, partitions {key}, leftovers {leftovers(lake)[:3]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    findings["failures"] = failures
    print(json.dumps(findings))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
