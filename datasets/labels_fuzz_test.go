package datasets

import (
	"bytes"
	"math"
	"testing"
)

func FuzzReadNodeLabels(f *testing.F) {
	quickMinimize()
	for k, s := range []string{"0 1\n2 0\n", "# c\r\n1\t3\r\n", "0 0\n0 0\n", "5 1\n", "0 -1\n", "0 1 2\n", "\n%\n"} {
		seed(f, k, []byte(s), uint8(4))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		var y []int32
		var err error
		capAlloc(t, len(data), func() { y, err = parseNodeLabels(bytes.NewReader(data), "l", int(n)) })
		checkErr(t, err)
		if err != nil {
			if y != nil {
				t.Fatal("labels together with an error")
			}
			return
		}
		if len(y) != int(n) {
			t.Fatalf("%d labels for n=%d", len(y), n)
		}
		for i, c := range y {
			if c < -1 || int(c) >= int(n) {
				t.Fatalf("y[%d]=%d outside [-1,%d)", i, c, n)
			}
		}
	})
}

func FuzzReadNodeFeatures(f *testing.F) {
	quickMinimize()
	defer smallDense()()
	for k, s := range []string{"0 1.5 2\n1 -3 4e2\n", "1 1\r\n0 2\r\n", "0 1\n", "0 1 2\n1 2\n", "0 nan\n1 1\n", "0\n", "# c\n1 0\n0 0\n"} {
		seed(f, k, []byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		var X []float64
		var d int
		var err error
		capAlloc(t, len(data), func() { X, d, err = parseNodeFeatures(bytes.NewReader(data), "x", int(n), int64(len(data))) })
		checkErr(t, err)
		if err != nil {
			if X != nil {
				t.Fatal("features together with an error")
			}
			return
		}
		if len(X) != int(n)*d || (n > 0 && d < 1) {
			t.Fatalf("len(X)=%d d=%d for n=%d", len(X), d, n)
		}
		for _, v := range X {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite feature %v", v)
			}
		}
	})
}
