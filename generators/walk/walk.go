package walk

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
)

// Options define a walk: its hold and restart probabilities, burn-in,
// thinning and start. The zero value is the simple walk started from its
// stationary law, one sample per step.
type Options struct {
	Hold    float64 // h ∈ [0, 1): probability of staying put at a step (the lazy walk)
	Restart float64 // r ∈ [0, 1]: probability of a jump to a uniform position at a step
	BurnIn  int     // walk steps between the start and the first sample, ≥ 0
	Thin    int     // walk steps between consecutive samples; 0 means 1
	Uniform bool    // start at a uniform position instead of a draw from the stationary law
}

// maxSteps bounds BurnIn and Thin.
const maxSteps = 1 << 30

// Validate checks the options. Errors (graphs.ErrParameter): h outside
// [0, 1), r outside [0, 1], BurnIn or Thin negative or above 2^30.
func (o Options) Validate() error {
	if !(o.Hold >= 0 && o.Hold < 1) {
		return fmt.Errorf("walk: Options: hold=%v not in [0,1): %w", o.Hold, graphs.ErrParameter)
	}
	if !(o.Restart >= 0 && o.Restart <= 1) {
		return fmt.Errorf("walk: Options: restart=%v not in [0,1]: %w", o.Restart, graphs.ErrParameter)
	}
	if o.BurnIn < 0 || o.BurnIn > maxSteps || o.Thin < 0 || o.Thin > maxSteps {
		return fmt.Errorf("walk: Options: burn-in=%d, thin=%d not in [0, 2^30]: %w", o.BurnIn, o.Thin, graphs.ErrParameter)
	}
	return nil
}

// thin returns the steps between samples, at least 1.
func (o Options) thin() int { return max(o.Thin, 1) }

// String writes the options in the form ParseOptions reads.
func (o Options) String() string {
	s := fmt.Sprintf("h=%v,r=%v", o.Hold, o.Restart)
	if o.BurnIn > 0 {
		s += fmt.Sprintf(",burn=%d", o.BurnIn)
	}
	if o.Thin > 1 {
		s += fmt.Sprintf(",thin=%d", o.Thin)
	}
	if o.Uniform {
		s += ",start=uniform"
	}
	return s
}

// Lazy returns the transition of one sample, a row-stochastic matrix on a
// state space of size len(uniform): Thin steps of
// P_{h,r} = r 1 Uᵀ + (1 − r)(h I + (1 − h) P) (row-major, size s×s), from
// the simple walk p (row-major s×s) and the restart law uniform. It
// allocates the result.
func (o Options) Lazy(p, uniform []float64) []float64 {
	s := len(uniform)
	step := make([]float64, s*s)
	for i := range s {
		for j := range s {
			v := (1 - o.Restart) * (1 - o.Hold) * p[i*s+j]
			if i == j {
				v += (1 - o.Restart) * o.Hold
			}
			step[i*s+j] = v + o.Restart*uniform[j]
		}
	}
	out := step
	for range o.thin() - 1 {
		next := make([]float64, s*s)
		for i := range s {
			for k := range s {
				a := out[i*s+k]
				if a == 0 {
					continue
				}
				for j := range s {
					next[i*s+j] += a * step[k*s+j]
				}
			}
		}
		out = next
	}
	return out
}

// position is the state of a walk: started or not, and where it is (a node
// id in bits, or the bits of a latent).
type position struct {
	started bool
	at      uint64
}

// stateVersion is the first byte of a walk's encoded state, followed by a
// kind byte, a started byte and the 8 bytes of the position.
const stateVersion = 1

func (p position) appendState(dst []byte, kind byte) []byte {
	dst = append(dst, stateVersion, kind, 0)
	if p.started {
		dst[len(dst)-1] = 1
	}
	return binary.LittleEndian.AppendUint64(dst, p.at)
}

func readState(fn string, b []byte, kind byte) (position, error) {
	if len(b) != 11 || b[0] != stateVersion || b[1] != kind || b[2] > 1 {
		return position{}, fmt.Errorf("walk: %s: not a state of this sampler (%d bytes): %w", fn, len(b), graphs.ErrFormat)
	}
	return position{started: b[2] == 1, at: binary.LittleEndian.Uint64(b[3:])}, nil
}

// geometric returns G with P(G = j) = r(1 − r)^j, j ≥ 0 (r in (0, 1]),
// capped at 2^30.
func geometric(rng *rand.Rand, r float64) int {
	if r >= 1 {
		return 0
	}
	g := math.Floor(rng.ExpFloat64() / -math.Log1p(-r))
	return int(math.Min(g, maxSteps))
}

// ParseOptions reads the options from their text form, comma-separated
// key=value pairs in any order: h (hold), r (restart), burn (burn-in),
// thin, and start=uniform or start=stationary; "" is the zero value. It is
// the inverse of Options.String. Errors (graphs.ErrParameter): an unknown
// key, a value that does not parse, options that do not validate.
func ParseOptions(s string) (Options, error) {
	var o Options
	if strings.TrimSpace(s) == "" {
		return o, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return Options{}, fmt.Errorf("walk: ParseOptions: %q is not key=value: %w", kv, graphs.ErrParameter)
		}
		var err error
		switch k {
		case "h", "hold":
			o.Hold, err = strconv.ParseFloat(v, 64)
		case "r", "restart":
			o.Restart, err = strconv.ParseFloat(v, 64)
		case "burn":
			o.BurnIn, err = strconv.Atoi(v)
		case "thin":
			o.Thin, err = strconv.Atoi(v)
		case "start":
			switch v {
			case "uniform":
				o.Uniform = true
			case "stationary":
				o.Uniform = false
			default:
				err = fmt.Errorf("start=%q not uniform or stationary", v)
			}
		default:
			return Options{}, fmt.Errorf("walk: ParseOptions: unknown key %q (h, r, burn, thin, start): %w", k, graphs.ErrParameter)
		}
		if err != nil {
			return Options{}, fmt.Errorf("walk: ParseOptions: %s: %v: %w", kv, err, graphs.ErrParameter)
		}
	}
	if err := o.Validate(); err != nil {
		return Options{}, err
	}
	return o, nil
}
