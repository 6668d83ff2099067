#!/usr/bin/env python3
"""L3 book replay: Precedent vs NautilusTrader on the same real MBO file, one run.

    pip install nautilus_trader
    python3 Benchmarks/book_replay.py [FILE] [--repeat N] [--instrument ESH4.GLBX]

Default input: the real CME ESH4 MBO file. Both tools replay the whole file N times:
  end to end   Precedent: `precedent-bench book` (read .dbn.zst, decode, apply every MBO
               record to its book), on one thread, and with decoding on a second thread.
               NautilusTrader: DatabentoDataLoader.from_dbn_file (its Rust decoder, to
               OrderBookDelta objects) + OrderBook(L3_MBO).apply_delta, one thread.
  book only    the records already in memory, applied to a fresh book each pass.
NautilusTrader yields fewer events (it drops trades: 42,506 deltas vs 44,371 records), so
the ratios compare time per pass over the same file; each tool's own events/s is shown.
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
    ap.add_argument("--runs", type=int, default=5, help="measurements per tool; the best of each figure is kept")
    ap.add_argument("--instrument", default="ESH4.GLBX")
    ap.add_argument("--bench", default=BENCH_BINARY, help="the precedent-bench executable")
    a = ap.parse_args()
    if not os.path.exists(a.bench):
        sys.exit(f"{a.bench} not found: build it with `swift build -c release --product precedent-bench`")
    try:
        from nautilus_trader.adapters.databento.loaders import DatabentoDataLoader
        from nautilus_trader.model.book import OrderBook
        from nautilus_trader.model.enums import BookType
        from nautilus_trader.model.identifiers import InstrumentId
    except ImportError:
        sys.exit("nautilus_trader is not installed: pip install nautilus_trader")

    # Best of the runs for each figure on its own (the VM's timing noise is ±25 %).
    best = {}
    for _ in range(a.runs):
        r = json.loads(subprocess.run([a.bench, "book", a.file, "--repeat", str(a.repeat), "--json"],
                                      check=True, capture_output=True, text=True).stdout)
        for k, v in r.items():
            best[k] = max(best.get(k, v), v) if k.endswith("per_second") else v
    events = best["events"] // a.repeat
    p_e2e = events / best["end_to_end_events_per_second"]  # seconds per pass
    p_e2e2 = events / best["end_to_end_two_threads_events_per_second"]
    p_ahead = events / best["end_to_end_decompress_ahead_events_per_second"]
    p_book = events / best["book_only_events_per_second"]
    p_changes = events / best["book_with_changes_events_per_second"]

    iid = InstrumentId.from_str(a.instrument)
    loader = DatabentoDataLoader()

    def nautilus_end_to_end():
        start = time.perf_counter()
        for _ in range(a.repeat):
            deltas = loader.from_dbn_file(a.file, instrument_id=iid)
            book = OrderBook(iid, BookType.L3_MBO)
            for d in deltas:
                book.apply_delta(d)
        return (time.perf_counter() - start) / a.repeat, len(deltas)

    def nautilus_book_only(deltas):
        start = time.perf_counter()
        for _ in range(a.repeat):
            book = OrderBook(iid, BookType.L3_MBO)
            for d in deltas:
                book.apply_delta(d)
        return (time.perf_counter() - start) / a.repeat

    n_e2e, n_deltas = min(nautilus_end_to_end() for _ in range(a.runs))
    deltas = loader.from_dbn_file(a.file, instrument_id=iid)
    n_book = min(nautilus_book_only(deltas) for _ in range(a.runs))

    print(f"input: {a.file}: {events:,} MBO records (NautilusTrader: {n_deltas:,} deltas), "
          f"{a.repeat} passes, best of {a.runs}")
    print(f"{'':28}{'ms/pass':>10}{'events/s':>14}{'Precedent speed-up':>22}")
    print(f"{'end to end  Precedent':28}{p_e2e * 1e3:>10.2f}{events / p_e2e:>14,.0f}")
    print(f"{'  (decoding on 2nd thread)':28}{p_e2e2 * 1e3:>10.2f}{events / p_e2e2:>14,.0f}")
    print(f"{'  (zstd on 2nd thread)':28}{p_ahead * 1e3:>10.2f}{events / p_ahead:>14,.0f}")
    print(f"{'            NautilusTrader':28}{n_e2e * 1e3:>10.2f}{n_deltas / n_e2e:>14,.0f}"
          f"{n_e2e / p_e2e:>20.2f}x  (2 threads: decoding {n_e2e / p_e2e2:.2f}x, zstd {n_e2e / p_ahead:.2f}x)")
    print(f"{'book only   Precedent':28}{p_book * 1e3:>10.2f}{events / p_book:>14,.0f}")
    print(f"{'  (+ fill/pull changes)':28}{p_changes * 1e3:>10.2f}{events / p_changes:>14,.0f}")
    print(f"{'            NautilusTrader':28}{n_book * 1e3:>10.2f}{n_deltas / n_book:>14,.0f}{n_book / p_book:>20.2f}x")


if __name__ == "__main__":
    main()
