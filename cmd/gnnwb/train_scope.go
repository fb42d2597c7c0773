package main

import (
	"slices"
	"strings"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/urfave/cli/v2"
)

// The tasks of gnnwb train, as trainFlagScopes names them: node
// classification or regression (node datasets, --graph, --generate) and
// graph classification or regression (graph datasets).
const (
	taskNode  = "node"
	taskGraph = "graph"
)

// flagScope is where a flag of gnnwb train applies: the models that read
// it (nil: every model) and the task (taskNode, taskGraph, or "" for
// both).
type flagScope struct {
	models []string
	task   string
}

// trainFlagScopes is the one table of the train flags that only some
// models or only one task read; every other hyper-parameter flag applies
// to every model and task. A flag given outside its scope is a usage
// error (checkFlagScopes), so that `--model gcn --heads 4` is refused
// instead of silently ignored. The flags of the input modes (--graph,
// --generate, --dataset) are checked by rejectGraphFlags and trainGraph.
var trainFlagScopes = map[string]flagScope{
	"heads":              {models: []string{gnn.KindGAT}},
	"attn-dropout":       {models: []string{gnn.KindGAT}},
	"no-self-loops":      {models: []string{gnn.KindGCN}},
	"batch-norm":         {models: []string{gnn.KindGIN}, task: taskGraph},
	"split-per-class":    {task: taskNode},
	"normalize-features": {task: taskNode},
	"batch-size":         {task: taskGraph},
	"folds":              {task: taskGraph},
	"pool":               {task: taskGraph},
	"head":               {task: taskGraph},
	"lr-step":            {task: taskGraph},
	"lr-gamma":           {task: taskGraph},
	"steps-per-epoch":    {task: taskGraph},
	"node-attributes":    {task: taskGraph},
	"fold-subset":        {task: taskGraph},
}

// checkFlagScopes refuses the first flag set (in the command's flag order)
// that model kind or task does not read, with one line naming the flag and
// the models or task it belongs to. dataset names the graph dataset of a
// graph task in the message ("" otherwise).
func checkFlagScopes(c *cli.Context, kind, task, dataset string) error {
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		s, ok := trainFlagScopes[name]
		if !ok || !c.IsSet(name) {
			continue
		}
		switch {
		case s.task == taskNode && task != taskNode:
			return usagef("train: --%s is for node classification (node datasets, --graph, --generate), not for the graph dataset %s", name, dataset)
		case s.task == taskGraph && task != taskGraph:
			var graphOnly []string
			for _, g := range c.Command.Flags {
				if n := g.Names()[0]; trainFlagScopes[n].task == taskGraph && trainFlagScopes[n].models == nil {
					graphOnly = append(graphOnly, n)
				}
			}
			return usagef("train: --%s is for graph datasets (--%s)", name, strings.Join(graphOnly, ", --"))
		case s.models != nil && !slices.Contains(s.models, kind):
			return usagef("train: --%s is for --model %s, not %s", name, strings.Join(s.models, " or "), kind)
		}
	}
	return nil
}
