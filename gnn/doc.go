// Package gnn implements standard message-passing graph neural networks
// (GCN, GraphSAGE, GIN, GAT) with hand-written backward passes, losses,
// optimisers and deterministic training on graphs.Graph.
package gnn
