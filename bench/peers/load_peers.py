#!/usr/bin/python3
"""Peer timings for gnnwb's datasets loaders (datasets/bench_test.go).

Loads the same files the way PyTorch Geometric does, with numpy/scipy in
place of torch (torch_geometric/io/planetoid.py read_planetoid_data and
torch_geometric/io/tu.py read_tu_data): Planetoid pickles read with
encoding='latin1', test index sorted, tx/ty reordered, CiteSeer padded,
edges from the adjacency dict with self loops removed and coalesced; TU
files read with numpy.loadtxt-equivalent parsing (pandas is not installed
here; PyG uses pandas.read_csv), ids made 0-based, self loops removed,
coalesced, node labels one-hot.

Usage: load_peers.py [--root DIR] [--repeat K] [--fingerprint]
       load_peers.py --only NAME [--sparse]   (one load, for /usr/bin/time -f %M)
Prints one line per dataset: name, best wall time over K runs (seconds) and
sizes; Planetoid twice, with x dense float32 as PyG builds it and with x
kept as scipy CSR as gnnwb keeps it. --fingerprint also prints integer
checksums that datasets/planetoid_test.go compares with.
"""
import argparse
import os
import pickle
import sys
import time

import numpy as np
import scipy.sparse as sp


def read_planetoid(folder, name):
    objs = {}
    for part in ['x', 'tx', 'allx', 'y', 'ty', 'ally', 'graph']:
        with open(os.path.join(folder, 'ind.%s.%s' % (name, part)), 'rb') as f:
            objs[part] = pickle.load(f, encoding='latin1')
    test_index = np.loadtxt(os.path.join(folder, 'ind.%s.test.index' % name), dtype=np.int64).reshape(-1)
    tx = objs['tx'].toarray()
    ty = objs['ty']
    sorted_test = np.sort(test_index)
    if name == 'citeseer':
        full = sorted_test.max() - sorted_test.min() + 1
        tx_ext = np.zeros((full, tx.shape[1]), dtype=tx.dtype)
        tx_ext[sorted_test - sorted_test.min()] = tx
        ty_ext = np.zeros((full, ty.shape[1]), dtype=ty.dtype)
        ty_ext[sorted_test - sorted_test.min()] = ty
        tx, ty = tx_ext, ty_ext
    x = np.concatenate([objs['allx'].toarray(), tx], axis=0)
    y = np.concatenate([objs['ally'], ty], axis=0).argmax(axis=1)
    x[test_index] = x[sorted_test]
    y[test_index] = y[sorted_test]
    n = y.shape[0]
    rows, cols = [], []
    for k, v in objs['graph'].items():
        rows += [k] * len(v)
        cols += v
    row = np.asarray(rows, dtype=np.int64)
    col = np.asarray(cols, dtype=np.int64)
    keep = row != col
    idx = np.unique(row[keep] * n + col[keep])  # coalesce
    train = np.arange(objs['y'].shape[0])
    val = np.arange(objs['y'].shape[0], objs['y'].shape[0] + 500)
    return x, y, idx, n, train, val, sorted_test


def read_planetoid_sparse(folder, name):
    """The same dataset with the features kept as scipy CSR (as gnnwb keeps
    them): rows stacked and reordered by index, never densified."""
    objs = {}
    for part in ['x', 'tx', 'allx', 'y', 'ty', 'ally', 'graph']:
        with open(os.path.join(folder, 'ind.%s.%s' % (name, part)), 'rb') as f:
            objs[part] = pickle.load(f, encoding='latin1')
    test_index = np.loadtxt(os.path.join(folder, 'ind.%s.test.index' % name), dtype=np.int64).reshape(-1)
    allx, tx = objs['allx'].tocsr(), objs['tx'].tocsr()
    nall, ntx, d = allx.shape[0], tx.shape[0], allx.shape[1]
    n = max(nall + ntx, int(test_index.max()) + 1)
    stacked = sp.vstack([allx, tx, sp.csr_matrix((1, d), dtype=allx.dtype)], format='csr')
    perm = np.full(n, nall + ntx, dtype=np.int64)  # padded nodes: the empty row
    perm[:nall] = np.arange(nall)
    perm[test_index] = nall + np.arange(ntx)
    x = stacked[perm]
    x.sum_duplicates()
    labels = np.concatenate([objs['ally'], objs['ty'], np.zeros((1, objs['ally'].shape[1]), dtype=objs['ally'].dtype)], axis=0)
    y = labels[perm].argmax(axis=1)
    rows, cols = [], []
    for k, v in objs['graph'].items():
        rows += [k] * len(v)
        cols += v
    row = np.asarray(rows, dtype=np.int64)
    col = np.asarray(cols, dtype=np.int64)
    keep = row != col
    idx = np.unique(row[keep] * n + col[keep])
    sorted_test = np.sort(test_index)
    train = np.arange(objs['y'].shape[0])
    val = np.arange(objs['y'].shape[0], objs['y'].shape[0] + 500)
    return x, y, idx, n, train, val, sorted_test


