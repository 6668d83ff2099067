#!/usr/bin/env python3
"""Databento's official live client (`databento.Live`, PyPI) as the peer of `precedent-bench live`,
which starts it against its in-process gateway: subscribes as a user would, counts the MBO records
its callback receives, and prints the seconds from the first record to the last. With --times FILE,
it writes the monotonic time (ns, CLOCK_MONOTONIC, the clock the gateway stamps its writes with) at
which the callback received each record, one per line.
"""
import argparse
import sys
import threading
import time

import databento as db
import databento_dbn as dbn


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--count", type=int, required=True, help="records the gateway serves")
    p.add_argument("--times")
    a = p.parse_args()
    times = []
    state = {"n": 0, "first": 0, "last": 0}
    done = threading.Event()
    keep = a.times is not None

    def on_record(r):
        if not isinstance(r, dbn.MBOMsg):
            return
        now = time.monotonic_ns()
        if state["n"] == 0:
            state["first"] = now
        if keep:
            times.append(now)
        state["n"] += 1
        if state["n"] == a.count:
            state["last"] = now
            done.set()

    client = db.Live(key=a.key, gateway="127.0.0.1", port=a.port)
    client.add_callback(on_record)
    client.subscribe(dataset="GLBX.MDP3", schema="mbo", stype_in="raw_symbol", symbols="ESH4")
    client.start()
    if not done.wait(300):
        print(f"received {state['n']} of {a.count} records", file=sys.stderr)
        sys.exit(1)
    client.terminate()
    if keep:
        with open(a.times, "w") as f:
            f.write("\n".join(map(str, times)) + "\n")
    print((state["last"] - state["first"]) / 1e9)


if __name__ == "__main__":
    main()
