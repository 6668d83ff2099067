#!/usr/bin/env python3
"""Checks the mock gateway with Databento's official client: `databento.Live` connects to it,
subscribes as a user would, and must receive every served record, field by field equal to the
file's records (read by databento_dbn), in order. Also checks that a wrong key is refused.
Usage: official_client_check.py FILE [FILE…]   (prints one JSON line; exit 0 when all holds)"""
import json
import os
import subprocess
import sys
import threading

import databento as db
import databento_dbn as dbn

import dbnfiles

KEY = "db-mockgatewaytestkey000000ABCDE"  # a test key of the mock only (32 characters)
here = os.path.dirname(os.path.abspath(__file__))


def expected(paths):
    return [r for path in paths for r in dbnfiles.read(path)[1]]


def fields(r):
    return (r.ts_event, r.ts_recv, r.instrument_id, r.publisher_id, r.order_id, r.price, r.size, r.flags,
            r.channel_id, str(r.action), str(r.side), r.sequence, r.ts_in_delta)


def main():
    files = sys.argv[1:]
    want = expected(files)
    mock = subprocess.Popen([sys.executable, os.path.join(here, "mock_gateway.py"), "--key", KEY]
                            + [a for f in files for a in ("--file", f)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(mock.stdout.readline().split()[1])
        got, done = [], threading.Event()
        mappings = {}

        def on_record(r):
            if isinstance(r, dbn.MBOMsg):
                got.append(r)
                if len(got) == len(want):
                    done.set()
            elif isinstance(r, dbn.SymbolMappingMsg):
                mappings[r.instrument_id] = r.stype_out_symbol

        client = db.Live(key=KEY, gateway="127.0.0.1", port=port)
        client.add_callback(on_record)
        client.subscribe(dataset="GLBX.MDP3", schema="mbo", stype_in="parent", symbols="ES.FUT")
        client.start()
        done.wait(120)
        client.stop()
        client.block_for_close(timeout=10)
        equal = len(got) == len(want) and all(fields(a) == fields(b) for a, b in zip(got, want))

        refused = None
        bad = db.Live(key=KEY[:-5] + "XXXXX", gateway="127.0.0.1", port=port)
        try:
            bad.subscribe(dataset="GLBX.MDP3", schema="mbo", stype_in="parent", symbols="ES.FUT")
        except Exception as e:  # the official client raises on a refused authentication
            refused = str(e)
        print(json.dumps({"served": len(want), "received": len(got), "equal": equal, "mappings": mappings,
                          "wrong_key": refused}))
        return 0 if equal and refused else 1
    finally:
        mock.kill()


if __name__ == "__main__":
    sys.exit(main())
