package limits

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
)

// Kind is one of the limits a finite network is measured against. Its text
// form, used by the CLI, the sweep files and the CSV columns, is "graphon",
// "meanfield", "kernel" or "gamma". The zero Kind is none of them.
type Kind int

// The limits.
const (
	GraphonLimit   Kind = iota + 1 // "graphon": n → ∞ at fixed N
	MeanFieldLimit                 // "meanfield": γ = 1, N → ∞
	KernelLimit                    // "kernel": γ < 1, N → ∞ (the NTK flow)
	GammaLimit                     // "gamma": the ε-flow at ε = N^{γ−1}, any γ ∈ [½, 1]
)

var kindNames = [...]string{GraphonLimit: "graphon", MeanFieldLimit: "meanfield", KernelLimit: "kernel", GammaLimit: "gamma"}

// Kinds returns the limits in their fixed order: graphon, mean-field,
// kernel, gamma (a new slice each call).
func Kinds() []Kind { return []Kind{GraphonLimit, MeanFieldLimit, KernelLimit, GammaLimit} }

func (k Kind) valid() bool { return k >= GraphonLimit && k <= GammaLimit }

// String returns "graphon", "meanfield", "kernel" or "gamma", or "Kind(k)"
// for a value that is none of them.
func (k Kind) String() string {
	if !k.valid() {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// ParseKind returns the limit named s, exactly as String prints it. Any
// other name gives an error wrapping graphs.ErrParameter that quotes it.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("limits: ParseKind: limit=%q not one of %v: %w", s, Kinds(), graphs.ErrParameter)
}

// MarshalText returns the name of k; a value that is not a limit is an
// error (graphs.ErrParameter).
func (k Kind) MarshalText() ([]byte, error) {
	if !k.valid() {
		return nil, fmt.Errorf("limits: Kind.MarshalText: %v: %w", k, graphs.ErrParameter)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText sets k from its name, as ParseKind.
func (k *Kind) UnmarshalText(text []byte) error {
	v, err := ParseKind(string(text))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
