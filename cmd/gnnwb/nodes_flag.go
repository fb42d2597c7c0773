package main

import "github.com/urfave/cli/v2"

// The node count n of a graph is --nodes in every command. The commands
// that once spelled it --n (generate er, gnm, graphon; train --graphon,
// now gnnwb online) still read --n as a hidden, deprecated spelling.

// nodesFlags returns --nodes (default value, shown in help when not 0) and
// its hidden old spelling --n.
func nodesFlags(value int, usage string) []cli.Flag {
	return withOldSpellings(&cli.IntFlag{Name: "nodes", Value: value, Usage: usage}, "n")
}

// nodes returns --nodes (or --n, its old spelling: useNewSpellings); none
// is a usage error when required.
func nodes(c *cli.Context, required bool) (int, error) {
	if required && !c.IsSet("nodes") {
		return 0, usagef("%s: --nodes is required", commandPath(c))
	}
	return c.Int("nodes"), nil
}
