#!/usr/bin/env python3
"""Exact k-NN search: Precedent vs faiss-cpu IndexFlatL2, single-threaded, same real vectors.

    python3 Benchmarks/knn_search.py --lake out/lake --config config/sample.yaml [--k 50] [--queries 1000] [--runs 3]

`precedent bench knn` builds the vectors from real silver rows of the lake (see its --help),
writes them and the queries as float32 files and times its own single-query scan and batch
search; this script loads the same files into faiss.IndexFlatL2 (one OpenMP thread) and
times index.search for the queries one at a time and as one batch. Needs `pip install faiss-cpu`.
"""
import argparse
import json
import subprocess
import time

import numpy as np

from common import RELEASE_BINARY


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lake", default="out/lake")
    ap.add_argument("--config", default="config/sample.yaml")
    ap.add_argument("--symbol", action="append", default=None)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--binary", default=RELEASE_BINARY)
    a = ap.parse_args()
    import faiss
    faiss.omp_set_num_threads(1)
    symbols = a.symbol or ["AMZN"]
    best = {}
    for _ in range(a.runs):
        cmd = [a.binary, "bench", "knn", "--lake", a.lake, "--config", a.config, "--k", str(a.k), "--queries", str(a.queries), "--json"]
        for s in symbols:
            cmd += ["--symbol", s]
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        for key, v in r.items():
            best[key] = max(best.get(key, v), v) if key.endswith("qps") else v
    n, d, m = best["vectors"], best["dimension"], best["queries"]
    x = np.fromfile("/tmp/precedent-knn-vectors.f32", dtype="<f4").reshape(n, d)
    q = np.fromfile("/tmp/precedent-knn-queries.f32", dtype="<f4").reshape(m, d)
    index = faiss.IndexFlatL2(d)
    index.add(x)
    single, batch = 0.0, 0.0
    for _ in range(a.runs):
        start = time.perf_counter()
        for i in range(m):
            index.search(q[i:i + 1], a.k)
        single = max(single, m / (time.perf_counter() - start))
        start = time.perf_counter()
        index.search(q, a.k)
        batch = max(batch, m / (time.perf_counter() - start))
    print(f"{n:,} real silver vectors x {d}, {m} queries, k = {a.k}, one thread, best of {a.runs}")
    print(f"  single queries  Precedent {best['single_qps']:>10,.0f} QPS   faiss {single:>10,.0f} QPS   ratio {best['single_qps'] / single:.2f}x")
    print(f"  one batch       Precedent {best['batch_qps']:>10,.0f} QPS   faiss {batch:>10,.0f} QPS   ratio {best['batch_qps'] / batch:.2f}x")


if __name__ == "__main__":
    main()
