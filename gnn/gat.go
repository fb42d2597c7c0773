package gnn

type gatGraph struct{}
