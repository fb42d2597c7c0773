package gnn

func setFMA(v bool) { useFMA = v }
