package main

import "github.com/urfave/cli/v2"

// The node count n of a graph is --nodes in every command. The commands
// that once spelled it --n (generate er, gnm, graphon; train --graphon,
// now gnnwb online) still read --n as a hidden, deprecated spelling.

// nodesFlags returns --nodes (default value, shown in help when not 0) and
// its hidden old spelling --n.
func nodesFlags(value int, usage string) []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "nodes", Value: value, Usage: usage},
		&cli.IntFlag{Name: "n", Value: value, Hidden: true, Usage: "deprecated spelling of --nodes"},
	}
}

// nodes returns --nodes, or --n when the old spelling was given; both is
// a usage error, and so is neither when required.
func nodes(c *cli.Context, required bool) (int, error) {
	switch {
	case c.IsSet("nodes") && c.IsSet("n"):
		return 0, usagef("%s: give --nodes (or its old spelling --n), not both", commandPath(c))
	case c.IsSet("n"):
		return c.Int("n"), nil
	case required && !c.IsSet("nodes"):
		return 0, usagef("%s: --nodes is required", commandPath(c))
	}
	return c.Int("nodes"), nil
}
