#!/usr/bin/env python3
"""Peer timings for gnnwb's random-graph generators (package generators).

Each case prints one JSON line:
  {"peer": ..., "model": ..., "n": ..., "edges": ..., "seconds": ..., "edges_per_s": ..., ...}
"seconds" is the best of --repeat runs of the sampler alone (interpreter start-up and
imports excluded). The cases match the Go benchmarks in generators/bench_test.go:

  er       G(n,p), n = 1e6, average degree 10       igraph Graph.Erdos_Renyi, networkx fast_gnp_random_graph
                                                     <-> BenchmarkErdosRenyi
  sbm      4 blocks of n/4, n = 1e5, avg degree 20,  igraph Graph.SBM
           P_aa = 8c, P_ab = c                       <-> BenchmarkSBM
  graphon  W(u,v) = exp(-(u+v)), rho = 1, n = 1e4   numpy, vectorised by blocks of rows
           (about 2e7 edges)                         <-> BenchmarkGraphonExponential

Usage: /usr/bin/python3 bench/peers/gen_peers.py [--scale S] [--repeat R] [--only er,sbm,graphon] [--skip-networkx]
--scale multiplies every n (use e.g. 0.01 for a quick smoke test).
"""
import argparse
import json
import sys
import time


def best_of(repeat, fn):
    best, out = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        el = time.perf_counter() - t
        if best is None or el < best:
            best = el
    return best, out


def emit(peer, model, n, edges, seconds, **extra):
    rec = {"peer": peer, "model": model, "n": n, "edges": int(edges), "seconds": round(seconds, 6),
           "edges_per_s": round(edges / seconds, 1) if seconds > 0 else None, "threads": 1}
    rec.update(extra)
    print(json.dumps(rec), flush=True)


def case_er(args):
    n = max(2, int(1_000_000 * args.scale))
    p = 10.0 / (n - 1)
    import igraph
    sec, g = best_of(args.repeat, lambda: igraph.Graph.Erdos_Renyi(n=n, p=p))
    emit("igraph " + igraph.__version__, "er", n, g.ecount(), sec, p=p, call="Graph.Erdos_Renyi(n, p)")
    if not args.skip_networkx:
        import networkx as nx
        sec, g = best_of(args.repeat, lambda: nx.fast_gnp_random_graph(n, p, seed=1))
        emit("networkx " + nx.__version__, "er", n, g.number_of_edges(), sec, p=p,
             call="fast_gnp_random_graph(n, p)")


def sbm_model(n):
    na = n // 4
    c = 20.0 / (8 * (na - 1) + 3 * na)
    pref = [[8 * c if a == b else c for b in range(4)] for a in range(4)]
    return na, pref


def case_sbm(args):
    import igraph
    n = max(8, int(100_000 * args.scale))
    na, pref = sbm_model(n)
    sizes = [na] * 4
    sec, g = best_of(args.repeat, lambda: igraph.Graph.SBM(4 * na, pref, sizes))
    emit("igraph " + igraph.__version__, "sbm", 4 * na, g.ecount(), sec, blocks=4,
         call="Graph.SBM(n, pref_matrix, block_sizes)")


def case_graphon(args):
    import numpy as np
    n = max(2, int(10_000 * args.scale))
    rows = 512  # rows per block: 512 x n doubles = 40 MB at n = 1e4

    def sample():
        rng = np.random.default_rng(1)
        u = rng.random(n)
        x = np.exp(-u)
        src, dst = [], []
        for a in range(0, n, rows):
            b = min(n, a + rows)
            p = x[a:b, None] * x[None, :]              # W(u_i, u_j) for rows a..b-1
            hit = rng.random(p.shape) < p              # Bernoulli per pair
            i, j = np.nonzero(hit)
            i += a
            keep = j < i                               # strictly lower triangle: each pair once
            src.append(i[keep])
            dst.append(j[keep])
        return np.concatenate(src), np.concatenate(dst)

    sec, (s, d) = best_of(args.repeat, sample)
    emit("numpy " + np.__version__, "graphon-exponential", n, len(s), sec, rho=1.0,
         call="blocks of %d rows: rng.random(shape) < exp(-u_i) exp(-u_j), np.nonzero" % rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every n (default 1)")
    ap.add_argument("--repeat", type=int, default=3, help="best of R runs (default 3)")
    ap.add_argument("--only", default="er,sbm,graphon", help="comma-separated cases")
    ap.add_argument("--skip-networkx", action="store_true", help="skip networkx (slow: pure Python)")
    args = ap.parse_args()
    cases = {"er": case_er, "sbm": case_sbm, "graphon": case_graphon}
    for name in args.only.split(","):
        name = name.strip()
        if name not in cases:
            sys.exit("gen_peers.py: unknown case %r (want er, sbm, graphon)" % name)
        cases[name](args)


if __name__ == "__main__":
    main()
