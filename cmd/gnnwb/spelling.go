package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// Renamed flags. A concept has one flag name in every command (--nodes,
// --width, --runs, --seed, --quadrature, --formats); a flag renamed to it
// keeps its old spelling as a hidden flag of the same type, made by
// oldSpelling, that reads as the new one: giving the old spelling is
// giving the new name (useNewSpellings), giving both is a usage error, and
// messages name the flag as it was typed (typedSpelling). The renames are
// listed in the README ("Flags renamed").

// deprecatedUsage starts the usage of an old spelling, followed by the new
// name: the mark by which newSpelling knows one.
const deprecatedUsage = "deprecated spelling of --"

// withOldSpellings returns f followed by a hidden old spelling of it for
// each name of olds.
func withOldSpellings(f cli.Flag, olds ...string) []cli.Flag {
	fs := []cli.Flag{f}
	for _, old := range olds {
		fs = append(fs, oldSpelling(f, old))
	}
	return fs
}

// oldSpelling returns a hidden flag named old of f's type and default
// that is read as f (see useNewSpellings).
func oldSpelling(f cli.Flag, old string) cli.Flag {
	usage := deprecatedUsage + f.Names()[0]
	switch f := f.(type) {
	case *cli.IntFlag:
		return &cli.IntFlag{Name: old, Value: f.Value, Hidden: true, Usage: usage}
	case *cli.StringFlag:
		return &cli.StringFlag{Name: old, Value: f.Value, Hidden: true, Usage: usage}
	case *cli.Float64Flag:
		return &cli.Float64Flag{Name: old, Value: f.Value, Hidden: true, Usage: usage}
	case *cli.Uint64Flag:
		return &cli.Uint64Flag{Name: old, Value: f.Value, Hidden: true, Usage: usage}
	}
	panic(fmt.Sprintf("oldSpelling: flag --%s of type %T", f.Names()[0], f))
}

// newSpelling returns the name of the flag of cmd that f is an old
// spelling of, if it is one. An old spelling whose new name cmd lacks or
// hides, as the online flags train refuses (--n, --eval-points), is not:
// it is refused as the flag it was.
func newSpelling(cmd *cli.Command, f cli.Flag) (string, bool) {
	d, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return "", false
	}
	name, ok := strings.CutPrefix(d.GetUsage(), deprecatedUsage)
	if !ok {
		return "", false
	}
	for _, g := range cmd.Flags {
		if g.Names()[0] == name {
			v, ok := g.(cli.VisibleFlag)
			return name, !ok || v.IsVisible()
		}
	}
	return "", false
}

// useNewSpellings gives each flag of c's command that was set by its old
// spelling the old spelling's value, so that the command reads the new
// name only, and returns the old spellings given, by new name. Both
// spellings of one flag is a usage error.
func useNewSpellings(c *cli.Context) (map[string]string, error) {
	typed := map[string]string{}
	for _, f := range c.Command.Flags {
		old := f.Names()[0]
		name, ok := newSpelling(c.Command, f)
		if !ok || !c.IsSet(old) {
			continue
		}
		if c.IsSet(name) {
			return nil, usagef("%s: give --%s (or its old spelling --%s), not both", commandPath(c), name, old)
		}
		if err := c.Set(name, fmt.Sprint(c.Value(old))); err != nil {
			return nil, usagef("%s: --%s: %v", commandPath(c), old, err)
		}
		typed[name] = old
	}
	return typed, nil
}

// typedSpelling makes err name each flag of typed (new name → old
// spelling) as the user typed it: --old for --new, as a whole flag name.
func typedSpelling(typed map[string]string, err error) error {
	if err == nil || len(typed) == 0 {
		return err
	}
	msg := err.Error()
	for name, old := range typed {
		re := regexp.MustCompile(`--` + regexp.QuoteMeta(name) + `([^A-Za-z0-9_-]|$)`)
		msg = re.ReplaceAllString(msg, "--"+old+"$1")
	}
	if msg == err.Error() {
		return err
	}
	return namedError{msg, err}
}

// firstSeedFlag is --seed S of the limits commands that train --runs R
// networks: the seeds S..S+R−1.
func firstSeedFlag() cli.Flag {
	return &cli.Uint64Flag{Name: "seed", Value: 1, Usage: "first seed S: the R runs use seeds S..S+R−1"}
}

// firstSeed returns the library's FirstSeed of --seed: 0 for 1 (its
// default, which the outputs do not record), and refuses 0.
func firstSeed(c *cli.Context) (uint64, error) {
	switch s := c.Uint64("seed"); s {
	case 0:
		return 0, usagef("%s: --seed=0: the first seed is at least 1", commandPath(c))
	case 1:
		return 0, nil
	default:
		return s, nil
	}
}

// isOldSpelling reports whether f is an old spelling of a flag of cmd.
func isOldSpelling(cmd *cli.Command, f cli.Flag) bool {
	_, ok := newSpelling(cmd, f)
	return ok
}
