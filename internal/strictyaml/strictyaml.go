// Package strictyaml decodes configuration files, YAML or JSON (YAML is a
// superset of JSON), refusing keys the target does not have.
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// Decode decodes r into v with unknown keys refused; an empty (or blank)
// input leaves v unchanged. An error that wraps one of keep (a value's own
// parser, run by its UnmarshalText or UnmarshalYAML) is returned as it is;
// any other error of the decoder (syntax, unknown key, wrong type: the
// message carries the line) is returned wrapping format. Errors of reading
// r are returned as they are.
func Decode(r io.Reader, v any, format error, keep ...error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		for _, k := range keep {
			if errors.Is(err, k) {
				return err
			}
		}
		return fmt.Errorf("%v: %w", err, format)
	}
	return nil
}
