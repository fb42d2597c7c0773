package activation_test

import (
	"fmt"

	"github.com/gnnwb/gnnwb/gnn/activation"
)

func ExampleParse() {
	k, err := activation.Parse("tanh")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k, k.Eval(0), k.Deriv(0))
	_, err = activation.Parse("softplus")
	fmt.Println(err)
	// Output:
	// tanh 0 1
	// activation: Parse: name="softplus" not one of [identity tanh relu sigmoid erf elu]: invalid parameter
}

func ExampleKind_EvalDeriv() {
	for _, k := range []activation.Kind{activation.ReLU, activation.ELU} {
		s, ds := k.EvalDeriv(-1)
		fmt.Printf("%v(-1) = %.4f, σ' = %.4f\n", k, s, ds)
	}
	// Output:
	// relu(-1) = 0.0000, σ' = 0.0000
	// elu(-1) = -0.6321, σ' = 0.3679
}
