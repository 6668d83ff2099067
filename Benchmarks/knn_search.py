#!/usr/bin/env python3
"""Exact k-NN search: Precedent vs faiss-cpu IndexFlatL2, single-threaded, same real vectors.

    python3 Benchmarks/knn_search.py --lake out/lake --config config/sample.yaml [--k 50] [--queries 1000] [--runs 3]

`precedent-bench knn` builds the vectors from real silver rows of the lake (see its --help),
writes them and the queries as float32 files and times its own single-query search and batch
search, with principal-component bounds (the default) and as a plain scan (--no-pruning);
this script loads the same files into faiss.IndexFlatL2 (one OpenMP thread) and times
index.search for the queries one at a time and as one batch, alternating with Precedent's
runs. Needs `pip install faiss-cpu`.
"""
import argparse
import json
import subprocess
import time

import numpy as np

from common import BENCH_BINARY


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lake", default="out/lake")
    ap.add_argument("--config", default="config/sample.yaml")
    ap.add_argument("--symbol", action="append", default=None)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bench", default=BENCH_BINARY, help="the precedent-bench executable")
    a = ap.parse_args()
    import faiss
    faiss.omp_set_num_threads(1)
    symbols = a.symbol or ["AMZN"]

    def precedent(extra):
        cmd = [a.bench, "knn", "--lake", a.lake, "--config", a.config, "--k", str(a.k), "--queries", str(a.queries), "--json"]
        for s in symbols:
            cmd += ["--symbol", s]
        return json.loads(subprocess.run(cmd + extra, check=True, capture_output=True, text=True).stdout)

    # Runs alternate between the three (this VM's speed drifts); each figure is the best of its runs.
    best = {"bounded": {}, "plain": {}}
    faiss_single, faiss_batch = 0.0, 0.0
    index = None
    for _ in range(a.runs):
        for mode, extra in [("bounded", []), ("plain", ["--no-pruning"])]:
            r = precedent(extra)
            for key, v in r.items():
                best[mode][key] = max(best[mode].get(key, v), v) if key.endswith("qps") else v
        if index is None:
            n, d, m = best["bounded"]["vectors"], best["bounded"]["dimension"], best["bounded"]["queries"]
            x = np.fromfile("/tmp/precedent-knn-vectors.f32", dtype="<f4").reshape(n, d)
            q = np.fromfile("/tmp/precedent-knn-queries.f32", dtype="<f4").reshape(m, d)
            index = faiss.IndexFlatL2(d)
            index.add(x)
        start = time.perf_counter()
        for i in range(m):
            index.search(q[i:i + 1], a.k)
        faiss_single = max(faiss_single, m / (time.perf_counter() - start))
        start = time.perf_counter()
        index.search(q, a.k)
        faiss_batch = max(faiss_batch, m / (time.perf_counter() - start))
    b, p = best["bounded"], best["plain"]
    print(f"{n:,} real silver vectors x {d}, {m} queries, k = {a.k}, one thread, best of {a.runs}")
    print(f"  bounds: {b['bound_components']} principal components ({b['bound_variance_share'] * 100:.0f} % of the variance), "
          f"index built in {b['build_seconds']:.3f} s (plain {p['build_seconds']:.3f} s)")
    print(f"  single queries  Precedent {b['single_qps']:>8,.0f} QPS (plain scan {p['single_qps']:>6,.0f})   faiss {faiss_single:>8,.0f} QPS"
          f"   ratio {b['single_qps'] / faiss_single:.2f}x (plain {p['single_qps'] / faiss_single:.2f}x)")
    print(f"  one batch       Precedent {b['batch_qps']:>8,.0f} QPS (plain scan {p['batch_qps']:>6,.0f})   faiss {faiss_batch:>8,.0f} QPS"
          f"   ratio {b['batch_qps'] / faiss_batch:.2f}x (plain {p['batch_qps'] / faiss_batch:.2f}x)")

if __name__ == "__main__":
    main()
