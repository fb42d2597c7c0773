package features_test

import (
	"fmt"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/limits/features"
)

// The tangent kernel of two units of σ the identity on two points, and how
// far it moved when the second unit's a grew.
func ExampleMovement() {
	phi := []float64{1, 0, 0, 1} // φ_1 = (1, 0), φ_2 = (0, 1)
	omega := []float64{0.5, 0.5}
	theta0 := []float64{1, 1, 0, -1, 0, 1} // (c, a) = (1, (1, 0)), (−1, (0, 1))
	theta := []float64{1, 1, 0, -1, 0, 2}
	k0, _ := features.Kernel(activation.Identity, theta0, phi, 2)
	k, _ := features.Kernel(activation.Identity, theta, phi, 2)
	mv, _ := features.Movement(k, k0, omega)
	tr, _ := features.Travel(theta0, theta, 2)
	fmt.Println(k0, k)
	fmt.Printf("movement %.3f, travel %.2f\n", mv, tr)
	// Output:
	// [1.5 0 0 1.5] [1.5 0 0 3]
	// movement 0.707, travel 0.50
}
