package fluctuation

import (
	"fmt"
	"math"
)

// kernelGram is the long-run covariance Hᵀ K H of the per-sample
// increments, H the rows h_k = (y_k − b·φ_k) φ_k on the grid (walk.go's
// longRun), kept as a quadratic form in b so that the kernel K is applied
// once, not at every step of the Lyapunov equation: with the functions
// F_{0i} = y φ_i and F_{ji} = φ_j φ_i on the grid, H = F_0 − Σ_j b_j F_j,
// and with β = (1, −b),
//
//	(Hᵀ K H)_{ik} = Σ_{a,c} β_a β_c F_{ai}ᵀ K F_{ck}.
//
// The p + p(p+1)/2 distinct functions are passed to the kernel operator
// (the Poisson series on a graph, longrun.Sparse) in blocks, and their
// Gram matrix under K is stored: O(p⁴) per step, nothing of size P².
type kernelGram struct {
	p   int
	idx []int     // idx[a*p+i]: the column of F_{ai} among the distinct functions
	m   int       // distinct functions
	g   []float64 // m×m, Uᵀ K U (symmetrised)
	// relErr is the largest relative error the kernel operator reported.
	relErr float64
}

// gramBlock bounds the functions handed to the kernel operator at once
// (its scratch is a few P×gramBlock blocks).
const gramBlock = 32

// newKernelGram applies kop to the functions of the grid (phi: P×p
// row-major, y: P) and returns their Gram matrix under the kernel.
func newKernelGram(phi, y []float64, p int, kop func(dst, src []float64, m int) (float64, error)) (*kernelGram, error) {
	np := len(y)
	kg := &kernelGram{p: p, idx: make([]int, (p+1)*p)}
	// distinct functions: y φ_i (i < p), then φ_j φ_i (j ≤ i).
	for i := range p {
		kg.idx[i] = i
	}
	m := p
	for i := range p {
		for j := 0; j <= i; j++ {
			kg.idx[(j+1)*p+i], kg.idx[(i+1)*p+j] = m, m
			m++
		}
	}
	kg.m = m
	fn := func(col, x int) float64 { // U[x, col]
		f := phi[x*p : (x+1)*p]
		if col < p {
			return y[x] * f[col]
		}
		for i := range p { // col = p + i(i+1)/2 + j
			if base := p + i*(i+1)/2; col < base+i+1 {
				return f[i] * f[col-base]
			}
		}
		return 0
	}
	u := make([]float64, np*m)
	for x := range np {
		for c := range m {
			u[x*m+c] = fn(c, x)
		}
	}
	ku := make([]float64, np*m)
	for c0 := 0; c0 < m; c0 += gramBlock {
		w := min(gramBlock, m-c0)
		src, dst := make([]float64, np*w), make([]float64, np*w)
		for x := range np {
			copy(src[x*w:(x+1)*w], u[x*m+c0:x*m+c0+w])
		}
		e, err := kop(dst, src, w)
		if err != nil {
			return nil, fmt.Errorf("fluctuation: the long-run kernel: %w", err)
		}
		kg.relErr = math.Max(kg.relErr, e)
		for x := range np {
			copy(ku[x*m+c0:x*m+c0+w], dst[x*w:(x+1)*w])
		}
	}
	g := make([]float64, m*m)
	for x := range np {
		ux, kx := u[x*m:(x+1)*m], ku[x*m:(x+1)*m]
		for a, ua := range ux {
			if ua == 0 {
				continue
			}
			row := g[a*m : (a+1)*m]
			for c, v := range kx {
				row[c] += ua * v
			}
		}
	}
	for a := range m {
		for c := a + 1; c < m; c++ {
			v := (g[a*m+c] + g[c*m+a]) / 2
			g[a*m+c], g[c*m+a] = v, v
		}
	}
	kg.g = g
	return kg, nil
}

// quad writes Hᵀ K H (p×p) at b into dst.
func (kg *kernelGram) quad(dst, b []float64) {
	p, m := kg.p, kg.m
	beta := make([]float64, p+1)
	beta[0] = 1
	for j, v := range b {
		beta[j+1] = -v
	}
	for i := range p {
		for k := i; k < p; k++ {
			s := 0.0
			for a, ba := range beta {
				row := kg.g[kg.idx[a*p+i]*m:]
				t := 0.0
				for c, bc := range beta {
					t += bc * row[kg.idx[c*p+k]]
				}
				s += ba * t
			}
			dst[i*p+k], dst[k*p+i] = s, s
		}
	}
}
