#!/usr/bin/env python3
"""PyTorch peer of gnnwb's graph GIN: one training pass on a batch gnnwb wrote.

Usage: gin_torch.py FILE.json...   (written by TestGINTorch in gnn/torch_test.go)

The file holds the batch (CSR adjacency of the joined graphs, graph offsets,
node features, class labels), the model as a list of modules with indices into
the parameter list, the parameter values before the pass, the dropout masks
gnnwb drew, and gnnwb's results: every top-level module's output, the gradient
of the loss with respect to it, the loss, the parameter gradients and the
values after the pass (BatchNorm running statistics). This script rebuilds the
GIN in float64 with torch autograd (GIN layer: MLP((1+eps) h + sum of the
neighbours' h); BatchNorm1d in training mode; sum/mean/max readout; Xu et
al.'s jumping-knowledge sum head), repeats the pass and prints, as JSON, the
relative error max|torch - gnnwb| / max|torch| of every compared quantity,
one report per file.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def compare(path):
    with open(path) as f:
        doc = json.load(f)
    n, G = doc["nodes"], doc["graphs"]
    off = doc["csr_offsets"]
    nb = torch.tensor(doc["csr_neighbours"], dtype=torch.long)
    rows = torch.repeat_interleave(torch.arange(n), torch.tensor([off[i + 1] - off[i] for i in range(n)]))
    goff = doc["graph_offsets"]
    gid = torch.repeat_interleave(torch.arange(G), torch.tensor([goff[k + 1] - goff[k] for k in range(G)]))
    sizes = torch.tensor([goff[k + 1] - goff[k] for k in range(G)], dtype=torch.float64)
    x = torch.tensor(doc["x"], dtype=torch.float64).reshape(n, doc["in"]).requires_grad_(True)
    y = torch.tensor(doc["y"], dtype=torch.long)

    params = []
    for p, init in zip(doc["params"], doc["initial"]):
        t = torch.tensor(init, dtype=torch.float64)
        if not p["buffer"]:
            t.requires_grad_(True)
        params.append(t)

    def aggregate(h):  # (S h)_i = sum_j A_ij h_j over the CSR rows
        return torch.zeros_like(h).index_add_(0, rows, h[nb])

    def pool(kind, h):
        if kind == "max":
            out = torch.full((G, h.shape[1]), -float("inf")).scatter_reduce(0, gid[:, None].expand_as(h), h, reduce="amax")
            return torch.where(sizes[:, None] > 0, out, torch.zeros_like(out))
        s = torch.zeros(G, h.shape[1]).index_add_(0, gid, h)
        if kind == "mean":
            s = s / sizes.clamp(min=1)[:, None]
        return s

    def linear(m, h):
        out = h @ params[m["w"]].reshape(m["in"], m["out"])
        if "b" in m:
            out = out + params[m["b"]]
        return out

    def run(m, h):
        k = m["kind"]
        if k == "dropout":
            return h * torch.tensor(m["mask"], dtype=torch.float64).reshape(h.shape)
        if k == "relu":
            return torch.relu(h)
        if k == "linear":
            return linear(m, h)
        if k == "batchnorm":
            # torch.nn.functional.batch_norm in training mode updates the
            # running statistics in place (momentum, unbiased variance).
            rm, rv = params[m["run_mean"]], params[m["run_var"]]
            return F.batch_norm(h, rm, rv, params[m["gamma"]], params[m["beta"]], training=True,
                                momentum=m["momentum"], eps=m["eps"])
        if k == "readout":
            return pool(m["pool"], h)
        if k == "sequential":
            for s in m["modules"]:
                h = run(s, h)
            return h
        if k == "gin":
            eps = params[m["eps"]][0] if "eps" in m else m["eps_value"]
            return run(m["mlp"], (1 + eps) * h + aggregate(h))
        if k == "jumpsum":
            hs = [h]
            for layer in m["layers"]:
                hs.append(run(layer, hs[-1]))
            states.extend(hs[1:])
            out = 0
            for hk, head, mask in zip(hs, m["heads"], m["masks"]):
                s = linear(head, pool(m["pool"], hk))
                if mask is not None:
                    s = s * torch.tensor(mask, dtype=torch.float64).reshape(s.shape)
                out = out + s
            return out
        raise ValueError("unknown module kind " + k)

    states = []
    outs = []
    h = x
    for m in doc["modules"]:
        h = run(m, h)
        h.retain_grad()
        outs.append(h)
    loss = F.cross_entropy(h, y)
    loss.backward()

    checks = []

    def check(what, mine, theirs):
        mine = mine.detach().reshape(-1)
        theirs = torch.tensor(theirs, dtype=torch.float64).reshape(-1)
        if mine.shape != theirs.shape:
            raise SystemExit(f"{what}: torch has {mine.numel()} values, gnnwb {theirs.numel()}")
        scale = mine.abs().max().item() if mine.numel() else 0.0
        diff = (mine - theirs).abs().max().item() if mine.numel() else 0.0
        checks.append({"what": what, "rel_err": diff / scale if scale > 0 else diff, "abs_err": diff, "scale": scale})

    for k, (m, o) in enumerate(zip(doc["modules"], outs)):
        check(f"output of module {k} ({m['kind']})", o, doc["outs"][k])
        check(f"gradient wrt the output of module {k} ({m['kind']})", o.grad, doc["grads"][k])
    for k, s in enumerate(states):
        check(f"jumping-knowledge state h^({k + 1})", s, doc["states"][k])
    check("loss", loss, [doc["loss"]])
    for t, p in zip(params, doc["params"]):
        if p["buffer"]:
            check(f"{p['name']} after the pass", t, p["value"])
        else:
            check(f"gradient of {p['name']}", t.grad if t.grad is not None else torch.zeros_like(t), p["grad"])
    return {"file": path, "torch": torch.__version__, "checks": checks}


if __name__ == "__main__":
    json.dump([compare(p) for p in sys.argv[1:]], sys.stdout, indent=1)
    print()
