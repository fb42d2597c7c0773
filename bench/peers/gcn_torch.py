#!/usr/bin/env python3
"""PyTorch peer for gnnwb's GCN training-epoch benchmark (BenchmarkGCNEpoch in gnn/train).

Plain PyTorch (no PyG): a 2-layer GCN (Kipf & Welling 2017) with hidden 16,
ReLU, dropout 0.5 on the input and on the hidden layer, Adam lr 0.01 with
weight_decay 5e-4 on all parameters, softmax cross-entropy over the training
mask, one epoch = forward + backward + optimiser step. The normalised adjacency
D^-1/2 (A + I) D^-1/2 is precomputed once as a torch.sparse COO tensor and
applied with torch.sparse.mm, as pygcn does.

Synthetic graphs with the shapes of Cora (2708 nodes, 10556 directed edges,
1433 binary features at 1.3% density, 7 classes) and PubMed (19717 nodes,
88648 directed edges, 500 dense features, 3 classes); edges are a random
symmetric graph with that many stored entries. With --sparse the features
are a sparse tensor and input dropout drops stored nonzeros (Kipf's
sparse_dropout); the default is sparse for Cora, dense for PubMed, which is
what the Go benchmark does.

Prints one JSON object per shape: {"shape":..., "ms_per_epoch":...,
"cpu_ms_per_epoch":..., ...} (wall and process CPU time per epoch; the Go
benchmark reports ns/op and cpu-ms/op likewise).
Usage: python3 gcn_torch.py [--threads 2] [--epochs 50] [--shape cora|pubmed|all]
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

SHAPES = {
    # name: (nodes, directed edges, features, density, classes, sparse features)
    "cora": (2708, 10556, 1433, 0.013, 7, True),
    "pubmed": (19717, 88648, 500, 1.0, 3, False),
}


def random_graph(n, entries, gen):
    """Symmetric random graph with about `entries` stored directed entries."""
    m = entries // 2
    u = torch.randint(0, n, (2 * m,), generator=gen)
    v = torch.randint(0, n, (2 * m,), generator=gen)
    keep = u != v
    u, v = u[keep][:m], v[keep][:m]
    row = torch.cat([u, v])
    col = torch.cat([v, u])
    idx = torch.unique(torch.stack([row, col]), dim=1)
    return idx


def gcn_norm(idx, n):
    loops = torch.arange(n).repeat(2, 1)
    idx = torch.cat([idx, loops], dim=1)
    val = torch.ones(idx.shape[1])
    deg = torch.zeros(n).index_add_(0, idx[0], val)
    dinv = deg.pow(-0.5)
    val = dinv[idx[0]] * val * dinv[idx[1]]
    return torch.sparse_coo_tensor(idx, val, (n, n)).coalesce()


def features(n, d, density, sparse, gen):
    if density >= 1.0:
        x = torch.rand(n, d, generator=gen)
        return x.to_sparse() if sparse else x
    nnz = int(round(n * d * density))
    r = torch.randint(0, n, (nnz,), generator=gen)
    c = torch.randint(0, d, (nnz,), generator=gen)
    x = torch.sparse_coo_tensor(torch.stack([r, c]), torch.ones(nnz), (n, d)).coalesce()
    x = torch.sparse_coo_tensor(x.indices(), torch.ones_like(x.values()), (n, d)).coalesce()
    return x if sparse else x.to_dense()


class GCN(torch.nn.Module):
    def __init__(self, d, hidden, classes, p):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.empty(d, hidden))
        self.b1 = torch.nn.Parameter(torch.zeros(hidden))
        self.w2 = torch.nn.Parameter(torch.empty(hidden, classes))
        self.b2 = torch.nn.Parameter(torch.zeros(classes))
        torch.nn.init.xavier_uniform_(self.w1)
        torch.nn.init.xavier_uniform_(self.w2)
        self.p = p

    def forward(self, x, adj):
        if x.is_sparse:
            v = F.dropout(x.values(), self.p, self.training)
            x = torch.sparse_coo_tensor(x.indices(), v, x.shape)
            h = torch.sparse.mm(x, self.w1)
        else:
            h = F.dropout(x, self.p, self.training) @ self.w1
        h = F.relu(torch.sparse.mm(adj, h) + self.b1)
        h = F.dropout(h, self.p, self.training)
        h = torch.sparse.mm(adj, h @ self.w2) + self.b2
        return F.log_softmax(h, dim=1)


def run(name, threads, epochs, warmup, sparse_opt, dtype):
    n, e, d, dens, classes, sparse = SHAPES[name]
    if sparse_opt is not None:
        sparse = sparse_opt
    torch.set_num_threads(threads)
    torch.set_default_dtype(dtype)
    gen = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    idx = random_graph(n, e, gen)
    adj = gcn_norm(idx, n)
    x = features(n, d, dens, sparse, gen)
    y = torch.randint(0, classes, (n,), generator=gen)
    train = torch.zeros(n, dtype=torch.bool)
    train[: 20 * classes] = True
    model = GCN(d, 16, classes, 0.5)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    model.train()

    def epoch():
        opt.zero_grad()
        out = model(x, adj)
        loss = F.nll_loss(out[train], y[train])
        loss.backward()
        opt.step()
        return loss

    for _ in range(warmup):
        epoch()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        epoch()
    dt = (time.perf_counter() - t0) / epochs
    dc = (time.process_time() - c0) / epochs
    return {
        "shape": name, "nodes": n, "entries": int(idx.shape[1]), "features": d,
        "sparse_features": sparse, "classes": classes, "threads": threads,
        "dtype": str(dtype).replace("torch.", ""), "epochs": epochs,
        "ms_per_epoch": dt * 1e3, "cpu_ms_per_epoch": dc * 1e3, "torch": torch.__version__,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--shape", default="all", choices=["all", *SHAPES])
    ap.add_argument("--sparse", default=None, choices=["yes", "no"],
                    help="force sparse (yes) or dense (no) features; default per shape")
    ap.add_argument("--dtype", default="float64", choices=["float32", "float64"],
                    help="gnnwb computes in float64; float32 is PyTorch's default")
    a = ap.parse_args()
    sparse = None if a.sparse is None else a.sparse == "yes"
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    shapes = list(SHAPES) if a.shape == "all" else [a.shape]
    for s in shapes:
        print(json.dumps(run(s, a.threads, a.epochs, a.warmup, sparse, dtype)), flush=True)


if __name__ == "__main__":
    main()
