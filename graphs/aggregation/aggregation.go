package aggregation

import (
	"fmt"
	"math"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
)

// Norm is the normalisation of an aggregation: how the sum over a node's
// neighbours is scaled (see the package documentation for each formula).
type Norm uint8

// The normalisations.
const (
	// Graphon is (S h)_i = (1/(nρ)) Σ_j A_ij h_j, the normalisation under
	// which a W-random graph's aggregation converges to the integral
	// operator T_W (the one-hidden-layer model's default).
	Graphon Norm = iota
	// Sum is (S h)_i = Σ_j A_ij h_j (GIN).
	Sum
	// Mean is (S h)_i = (1/deg_i) Σ_j A_ij h_j; an isolated node gets 0
	// (GraphSAGE-mean).
	Mean
	// Symmetric is (S h)_i = Σ_j A_ij h_j / sqrt(deg_i deg_j) (GCN); a
	// node of degree 0 neither sends nor receives (PyTorch Geometric's
	// gcn_norm sets deg^−½ to 0 there).
	Symmetric
)

var normNames = [...]string{"graphon", "sum", "mean", "symmetric"}

// String returns "graphon", "sum", "mean" or "symmetric".
func (k Norm) String() string {
	if int(k) < len(normNames) {
		return normNames[k]
	}
	return fmt.Sprintf("Norm(%d)", int(k))
}

// Loops is the self-loop policy of an aggregation: which matrix the
// normalisation is applied to. Degrees are always those of that matrix.
type Loops uint8

// The self-loop policies.
const (
	// NoLoops uses A as it is (a loop already stored in the graph counts).
	NoLoops Loops = iota
	// AddLoops uses A + I: every node gets a unit loop added, even one that
	// has a loop already (Kipf & Welling's literal Â = A + I).
	AddLoops
	// AddMissingLoops adds a unit loop only to the nodes without one and
	// keeps existing loops as they are (PyTorch Geometric's
	// add_remaining_self_loops, the default of its GCNConv).
	AddMissingLoops
)

var loopNames = [...]string{"none", "add", "add-missing"}

// String returns "none", "add" or "add-missing".
func (l Loops) String() string {
	if int(l) < len(loopNames) {
		return loopNames[l]
	}
	return fmt.Sprintf("Loops(%d)", int(l))
}

// Aggregation is one aggregation operator of message passing: a
// normalisation applied to the adjacency matrix under a self-loop policy.
// It is a plain value; its finite realisation on a graph is Operator and its
// realisation on a graphon (the n → ∞ limit) is Integral, both computed by
// the one coefficient rule of this package.
//
// The zero value is the graphon normalisation (1/(nρ)) Σ_j A_ij h_j
// without loops.
type Aggregation struct {
	Norm  Norm
	Loops Loops
}

// The aggregations of the standard layers.
var (
	// GCN is PyTorch Geometric's GCNConv default: symmetric, with a unit
	// loop added where a node has none.
	GCN = Aggregation{Norm: Symmetric, Loops: AddMissingLoops}
	// GCNNoLoops is the GCN of Keriven, Bietti & Vaiter (2020),
	// D^−½ A D^−½ (PyTorch Geometric's add_self_loops=False).
	GCNNoLoops = Aggregation{Norm: Symmetric}
	// SAGE is GraphSAGE's mean over the neighbours.
	SAGE = Aggregation{Norm: Mean}
	// GIN is GIN's plain sum over the neighbours.
	GIN = Aggregation{Norm: Sum}
)

// String returns the name Parse reads: the normalisation alone for NoLoops,
// else the normalisation and the loop policy separated by a colon
// ("symmetric", "symmetric:add", "mean:add-missing", …).
func (a Aggregation) String() string {
	if a.Loops == NoLoops {
		return a.Norm.String()
	}
	return a.Norm.String() + ":" + a.Loops.String()
}

// Validate returns nil for a known normalisation and loop policy, and an
// error wrapping graphs.ErrParameter that names the bad value otherwise.
func (a Aggregation) Validate() error {
	if int(a.Norm) >= len(normNames) {
		return fmt.Errorf("aggregation: norm=%d: %w", int(a.Norm), graphs.ErrParameter)
	}
	if int(a.Loops) >= len(loopNames) {
		return fmt.Errorf("aggregation: loops=%d: %w", int(a.Loops), graphs.ErrParameter)
	}
	return nil
}

// Parse reads an aggregation name: a normalisation (graphon, sum, mean,
// symmetric), optionally followed by a colon and a loop policy (none, add,
// add-missing; see ParseLoops): "symmetric" is D^−½ A D^−½,
// "symmetric:add" uses A + I. "gcn" is symmetric:add-missing, PyTorch
// Geometric's GCNConv. Case and surrounding spaces are ignored. Anything
// else is an error wrapping graphs.ErrParameter that lists the choices.
func Parse(name string) (Aggregation, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	if s == "gcn" {
		return GCN, nil
	}
	base, loops, hasLoops := strings.Cut(s, ":")
	for i, n := range normNames {
		if strings.TrimSpace(base) != n {
			continue
		}
		a := Aggregation{Norm: Norm(i)}
		if hasLoops {
			l, err := ParseLoops(loops)
			if err != nil {
				return Aggregation{}, fmt.Errorf("aggregation: Parse: name=%q: %w", name, err)
			}
			a.Loops = l
		}
		return a, nil
	}
	return Aggregation{}, fmt.Errorf("aggregation: Parse: name=%q not one of graphon, sum, mean, symmetric (each optionally :none, :add or :add-missing) or gcn: %w", name, graphs.ErrParameter)
}

// ParseLoops reads a self-loop policy: "none", "add" or "add-missing" (case
// and surrounding spaces ignored). Anything else is an error wrapping
// graphs.ErrParameter.
func ParseLoops(name string) (Loops, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	for i, n := range loopNames {
		if s == n {
			return Loops(i), nil
		}
	}
	return 0, fmt.Errorf("aggregation: ParseLoops: name=%q not one of none, add, add-missing: %w", name, graphs.ErrParameter)
}

// MarshalText returns String's name.
func (a Aggregation) MarshalText() ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return []byte(a.String()), nil
}

// UnmarshalText reads a name as Parse does.
func (a *Aggregation) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Factors is the one coefficient rule of the package: given the degree deg
// of a node (a weighted row sum of the looped matrix) and the scale nρ, it
// returns the row factor r and the column factor c with S_ij = r_i·Ã_ij·c_j:
// (1/nρ, 1) for Graphon, (1, 1) for Sum, (1/deg, 1) for Mean and
// (deg^−½, deg^−½) for Symmetric, with 0 in place of 1/deg and deg^−½ when
// deg = 0.
//
// Operator uses it with the graph's degrees and nρ = n·ρ; samplers that
// draw one node's neighbourhood without building the graph use it the same
// way. The graphon realisation (Integral) uses the same rule on the kernel
// W with d_W in place of the degree and nρ = 1: on G(n, W, ρ),
// deg_i ≈ nρ d_W(u_i), and every normalisation but Sum is invariant under
// A → A/(nρ), deg → deg/(nρ), so the finite operator tends to the graphon
// one.
func (k Norm) Factors(deg, nrho float64) (r, c float64) {
	switch k {
	case Mean:
		if deg > 0 {
			return 1 / deg, 1
		}
		return 0, 1
	case Symmetric:
		if deg > 0 {
			s := 1 / math.Sqrt(deg)
			return s, s
		}
		return 0, 0
	case Graphon:
		return 1 / nrho, 1
	}
	return 1, 1
}
