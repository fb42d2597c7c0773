// Package datasets loads the benchmark graph datasets of gnnwb from their
// original public files: Planetoid (Cora, CiteSeer, PubMed), LINQS text,
// gnn-benchmark .npz, TU Dortmund graph classification sets, SNAP edge
// lists, GML (Zachary's karate club) and the OGB raw CSV layout.
//
// (Full documentation of formats, normalisations and cache layout below.)
package datasets
