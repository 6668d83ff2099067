#!/usr/bin/env python3
"""Reference implementations for the bars side: pandas resampling and TA-Lib indicators.

    bars_oracle.py resample ZIP MINUTES   -> JSON lines: contract, start_ns, open, high, low, close, volume
    bars_oracle.py resample-series MINUTES ZIP... -> the same, each contract's minutes of all the zips as one series
    bars_oracle.py ticks TRADES.csv.zst   -> JSON lines: 1-minute UTC bars of the trades (pandas)
    bars_oracle.py matrix-check FILE      -> JSON rows read by DuckDB through the nested groups
    bars_oracle.py talib SERIES.json      -> JSON: rsi, macd, macd_signal, macd_hist, bb_upper, bb_middle, bb_lower, atr
                                             (SERIES.json: {"high": [...], "low": [...], "close": [...]}; NaN -> null)
Lean minute trade zips: one CSV per contract, rows `ms since midnight, open, high, low, close, volume` (UTC)."""
import io
import json
import math
import os
import sys
import zipfile

import numpy as np
import pandas as pd

CODES = "FGHJKMNQUVXZ"


def minute_frames(path):
    """(contract, DataFrame of its minute bars indexed by UTC time) for each CSV of a Lean minute zip."""
    day = pd.Timestamp(os.path.basename(path)[:8], tz="UTC")
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if not name.endswith(".csv"):
                continue
            parts = name[:-4].split("_")
            ym = int(parts[4])
            contract = parts[1].upper() + CODES[ym % 100 - 1] + str(ym // 100 % 10)
            df = pd.read_csv(io.BytesIO(z.read(name)), header=None, names=["ms", "open", "high", "low", "close", "volume"])
            df.index = day + pd.to_timedelta(df["ms"], unit="ms")
            yield contract, df


def print_resampled(contract, df, minutes):
    # pandas' defaults: origin="start_day" (midnight of the series' first day), left-closed, left-labelled.
    r = df.resample(f"{minutes}min").agg({"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"})
    r = r.dropna(subset=["open"])
    for ts, row in r.iterrows():
        print(json.dumps({"contract": contract, "start_ns": int(ts.value), "open": float(row["open"]), "high": float(row["high"]),
                          "low": float(row["low"]), "close": float(row["close"]), "volume": int(row["volume"])}))


def resample(path, minutes):
    for contract, df in minute_frames(path):
        print_resampled(contract, df, minutes)


def resample_series(minutes, paths):
    series = {}
    for path in sorted(paths):
        for contract, df in minute_frames(path):
            series.setdefault(contract, []).append(df)
    for contract in sorted(series):
        print_resampled(contract, pd.concat(series[contract]).sort_index(), minutes)


def indicators(path):
    import talib
    s = json.load(open(path))
    h, l, c = (np.array(s[k], dtype=float) for k in ("high", "low", "close"))
    macd, sig, hist = talib.MACD(c, 12, 26, 9)
    up, mid, low = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    out = {"rsi": talib.RSI(c, 14), "macd": macd, "macd_signal": sig, "macd_hist": hist,
           "bb_upper": up, "bb_middle": mid, "bb_lower": low, "atr": talib.ATR(h, l, c, 14)}
    print(json.dumps({k: [None if math.isnan(x) else float(x) for x in v] for k, v in out.items()}))


def ticks(path):
    """Trades CSV (zstd) in US Central time → 1-minute UTC bars, as pandas makes them."""
    import subprocess
    raw = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    df = pd.read_csv(io.BytesIO(raw))
    df.index = pd.to_datetime(df["DateTime"], format="%Y-%m-%d %H:%M:%S.%f").dt.tz_localize("America/Chicago").dt.tz_convert("UTC")
    bars = df["Price"].resample("1min").ohlc()
    bars["volume"] = df["Volume"].resample("1min").sum()
    bars = bars.dropna(subset=["open"])
    for ts, r in bars.iterrows():
        print(json.dumps({"start_ns": int(ts.value), "open": float(r["open"]), "high": float(r["high"]), "low": float(r["low"]),
                          "close": float(r["close"]), "volume": int(r["volume"])}))


def main():
    if sys.argv[1] == "ticks":
        ticks(sys.argv[2])
    elif sys.argv[1] == "resample":
        resample(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "resample-series":
        resample_series(int(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1] == "matrix-check":
        matrix_check(sys.argv[2])
    else:
        indicators(sys.argv[2])


def matrix_check(path):
    """DuckDB reads the matrix with its nested groups: a row per date with fields from each group."""
    import duckdb
    rows = duckdb.connect().execute(
        f"select date::varchar, market.contract, market.close, indicators.rsi14, pivots.p, pivots.close_minus_r1 "
        f"from read_parquet('{path}') order by date").fetchall()
    print(json.dumps([list(r) for r in rows]))


if __name__ == "__main__":
    main()
