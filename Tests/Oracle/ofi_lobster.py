#!/usr/bin/env python3
"""The order-flow-imbalance study (Cont, Kukanov & Stoikov 2014) computed from LOBSTER's own files,
independently of Precedent's book: the best quotes come from LOBSTER's order-book rows (the state after
each message), trades from its message file.

    ofi_lobster.py MESSAGE_CSV ORDERBOOK_CSV DATE TIME_ZONE [--interval S] [--window S]
                   [--session HH:MM-HH:MM]

Definitions as docs/STUDIES.md gives them: each message's contribution between the rows before and after
it, e = 1{Pb' >= Pb} qb' - 1{Pb' <= Pb} qb - 1{Pa' <= Pa} qa' + 1{Pa' >= Pa} qa (the first message of
the file has no row before it and contributes nothing); OFI per interval by message time; the mid at a
boundary is the row after the last message before it (none before the first message; the file's period,
named in its file name, covers the end); the trade imbalance sums executions (types 4 and 5) signed by the
aggressor (+ when a sell order was executed, i.e. direction -1); windows are whole from the session start;
OLS by numpy least squares with classical standard errors; the average depth of a window is the
time-weighted mean of (qb + qa)/2 over the part of it after the first message. Prints one JSON object:
intervals (UTC ns starts) and windows.
"""
import argparse
import datetime as dt
import json
import re
import zoneinfo
from decimal import Decimal

import numpy as np


def ols(x, y):
    n = len(x)
    if n < 3:
        return {"n": n, "alpha": None, "beta": None, "t_alpha": None, "t_beta": None, "r2": None}
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if np.all(x == x[0]):
        return {"n": n, "alpha": None, "beta": None, "t_alpha": None, "t_beta": None, "r2": None}
    X = np.column_stack([np.ones(n), x])
    coef, _, _, _ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    ssr = float(resid @ resid)
    sst = float(((y - y.mean()) ** 2).sum())
    cov = ssr / (n - 2) * np.linalg.inv(X.T @ X)
    se = np.sqrt(np.diag(cov))
    return {"n": n, "alpha": float(coef[0]), "beta": float(coef[1]),
            "t_alpha": float(coef[0] / se[0]) if se[0] > 0 else None,
            "t_beta": float(coef[1] / se[1]) if se[1] > 0 else None,
            "r2": 1 - ssr / sst if sst > 0 else None}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("message")
    p.add_argument("orderbook")
    p.add_argument("date")
    p.add_argument("zone")
    p.add_argument("--interval", type=int, default=10)
    p.add_argument("--window", type=int, default=1800)
    p.add_argument("--session", default="09:30-16:00")
    p.add_argument("--tick", type=int, default=100, help="tick in LOBSTER price units (price x 10000)")
    a = p.parse_args()

    day = dt.date.fromisoformat(a.date)
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zoneinfo.ZoneInfo(a.zone))
    midnight_ns = int(midnight.timestamp()) * 10**9
    s0, s1 = a.session.split("-")
    start = (int(s0[:2]) * 3600 + int(s0[3:]) * 60) * 10**9
    end_session = (int(s1[:2]) * 3600 + int(s1[3:]) * 60) * 10**9
    iv, wn = a.interval * 10**9, a.window * 10**9
    windows = (end_session - start) // wn
    per = wn // iv
    count = windows * per
    end = start + count * iv
    period = re.search(r"_(\d+)_(\d+)_message", a.message)
    covered = int(period.group(2)) * 10**6  # ms after midnight

    ofi = [0] * count
    ti = [0] * count
    mids = [None] * (count + 1)
    depth_int = [0.0] * windows
    depth_time = [0.0] * windows
    nb = 0
    prev = None  # (bp, bq, ap, aq)
    prev_t = 0

    def mid(s):
        if s is None or s[0] <= -9999999999 or s[2] >= 9999999999:
            return None
        return s[0] + s[2]

    def integrate(s, t0, t1):
        a0, b0 = max(t0, start), min(t1, end)
        t = a0
        while t < b0:
            w = (t - start) // wn
            we = min(b0, start + (w + 1) * wn)
            depth_int[w] += (s[1] + s[3]) / 2 * (we - t)
            depth_time[w] += we - t
            t = we

    with open(a.message) as mf, open(a.orderbook) as bf:
        for mline, bline in zip(mf, bf):
            m = mline.strip().split(",")
            b = bline.strip().split(",")
            t = int(Decimal(m[0]) * 10**9)
            kind, size, direction = int(m[1]), int(m[3]), int(m[5])
            if kind in (4, 5) and start <= t < end:
                ti[(t - start) // iv] += size if direction == -1 else -size
            while nb <= count and start + nb * iv <= t:
                mids[nb] = mid(prev)
                nb += 1
            s = (int(b[2]), int(b[3]), int(b[0]), int(b[1]))
            if prev is not None:
                integrate(prev, prev_t, t)
                if start <= t < end:
                    e = 0
                    if s[0] >= prev[0]: e += s[1]
                    if s[0] <= prev[0]: e -= prev[1]
                    if s[2] <= prev[2]: e -= s[3]
                    if s[2] >= prev[2]: e += prev[3]
                    ofi[(t - start) // iv] += e
            prev, prev_t = s, t
    if prev is not None:
        integrate(prev, prev_t, min(covered, end))
    while nb <= count and start + nb * iv <= covered:
        mids[nb] = mid(prev)
        nb += 1
    intervals = []
    for k in range(count):
        d = None if mids[k] is None or mids[k + 1] is None else (mids[k + 1] - mids[k]) / (2 * a.tick)
        intervals.append({"start": midnight_ns + start + k * iv, "ofi": ofi[k], "trade_imbalance": ti[k], "mid_change_ticks": d})
    out_windows = []
    for w in range(windows):
        part = [i for i in intervals[w * per:(w + 1) * per] if i["mid_change_ticks"] is not None]
        y = [i["mid_change_ticks"] for i in part]
        out_windows.append({"start": midnight_ns + start + w * wn,
                            "ofi": ols([i["ofi"] for i in part], y),
                            "trade": ols([i["trade_imbalance"] for i in part], y),
                            "average_depth": depth_int[w] / depth_time[w] if depth_time[w] > 0 else None})
    print(json.dumps({"intervals": intervals, "windows": out_windows}))


if __name__ == "__main__":
    main()
