package gnn

import (
	"errors"
	"math"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func sqrt(x float64) float64 { return math.Sqrt(x) }
