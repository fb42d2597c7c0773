// Package graphs holds gnnwb's one graph type.
package graphs
