#!/usr/bin/env python3
"""Compares the MBO records of recorded files (in the order of their names) with the records of
the served files, field by field, using databento_dbn to read both. Prints one JSON line:
served, recorded, first_difference (index or null), missing, extra, duplicates (records recorded
more often than served), symbol mappings found in the recorded files.
Usage: compare_recorded.py --served F [F…] --recorded G [G…] [--prefix] (prefix: the recorded
records need only be a prefix of the served ones)"""
import argparse
import collections
import json
import sys

import databento_dbn as dbn

from dbnfiles import read


def key(r):
    return (r.ts_event, r.ts_recv, r.instrument_id, r.publisher_id, r.order_id, r.price, r.size, r.flags,
            r.channel_id, str(r.action), str(r.side), r.sequence, r.ts_in_delta)


p = argparse.ArgumentParser()
p.add_argument("--served", nargs="+", required=True)
p.add_argument("--recorded", nargs="+", required=True)
p.add_argument("--prefix", action="store_true")
a = p.parse_args()
served = [key(r) for f in a.served for r in read(f)[1] if isinstance(r, dbn.MBOMsg)]
recorded, mappings, others = [], {}, 0
for f in sorted(a.recorded):
    meta, records = read(f)
    for r in records:
        if isinstance(r, dbn.MBOMsg):
            recorded.append(key(r))
        elif isinstance(r, dbn.SymbolMappingMsg):
            mappings[str(r.instrument_id)] = r.stype_out_symbol
        else:
            others += 1
first = next((i for i, (x, y) in enumerate(zip(served, recorded)) if x != y), None)
if first is None and len(served) != len(recorded) and not a.prefix:
    first = min(len(served), len(recorded))
cs, cr = collections.Counter(served), collections.Counter(recorded)
out = {"served": len(served), "recorded": len(recorded), "first_difference": first,
       "missing": sum((cs - cr).values()), "extra": sum((cr - cs).values()),
       "duplicates": sum(max(0, cr[k] - cs[k]) for k in cr), "mappings": mappings, "other_records": others}
print(json.dumps(out))
ok = first is None and (a.prefix and len(recorded) <= len(served) or out["missing"] == 0) and out["extra"] == 0
sys.exit(0 if ok else 1)
