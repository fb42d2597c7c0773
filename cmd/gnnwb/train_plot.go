package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/gnnwb/gnnwb/gnn/train"
	"github.com/gnnwb/gnnwb/limits/plots"
)

// The per-epoch history of gnnwb train: --history adds every run's
// losses, accuracies and metric per epoch to the --out JSON
// (summary.runs[].history), and --plot FILE draws them.

// historyFlags checks --history (it needs a JSON --out) and --plot (a .png
// or .svg file) before any training, and reports whether the runs must
// keep their history.
func historyFlags(c *cli.Context) (bool, error) {
	if c.Bool("history") {
		out := c.String("out")
		if out == "" || strings.EqualFold(filepath.Ext(out), ".csv") {
			return false, usagef("train: --history adds the per-epoch history to the JSON report: give --out FILE.json")
		}
	}
	if c.IsSet("plot") {
		if _, err := plotFormat(c.String("plot")); err != nil {
			return false, err
		}
	}
	return c.Bool("history") || c.IsSet("plot"), nil
}

// plotFormat returns "png" or "svg", from path's extension.
func plotFormat(path string) (string, error) {
	switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), ".")); ext {
	case "png", "svg":
		return ext, nil
	}
	return "", usagef("train: --plot=%q: want a .png or .svg file", path)
}

// historyCurve is the mean over runs, epoch by epoch, of one column of
// the history (over the runs that reached the epoch and whose value is
// finite; on a log axis, also > 0).
func historyCurve(runs []train.RunStats, value func(train.EpochStats) float64, positive bool) plotter.XYs {
	var xy plotter.XYs
	for e := 0; ; e++ {
		reached, n := false, 0
		var sum float64
		for _, r := range runs {
			if e >= len(r.History) {
				continue
			}
			reached = true
			v := value(r.History[e])
			if math.IsNaN(v) || math.IsInf(v, 0) || (positive && !(v > 0)) {
				continue
			}
			sum += v
			n++
		}
		if !reached {
			return xy
		}
		if n > 0 {
			xy = append(xy, plotter.XY{X: float64(e), Y: sum / float64(n)})
		}
	}
}

// epochTicks are plot.DefaultTicks labelled without trailing zeros.
type epochTicks struct{}

func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for k := range ts {
		if ts[k].Label != "" {
			ts[k].Label = strconv.FormatFloat(ts[k].Value, 'g', 4, 64)
		}
	}
	return ts
}

// historyPanel is one plot of the history: the training, validation and
// test curves of a column, the legend at the top (falling curves) or the
// bottom (rising ones).
func historyPanel(runs []train.RunStats, title, ylabel string, log, legendTop bool, cols [3]func(train.EpochStats) float64) (*plot.Plot, error) {
	p := plots.New(plots.Labels{Title: title, X: "epoch", Y: ylabel, Width: plots.OneColumn})
	p.Legend.Top = legendTop
	p.X.Tick.Marker, p.Y.Tick.Marker = epochTicks{}, epochTicks{}
	hasVal := false
	for _, r := range runs {
		for _, h := range r.History {
			hasVal = hasVal || h.ValLoss != 0
		}
	}
	any := false
	for k, name := range []string{"train", "validation", "test"} {
		if k == 1 && !hasVal {
			continue
		}
		xy := historyCurve(runs, cols[k], log)
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("train: --plot: %w", err)
		}
		l.LineStyle.Color, l.LineStyle.Width = plots.Colour(k), vg.Points(1.2)
		p.Add(l)
		p.Legend.Add(name, l)
		any = true
	}
	if log && any {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plots.LogTicks{}
	}
	return p, nil
}

// plotHistory draws the history of r's runs to path (.png or .svg): the
// loss (log scale) and the metric against the epoch, training, validation
// and test curves, each the mean over the runs that reached the epoch.
func plotHistory(path string, r train.Summary, dataset, model string, regression bool) error {
	if _, err := plotFormat(path); err != nil {
		return err
	}
	loss := "loss (cross-entropy)"
	if regression {
		loss = "loss (mean squared error)"
	}
	over := fmt.Sprintf("%s %s, mean over %d runs", dataset, model, len(r.Runs))
	if len(r.Runs) == 1 {
		over = fmt.Sprintf("%s %s", dataset, model)
	}
	left, err := historyPanel(r.Runs, over, loss, true, true, [3]func(train.EpochStats) float64{
		func(h train.EpochStats) float64 { return h.TrainLoss },
		func(h train.EpochStats) float64 { return h.ValLoss },
		func(h train.EpochStats) float64 { return h.TestLoss },
	})
	if err != nil {
		return err
	}
	right, err := historyPanel(r.Runs, "", r.Metric.String(), false, regression, [3]func(train.EpochStats) float64{
		func(h train.EpochStats) float64 { return h.TrainMetric },
		func(h train.EpochStats) float64 { return h.ValMetric },
		func(h train.EpochStats) float64 { return h.TestMetric },
	})
	if err != nil {
		return err
	}
	if err := plots.Row(path, []*plot.Plot{left, right}, plots.Labels{Width: plots.TwoColumn}); err != nil {
		return fmt.Errorf("train: --plot: %w", err)
	}
	return nil
}
