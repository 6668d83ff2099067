#!/usr/bin/env python3
"""Reference decoding of DBN files with the official `databento-dbn` package.

    dbn_oracle.py compare FILE OURS.jsonl [--fragment-version N]

OURS.jsonl is Precedent's decoding of FILE: a first line {"metadata": {...} | null},
then one JSON object per record (the `precedent dbn cat --format jsonl` fields).
The oracle decodes FILE with databento_dbn (records upgraded to v3, as Precedent
presents them; metadata as stored), reads every record's raw field values through
the package's own numpy dtype (`_dtypes`) over `bytes(record)`, and compares every
field of every record and the metadata. Exit 0 when identical; otherwise it prints
the first differences and exits 1.
"""
import argparse
import json
import sys

import databento_dbn as dbn
import numpy as np


def decoder(path, upgrade, fragment_version):
    with open(path, "rb") as f:
        data = f.read()
    compressed = data[:4] == b"\x28\xb5\x2f\xfd"
    dec = dbn.DBNDecoder(
        has_metadata=fragment_version is None,
        input_version=fragment_version,
        upgrade_policy=dbn.VersionUpgradePolicy.UPGRADE_TO_V3 if upgrade else dbn.VersionUpgradePolicy.AS_IS,
        compression=dbn.Compression.ZSTD if compressed else dbn.Compression.NONE,
    )
    dec.write(data)
    return dec.decode()


def text(value):
    return str(value) if value is not None else None


def metadata_dict(md):
    return {
        "version": md.version,
        "dataset": md.dataset,
        "schema": text(md.schema),
        "start": md.start,
        "end": md.end if md.end is not None else 2**64 - 1,
        "limit": md.limit if md.limit is not None else 0,
        "stype_in": text(md.stype_in),
        "stype_out": text(md.stype_out),
        "ts_out": bool(md.ts_out),
        "symbol_cstr_len": md.symbol_cstr_len,
        "symbols": list(md.symbols),
        "partial": list(md.partial),
        "not_found": list(md.not_found),
        "mappings": {
            raw: [{"start_date": iv["start_date"].isoformat(), "end_date": iv["end_date"].isoformat(),
                   "symbol": iv["symbol"]} for iv in intervals]
            for raw, intervals in md.mappings.items()
        },
    }


def record_dict(rec, ts_out):
    raw = bytes(rec)
    dtype = np.dtype(rec._dtypes)
    row = np.frombuffer(raw[: dtype.itemsize], dtype=dtype)[0]
    out = {}
    for name in dtype.names:
        if name == "length" or name.startswith("_") or "_reserved" in name:
            continue
        v = row[name]
        if isinstance(v, bytes):
            out[name] = v.split(b"\0")[0].decode("utf-8", "replace")
        else:
            out[name] = int(v)
    if ts_out:
        out["ts_out"] = int.from_bytes(raw[-8:], "little")
    return out


def oracle(path, fragment_version):
    upgraded = decoder(path, True, fragment_version)
    if fragment_version is None:
        as_is = decoder(path, False, None)
        md = metadata_dict(as_is[0])
        records = upgraded[1:]
    else:
        md, records = None, upgraded
    ts_out = bool(md and md["ts_out"])
    return md, [record_dict(r, ts_out) for r in records]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["compare", "dump"])
    ap.add_argument("file")
    ap.add_argument("ours", nargs="?")
    ap.add_argument("--fragment-version", type=int)
    a = ap.parse_args()
    md, records = oracle(a.file, a.fragment_version)
    if a.command == "dump":
        print(json.dumps({"metadata": md}))
        for r in records:
            print(json.dumps(r))
        return 0
    with open(a.ours) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    ours_md, ours = lines[0]["metadata"], lines[1:]
    problems = []
    if ours_md is not None:
        ours_md = dict(ours_md)
        ours_md["mappings"] = {m["raw_symbol"]: m["intervals"] for m in ours_md["mappings"]}
    if ours_md != md:
        keys = sorted(set((md or {}).keys()) | set((ours_md or {}).keys()))
        diffs = [k for k in keys if (md or {}).get(k) != (ours_md or {}).get(k)]
        problems.append(f"metadata differs in {diffs}: oracle {[(md or {}).get(k) for k in diffs]} "
                        f"vs ours {[(ours_md or {}).get(k) for k in diffs]}")
    if len(ours) != len(records):
        problems.append(f"record count: oracle {len(records)}, ours {len(ours)}")
    for i, (theirs, mine) in enumerate(zip(records, ours)):
        if list(theirs.keys()) != list(mine.keys()):
            problems.append(f"record {i}: field names/order differ: oracle {list(theirs)} vs ours {list(mine)}")
        else:
            for k in theirs:
                if theirs[k] != mine[k]:
                    problems.append(f"record {i} field {k}: oracle {theirs[k]!r} vs ours {mine[k]!r}")
        if len(problems) > 20:
            break
    if problems:
        print(f"{a.file}: {len(problems)} difference(s)")
        for p in problems[:20]:
            print("  " + p)
        return 1
    print(f"{a.file}: {len(records)} records identical, metadata identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
