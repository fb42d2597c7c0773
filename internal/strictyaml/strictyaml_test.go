package strictyaml

import (
	"errors"
	"strings"
	"testing"
)

var (
	errFormat = errors.New("format")
	errValue  = errors.New("value")
)

type level int

func (l *level) UnmarshalText(b []byte) error {
	if string(b) != "high" {
		return errValue
	}
	*l = 1
	return nil
}

type config struct {
	Name  string `yaml:"name"`
	Level level  `yaml:"level"`
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     config
		err      error
	}{
		{"yaml", "name: a\nlevel: high\n", config{Name: "a", Level: 1}, nil},
		{"json", `{"name": "b"}`, config{Name: "b"}, nil},
		{"empty keeps v", "  \n", config{Name: "keep"}, nil},
		{"unknown key", "name: a\ncolour: red\n", config{}, errFormat},
		{"syntax", "name: [a\n", config{}, errFormat},
		{"value parser", "level: low\n", config{}, errValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := config{Name: "keep"}
			err := Decode(strings.NewReader(tc.in), &got, errFormat, errValue)
			if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.err == nil && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if tc.err == errFormat && !strings.Contains(err.Error(), "line") {
				t.Errorf("error %q names no line", err)
			}
		})
	}
}
