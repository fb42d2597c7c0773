package main

import (
	"encoding/json"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, statsCommand) }

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:      "stats",
		Usage:     "summarise an edge-list file: nodes, edges, self loops, degrees, triangles, clustering, components",
		UsageText: "gnnwb stats FILE [--directed] [--json]",
		ArgsUsage: "FILE",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of text"},
			&cli.BoolFlag{Name: "directed", Usage: "read the file as a directed graph (default undirected)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("stats: want exactly one FILE argument, got %d", c.NArg())
			}
			g, err := graphs.ReadEdgeList(c.Args().First(), graphs.EdgeListOptions{Directed: c.Bool("directed"), KeepSelfLoops: true})
			if err != nil {
				return err
			}
			s, err := graphs.Summarize(g)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				enc := json.NewEncoder(c.App.Writer)
				return enc.Encode(s)
			}
			return s.WriteText(c.App.Writer)
		},
	}
}
