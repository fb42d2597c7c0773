"""Peer timing for gnnwb's triangle count (graphs.Triangles, graphs.GlobalClustering).

igraph's Graph.transitivity_undirected() on a G(n,p) graph with n = 1e6 and average degree 10,
the same shape as BenchmarkTriangles / BenchmarkGlobalClustering in graphs/bench_test.go.
Prints one JSON line; "seconds" is the best of --repeat runs of the call alone.

Usage: /usr/bin/python3 bench/peers/triangles_peer.py [--n N] [--degree D] [--repeat R]
"""
import argparse
import json
import time

import igraph


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--degree", type=float, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    g = igraph.Graph.Erdos_Renyi(n=a.n, p=a.degree / (a.n - 1))
    best = float("inf")
    for _ in range(a.repeat):
        t = time.perf_counter()
        c = g.transitivity_undirected()
        best = min(best, time.perf_counter() - t)
    print(json.dumps({"peer": "igraph", "call": "transitivity_undirected", "n": a.n,
                      "edges": g.ecount(), "transitivity": c, "seconds": best, "threads": 1}))


if __name__ == "__main__":
    main()
