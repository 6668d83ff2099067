#!/usr/bin/env python3
"""Exact k-NN with faiss-cpu IndexFlatL2, single-threaded: the oracle of Precedent's k-NN.

    knn_oracle.py VECTORS.f32 N D QUERIES.f32 M K

Files are raw little-endian float32, row-major. Prints JSON {"I": [[...]], "D": [[...]]}
(indices and squared L2 distances, as faiss returns them, nearest first)."""
import json
import sys

import faiss
import numpy as np


def main():
    vectors, n, d, queries, m, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    faiss.omp_set_num_threads(1)
    x = np.fromfile(vectors, dtype="<f4").reshape(n, d)
    q = np.fromfile(queries, dtype="<f4").reshape(m, d)
    index = faiss.IndexFlatL2(d)
    index.add(x)
    dist, idx = index.search(q, k)
    print(json.dumps({"I": idx.tolist(), "D": dist.tolist()}))


if __name__ == "__main__":
    main()
