//go:build !amd64

package gnn

func setFMA(v bool) {}
