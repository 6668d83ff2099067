#!/usr/bin/env python3
"""Trades → 1-minute bars → RSI, MACD, Bollinger, ATR: Precedent vs pandas + TA-Lib, same file, one run.

    python3 Benchmarks/bars_pipeline.py [--repeat 5]

Input: the real ES trades (500,000 rows, zstd CSV, US Central times) from ../shared/data/ticks.
Both sides: decompress, parse, convert the local times to UTC, build 1-minute OHLCV bars, compute
the four indicators. pandas: zstd -dc → read_csv → to_datetime + tz_localize → resample('1min')
→ talib. Needs `pip install pandas ta-lib`.
"""
import argparse
import io
import json
import os
import subprocess
import time

from common import DATA, BENCH_BINARY

FILE = os.path.join(DATA, "ticks", "es_trades_2013-09-01_03.csv.zst")


def pandas_pass():
    import pandas as pd
    import talib
    start = time.perf_counter()
    raw = subprocess.run(["zstd", "-dc", FILE], check=True, capture_output=True).stdout
    df = pd.read_csv(io.BytesIO(raw))
    ts = pd.to_datetime(df["DateTime"], format="%Y-%m-%d %H:%M:%S.%f").dt.tz_localize("America/Chicago").dt.tz_convert("UTC")
    df.index = ts
    bars = df["Price"].resample("1min").ohlc()
    bars["volume"] = df["Volume"].resample("1min").sum()
    bars = bars.dropna(subset=["open"])
    c, h, l = bars["close"].values, bars["high"].values, bars["low"].values
    talib.RSI(c, 14); talib.MACD(c, 12, 26, 9); talib.BBANDS(c, 20, 2.0, 2.0, 0); talib.ATR(h, l, c, 14)
    return time.perf_counter() - start, len(df), len(bars)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--bench", default=BENCH_BINARY, help="the precedent-bench executable")
    a = ap.parse_args()
    ours = json.loads(subprocess.run([a.bench, "bars", FILE, "--repeat", str(a.repeat), "--json"],
                                     check=True, capture_output=True, text=True).stdout)
    runs = [pandas_pass() for _ in range(a.repeat)]
    best, trades, bars = min(r[0] for r in runs), runs[0][1], runs[0][2]
    print(f"{FILE}: {trades:,} trades, best of {a.repeat}")
    print(f"  Precedent        {ours['seconds'] * 1e3:8.1f} ms   {ours['bars']:,} bars")
    print(f"  pandas + TA-Lib  {best * 1e3:8.1f} ms   {bars:,} bars")
    print(f"  ratio            {best / ours['seconds']:.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
