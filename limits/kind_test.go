package limits

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestKindText: String, ParseKind and the text methods agree for every
// limit and keep today's names; unknown names and values are refused with
// graphs.ErrParameter and named; JSON and YAML carry the names.
func TestKindText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Kind
		err  string // substring of the error; "" for none
	}{
		{"graphon", "graphon", GraphonLimit, ""},
		{"meanfield", "meanfield", MeanFieldLimit, ""},
		{"kernel", "kernel", KernelLimit, ""},
		{"gamma", "gamma", GammaLimit, ""},
		{"unknown", "ntk", 0, `limit="ntk"`},
		{"case kept", "Kernel", 0, `limit="Kernel"`},
		{"spaces kept", " graphon", 0, `limit=" graphon"`},
		{"empty", "", 0, `limit=""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKind(tt.text)
			var k Kind
			uerr := k.UnmarshalText([]byte(tt.text))
			if tt.err != "" {
				for _, e := range []error{err, uerr} {
					if !errors.Is(e, graphs.ErrParameter) || !strings.Contains(e.Error(), tt.err) {
						t.Errorf("error %v: want ErrParameter naming %s", e, tt.err)
					}
				}
				return
			}
			if err != nil || uerr != nil || got != tt.want || k != tt.want {
				t.Fatalf("ParseKind(%q) = %v, %v; UnmarshalText: %v, %v", tt.text, got, err, k, uerr)
			}
			if got.String() != tt.text {
				t.Errorf("String = %q, want %q", got.String(), tt.text)
			}
			text, err := got.MarshalText()
			if err != nil || string(text) != tt.text {
				t.Errorf("MarshalText = %q, %v", text, err)
			}
		})
	}
	for _, k := range []Kind{0, 5, -1} {
		if _, err := k.MarshalText(); !errors.Is(err, graphs.ErrParameter) || !strings.Contains(err.Error(), k.String()) {
			t.Errorf("MarshalText of %d: %v", int(k), err)
		}
	}
	all := Kinds()
	all[0] = KernelLimit
	if Kinds()[0] != GraphonLimit || len(Kinds()) != 4 {
		t.Errorf("Kinds() = %v: not a fresh slice in the fixed order", Kinds())
	}
	data, err := json.Marshal([]Kind{KernelLimit, GraphonLimit})
	if err != nil || string(data) != `["kernel","graphon"]` {
		t.Errorf("JSON %s %v", data, err)
	}
	var ks []Kind
	if err := yaml.Unmarshal([]byte("[meanfield, kernel]"), &ks); err != nil || len(ks) != 2 || ks[0] != MeanFieldLimit || ks[1] != KernelLimit {
		t.Errorf("YAML: %v %v", ks, err)
	}
	if err := json.Unmarshal([]byte(`["graphon", 1]`), &ks); err == nil {
		t.Errorf("JSON number as a limit: no error")
	}
}
