"""The faiss anchor for `bench search`: the same work on Debian's python3-faiss (1.7.3).

Random unit vectors (n x dim), top-10 inner-product search: IndexFlatIP (exact), IndexScalarQuantizer 8-bit and,
where building it fits a bench, IndexHNSWFlat; queries one at a time and in batches of 64, on 1 and on every
thread. Prints one JSON object a line: index, threads, batch, queries_per_s, recall_at_10 (against IndexFlatIP).
Usage: /usr/bin/python3 faiss_search.py N DIM QUERIES REPEATS
"""
import json
import sys
import time

import faiss
import numpy as np

n, dim, nq, repeats = (int(a) for a in sys.argv[1:5])
rng = np.random.default_rng(1)
data = rng.random((n, dim), dtype=np.float32) - 0.5
data /= np.linalg.norm(data, axis=1, keepdims=True)
queries = rng.random((max(nq, 64), dim), dtype=np.float32) - 0.5
queries /= np.linalg.norm(queries, axis=1, keepdims=True)

flat = faiss.IndexFlatIP(dim)
flat.add(data)
_, truth = flat.search(queries, 10)

sq = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
sq.train(data)
sq.add(data)
indexes = [("IndexFlatIP", flat), ("IndexScalarQuantizer 8-bit", sq)]
if n * dim <= 100_000 * 512:
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efSearch = 64
    hnsw.add(data)
    indexes.append(("IndexHNSWFlat (M 32, efSearch 64)", hnsw))


def qps(index, batch):
    best = []
    for _ in range(repeats):
        start = time.perf_counter()
        if batch == 1:
            for i in range(nq):
                index.search(queries[i:i + 1], 10)
            done = nq
        else:
            index.search(queries[:batch], 10)
            done = batch
        best.append(done / (time.perf_counter() - start))
    return float(np.median(best))


for name, index in indexes:
    _, found = index.search(queries[:nq], 10)
    recall = float(np.mean([len(set(found[i]) & set(truth[i])) / 10 for i in range(nq)]))
    for threads in sorted({1, faiss.omp_get_max_threads()}):
        faiss.omp_set_num_threads(threads)
        for batch in (1, 64):
            print(json.dumps({"index": name, "threads": threads, "batch": batch, "queries_per_s": qps(index, batch), "recall_at_10": recall}), flush=True)
