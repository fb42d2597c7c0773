package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, datasetsCommand) }

// rootFlag is the --root flag every dataset-reading command shares.
func rootFlag() cli.Flag {
	return &cli.StringFlag{Name: "root", Usage: "data root `DIR`; layout as `gnnwb datasets fetch` writes it", DefaultText: "$GNNWB_DATA, else the user cache dir + /gnnwb"}
}

func datasetsCommand() *cli.Command {
	return &cli.Command{
		Name:  "datasets",
		Usage: "list, describe and download the benchmark datasets",
		Description: "Names are case-insensitive and '_' equals '-' (cora, citeseer, pubmed, mutag, proteins,\n" +
			"enzymes, nci1, imdb-binary, karate, email-eu-core, ogbg-molbace, ...). Data are read offline\n" +
			"from the root (--root, else $GNNWB_DATA, else the user cache dir); 'fetch' downloads the\n" +
			"missing files of one dataset there and checks their SHA-256; 'verify' checks the files present.",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the registered datasets and whether their files are under the root",
				UsageText: "gnnwb datasets list [--root DIR] [--json]",
				Flags:     []cli.Flag{rootFlag(), &cli.BoolFlag{Name: "json", Usage: "print a JSON array instead of a table"}},
				Action:    datasetsList,
			},
			{
				Name:      "info",
				Usage:     "load a dataset and print its counts: nodes, edges, features, classes, graphs, split sizes",
				UsageText: "gnnwb datasets info NAME [--root DIR] [--json]",
				ArgsUsage: "NAME",
				Flags:     []cli.Flag{rootFlag(), &cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of text"}},
				Action:    datasetsInfo,
			},
			{
				Name:      "verify",
				Usage:     "check the files of datasets under the root against the registry's SHA-256",
				UsageText: "gnnwb datasets verify [NAME...] [--root DIR]",
				ArgsUsage: "[NAME...]",
				Description: "Hashes every file of the named datasets (all registered datasets without a NAME) and prints\n" +
					"one line per file: ok, missing, corrupt (with its digest and the registry's) or unreadable.\n" +
					"Exits 1 when a file is corrupt or unreadable: delete it and run 'gnnwb datasets fetch NAME'.\n" +
					"Loading a dataset checks its files the same way the first time, and remembers them.",
				Flags:  []cli.Flag{rootFlag()},
				Action: datasetsVerify,
			},
			{
				Name:      "fetch",
				Usage:     "download the missing files of a dataset into the root and verify them (SHA-256)",
				UsageText: "gnnwb datasets fetch NAME [--root DIR]",
				ArgsUsage: "NAME",
				Flags:     []cli.Flag{rootFlag()},
				Action:    datasetsFetch,
			},
		},
	}
}

// datasetName returns the one NAME argument, or a usage error.
func datasetName(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", usagef("%s: want exactly one dataset NAME argument, got %d (see gnnwb datasets list)", commandPath(c), c.NArg())
	}
	return c.Args().First(), nil
}

// datasetErr makes an unknown dataset name a usage error (exit 2) and
// prefixes other errors with the command.
func datasetErr(c *cli.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, datasets.ErrUnknown) {
		return usagef("%s: %v", commandPath(c), err)
	}
	return fmt.Errorf("%s: %w", commandPath(c), err)
}

// listEntry is one line of `datasets list`.
type listEntry struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Format  string `json:"format"`
	Present bool   `json:"present"` // every file is under the root
	Missing int    `json:"missing"` // files absent under the root
	About   string `json:"about"`
}

func datasetsList(c *cli.Context) error {
	if c.NArg() != 0 {
		return usagef("%s: takes no arguments, got %q", commandPath(c), c.Args().First())
	}
	root, err := datasets.Root(c.String("root"))
	if err != nil {
		return datasetErr(c, err)
	}
	var out []listEntry
	for _, name := range datasets.Names() {
		e, err := datasets.Info(name)
		if err != nil {
			return datasetErr(c, err)
		}
		le := listEntry{Name: e.Name, Kind: e.Kind, Format: e.Format, About: e.About}
		for _, f := range e.Files {
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(f.Path))); err != nil {
				le.Missing++
			}
		}
		le.Present = le.Missing == 0
		out = append(out, le)
	}
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(out)
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "# root %s\n", root)
	fmt.Fprintln(tw, "NAME\tKIND\tFORMAT\tFILES\tABOUT")
	for _, le := range out {
		state := "present"
		if !le.Present {
			state = fmt.Sprintf("%d missing", le.Missing)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", le.Name, le.Kind, le.Format, state, le.About)
	}
	return tw.Flush()
}

