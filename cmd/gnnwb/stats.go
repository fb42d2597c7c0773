package main

import (
	"encoding/json"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, statsCommand) }

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:      "stats",
		Usage:     "summarise a graph file: nodes, edges, self loops, degrees, triangles, clustering, components",
		UsageText: "gnnwb stats [--directed] [--format NAME] [--json] FILE",
		Description: "FILE is an edge list (.txt, .edges, .el, .tsv: integer ids, SNAP's sparse ids mapped; .edgelist:\n" +
			"also NetworkX's write_edgelist), GraphML (.graphml) or node-link JSON (.json); --format names it otherwise.",
		ArgsUsage: "FILE",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of text"},
			&cli.BoolFlag{Name: "directed", Usage: "read an edge list as a directed graph (default undirected; GraphML and JSON files say)"},
			graphFormatFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("stats: want exactly one FILE argument, got %d", c.NArg())
			}
			opt, err := graphReadOptions(c, "format", c.Bool("directed"))
			if err != nil {
				return err
			}
			opt.KeepSelfLoops = true
			g, _, err := graphio.Read(c.Args().First(), opt)
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

// graphFormatFlag is --format, the format of a graph file.
func graphFormatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Usage: "graph file format `NAME`: edgelist, snap, networkx, graphml or nodelink", DefaultText: "by the file's extension"}
}

// graphReadOptions are graphio.Options from the format flag called name.
func graphReadOptions(c *cli.Context, name string, directed bool) (graphio.Options, error) {
	opt := graphio.Options{Directed: directed}
	if c.IsSet(name) {
		f, err := graphio.ParseFormat(c.String(name))
		if err != nil {
			return opt, usagef("%s: --%s=%q: want edgelist, snap, networkx, graphml or nodelink", commandPath(c), name, c.String(name))
		}
		opt.Format = f
	}
	return opt, nil
}
