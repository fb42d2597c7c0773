package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/limits/sweep"
)

func limitsReportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write DIR/report.html: one self-contained page with a sweep's problem, solver self-checks, fits and figures",
		UsageText: "gnnwb limits report DIR",
		ArgsUsage: "DIR",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("limits report: want exactly one sweep DIR, got %d arguments", c.NArg())
			}
			path, err := sweep.Report(c.Args().First())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(c.App.Writer, path)
			return err
		},
	}
}