// infoJSON is what `datasets info --json` prints: the dataset's Stats plus
// its registry description.
type infoJSON struct {
	datasets.Stats
	Kind     string `json:"kind"`
	Format   string `json:"format"`
	About    string `json:"about"`
	Citation string `json:"citation"`
}

func datasetsInfo(c *cli.Context) error {
	name, err := datasetName(c)
	if err != nil {
		return err
	}
	e, err := datasets.Info(name)
	if err != nil {
		return datasetErr(c, err)
	}
	ds, err := datasets.Load(name, c.String("root"))
	if err != nil {
		return datasetErr(c, err)
	}
	s := ds.Stats()
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(infoJSON{Stats: s, Kind: e.Kind, Format: e.Format, About: e.About, Citation: e.Citation})
	}
	w := c.App.Writer
	fmt.Fprintf(w, "name      %s (%s, %s)\n", s.Name, e.Kind, e.Format)
	fmt.Fprintf(w, "about     %s\n", e.About)
	if s.Graphs > 0 {
		fmt.Fprintf(w, "graphs    %d\n", s.Graphs)
	}
	dir := "undirected"
	if s.Directed {
		dir = "directed"
	}
	fmt.Fprintf(w, "nodes     %d\n", s.Nodes)
	fmt.Fprintf(w, "edges     %d (%s; %d stored entries)\n", s.Edges, dir, s.Entries)
	switch {
	case s.SparseEntries > 0:
		fmt.Fprintf(w, "features  %d (sparse: %d stored entries, %.2f%%)\n", s.Features, s.SparseEntries, 100*float64(s.SparseEntries)/(float64(s.Nodes)*float64(s.Features)))
	case s.Features == 0:
		fmt.Fprintf(w, "features  0 (gnnwb train --degree-features makes some)\n")
	default:
		fmt.Fprintf(w, "features  %d\n", s.Features)
	}
	fmt.Fprintf(w, "classes   %d\n", s.Classes)
	if s.Train+s.Val+s.Test > 0 {
		fmt.Fprintf(w, "split     train %d, val %d, test %d\n", s.Train, s.Val, s.Test)
	} else if e.Kind == "graph" {
		fmt.Fprintf(w, "split     none shipped: 10-fold stratified CV (gnnwb train --folds 10)\n")
	} else {
		fmt.Fprintf(w, "split     none shipped\n")
	}
	_, err = fmt.Fprintf(w, "citation  %s\n", e.Citation)
	return err
}

func datasetsFetch(c *cli.Context) error {
	name, err := datasetName(c)
	if err != nil {
		return err
	}
	bar := newProgress(c, commandPath(c)+" "+name)
	err = (&datasets.Fetcher{Progress: bar.Update}).Fetch(c.Context, name, c.String("root"))
	bar.Done()
	return datasetErr(c, err)
}

func datasetsVerify(c *cli.Context) error {
	checks, err := datasets.Verify(c.String("root"), c.Args().Slice()...)
	if err != nil {
		return datasetErr(c, err)
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	bad := 0
	for _, f := range checks {
		detail := ""
		switch f.State {
		case "corrupt":
			bad++
			detail = fmt.Sprintf("\t%s, want %s", f.Digest, f.Want)
		case "unreadable":
			bad++
			detail = "\t" + f.Err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s%s\n", f.State, f.Dataset, f.Path, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%s: %d of %d files corrupt or unreadable: delete a corrupt file and run `gnnwb datasets fetch NAME` to download it again", commandPath(c), bad, len(checks))
	}
	return nil
}