def read_txt(path, dtype):
    return np.loadtxt(path, delimiter=',', dtype=dtype, ndmin=2)


def read_tu(folder, prefix):
    ei = read_txt(os.path.join(folder, prefix + '_A.txt'), np.int64) - 1
    batch = read_txt(os.path.join(folder, prefix + '_graph_indicator.txt'), np.int64)[:, 0] - 1
    n = batch.shape[0]
    xs = []
    p = os.path.join(folder, prefix + '_node_labels.txt')
    if os.path.exists(p):
        nl = read_txt(p, np.int64)
        nl = nl - nl.min(axis=0)
        for c in range(nl.shape[1]):
            oh = np.zeros((n, nl[:, c].max() + 1), dtype=np.float32)
            oh[np.arange(n), nl[:, c]] = 1
            xs.append(oh)
    x = np.concatenate(xs, axis=1) if xs else None
    keep = ei[:, 0] != ei[:, 1]
    idx = np.unique(ei[keep, 0] * n + ei[keep, 1])
    y = read_txt(os.path.join(folder, prefix + '_graph_labels.txt'), np.int64)[:, 0]
    _, y = np.unique(y, return_inverse=True)
    return x, y, idx, n


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--root', default=os.environ.get('GNNWB_DATA', os.path.join(here, '..', '..', '..', 'shared', 'datasets')))
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--fingerprint', action='store_true')
    ap.add_argument('--only', help='load just this dataset once (cora, citeseer, pubmed, PROTEINS; "none" loads nothing): '
                    'for peak-memory runs under /usr/bin/time -f %%M')
    ap.add_argument('--sparse', action='store_true', help='with --only: keep Planetoid features sparse')
    a = ap.parse_args()
    pl = os.path.join(a.root, 'planetoid', 'raw')
    if a.only is not None:
        if a.only in ('cora', 'citeseer', 'pubmed'):
            (read_planetoid_sparse if a.sparse else read_planetoid)(pl, a.only)
        elif a.only != 'none':
            read_tu(os.path.join(a.root, 'tu', a.only), a.only)
        return 0
    for name in ['cora', 'citeseer', 'pubmed']:
        if not os.path.exists(os.path.join(pl, 'ind.%s.allx' % name)):
            print('%-10s skipped (ind.%s.allx absent)' % (name, name))
            continue
        for variant, read in [('dense', read_planetoid), ('sparse', read_planetoid_sparse)]:
            best = float('inf')
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                x, y, idx, n, train, val, test = read(pl, name)
                best = min(best, time.perf_counter() - t0)
            print('%-10s %.4f s  nodes %d  entries %d  features %d  (x %s)' % (name, best, n, idx.size, x.shape[1], variant))
            if a.fingerprint:
                if sp.issparse(x):
                    c = x.tocoo()
                    i, j, v = c.row, c.col, c.data
                else:
                    i, j = np.nonzero(x)
                    v = x[i, j]
                fx = int(((i + 1) * (j + 1) * v.astype(np.float64)).sum())
                fy = int(((np.arange(n) + 1) * y).sum())
                fe = int((idx % 1000003).sum())
                print('  fingerprint X %d Y %d E %d' % (fx, fy, fe))
    for name in ['PROTEINS']:
        d = os.path.join(a.root, 'tu', name)
        if not os.path.isdir(d):
            print('%-10s skipped (%s absent)' % (name, d))
            continue
        best = float('inf')
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            x, y, idx, n = read_tu(d, name)
            best = min(best, time.perf_counter() - t0)
        print('%-10s %.4f s  nodes %d  entries %d  features %d  graphs %d' % (name, best, n, idx.size, x.shape[1], y.shape[0]))


if __name__ == '__main__':
    sys.exit(main())
