#!/usr/bin/env python3
"""`precedent replay` output against the lake `precedent run` wrote, read independently with pyarrow.

    replay_check.py LAKE PRODUCT ROOT DATE REPLAY.jsonl

Compares every `window` line (in order) with the silver level_vacuum_5s rows, every `level` line
with the levels rows of the replayed contract, and the `outcome` lines (in the gold table's order:
trigger time, level, direction) with the gold triggers rows, field by field. Timestamps and dates
are compared as the integers Parquet stores. Prints what it compared; exit 1 on the first difference.
"""
import json
import math
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def rows(path):
    t = pq.read_table(path)
    cols = []
    for name, col in zip(t.column_names, t.columns):
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.int64())
        elif pa.types.is_date32(col.type):
            col = col.cast(pa.int32())
        cols.append((name, col.to_pylist()))
    return [{name: values[i] for name, values in cols} for i in range(t.num_rows)]


def same(a, b):
    if isinstance(b, dict) and isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in b)
    if isinstance(b, float) and b is not None and math.isnan(b):
        return a is None  # non-finite doubles are printed as null
    if isinstance(b, float) or isinstance(a, float):
        return a is not None and b is not None and float(a) == float(b)
    return a == b


def check(kind, ours, theirs):
    if len(ours) != len(theirs):
        sys.exit(f"{kind}: replay has {len(ours)}, the lake {len(theirs)}")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        for k, v in b.items():
            if k not in a or not same(a[k], v):
                sys.exit(f"{kind} {i}: {k} replay {a.get(k, '(absent)')!r}, lake {v!r}")


def main():
    lake, product, root, date, path = sys.argv[1:6]
    part = lambda layer, table: f"{lake}/{layer}/product_type={product}/symbol={root}/table={table}/dt={date}/part-00000.parquet"
    events = [json.loads(line) for line in open(path)]
    ts = [e["ts"] for e in events]
    if ts != sorted(ts):
        sys.exit("events are not in time order")
    windows = [e for e in events if e["type"] == "window"]
    check("window", windows, rows(part("silver", "level_vacuum_5s")))
    levels = {e["level_id"]: e for e in events if e["type"] == "level"}
    contract = windows[0]["contract"] if windows else None
    lake_levels = [r for r in rows(part("silver", "levels")) if r["contract"] == contract]
    check("level", [levels.get(r["level_id"], {}) for r in lake_levels], lake_levels)
    outcomes = sorted((e for e in events if e["type"] == "outcome"), key=lambda e: (e["trigger_time"], e["level_id"], e["direction"]))
    check("trigger", outcomes, rows(part("gold", "triggers")))
    fired = [e for e in events if e["type"] == "trigger"]
    if len(fired) != len(outcomes):
        sys.exit(f"{len(fired)} triggers but {len(outcomes)} outcomes")
    print(f"replay = lake: {len(windows)} silver rows, {len(lake_levels)} levels, {len(outcomes)} triggers with labels and vectors")


if __name__ == "__main__":
    main()
