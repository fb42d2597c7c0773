package gnn

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/internal/inputfile"
)

// ModelFileVersion is the version of the model files Save writes; Load
// reads this version only.
const ModelFileVersion = 1

// modelMagic starts every model file.
const modelMagic = "gnnwb model\n"

// Trained is a trained model with what applying it to new data needs: the
// feature preprocessing it was trained with, the names of its classes and
// free provenance. Save writes it to one versioned, checksummed file; Load
// reads it back to a Trained whose Predict gives the same bits.
type Trained struct {
	Model *Model
	// Regression: the outputs are real values (mean squared error), not
	// class scores.
	Regression bool
	// NormalizeRows divides every feature row by its sum (RowNormalize)
	// before the model, as in training.
	NormalizeRows bool
	// Classes names the outputs of a classifier: Classes[c] is the label
	// of output c; nil means "0", "1", ….
	Classes []string
	// Info is free provenance kept with the model (dataset, features,
	// command line), key → value.
	Info map[string]string
}

// modelFile is the gob payload of a model file.
type modelFile struct {
	Kind            string
	GraphLevel      bool
	In, Hidden, Out int
	Options         ModelOptions
	ParamNames      []string
	Params          [][]float64
	Regression      bool
	NormalizeRows   bool
	Classes         []string
	Info            map[string]string
}

// Encode writes t in the model file format: the line "gnnwb model", the
// version (uint32, little-endian), the payload's length (uint64) and the
// payload (encoding/gob: architecture, options, every parameter and buffer
// by name, normalisation, classes, info), then the SHA-256 of all that
// precedes it. The error is w's, wrapped, or ErrParameter for a Trained
// without a model or with Classes of another length than the outputs.
func (t *Trained) Encode(w io.Writer) error {
	if t.Model == nil {
		return fmt.Errorf("gnn: Trained.Encode: no model: %w", graphs.ErrParameter)
	}
	m := t.Model
	if t.Classes != nil && len(t.Classes) != m.Out {
		return fmt.Errorf("gnn: Trained.Encode: %d class names for %d outputs: %w", len(t.Classes), m.Out, graphs.ErrParameter)
	}
	f := modelFile{Kind: m.Kind, GraphLevel: m.graphLevel, In: m.In, Hidden: m.Hidden, Out: m.Out, Options: m.Options,
		Regression: t.Regression, NormalizeRows: t.NormalizeRows, Classes: t.Classes, Info: t.Info}
	for _, p := range m.Params() {
		f.ParamNames = append(f.ParamNames, p.Name)
		f.Params = append(f.Params, p.Value)
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(&f); err != nil {
		return fmt.Errorf("gnn: Trained.Encode: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(modelMagic)
	binary.Write(&buf, binary.LittleEndian, uint32(ModelFileVersion))
	binary.Write(&buf, binary.LittleEndian, uint64(payload.Len()))
	buf.Write(payload.Bytes())
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("gnn: Trained.Encode: %w", err)
	}
	return nil
}

// Save writes t to path (Encode's format), atomically: readers see the old
// file or the complete new one.
func (t *Trained) Save(path string) error {
	return atomicfile.Write(path, t.Encode)
}

// Load reads the model file at path (see Decode).
func Load(path string) (*Trained, error) {
	data, err := inputfile.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("gnn: Load: %w", err)
	}
	return Decode(bytes.NewReader(data), path)
}

// Decode reads a model file written by Encode from r; name is used in
// errors. It refuses, with a *graphs.ParseError naming the file, anything
// but a model file (ErrFormat), another version (ErrUnsupported), a file
// whose checksum does not match (corrupt or truncated: ErrFormat), and a
// payload that does not rebuild the model it describes (ErrFormat). The
// model is rebuilt with NewModel or NewGraphModel and its parameters set,
// so it predicts exactly as the model that was saved.
func Decode(r io.Reader, name string) (*Trained, error) {
	fail := func(kind error, format string, args ...any) (*Trained, error) {
		return nil, &graphs.ParseError{Path: name, Err: fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), kind)}
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &graphs.ParseError{Path: name, Err: err}
	}
	head := len(modelMagic) + 4 + 8
	if len(data) < len(modelMagic) || string(data[:len(modelMagic)]) != modelMagic {
		return fail(graphs.ErrFormat, "not a gnnwb model file (it does not start with %q)", modelMagic[:len(modelMagic)-1])
	}
	if len(data) < head {
		return fail(graphs.ErrFormat, "truncated model file (%d bytes)", len(data))
	}
	version := binary.LittleEndian.Uint32(data[len(modelMagic):])
	if version != ModelFileVersion {
		return fail(graphs.ErrUnsupported, "model file version %d; this gnnwb reads version %d", version, ModelFileVersion)
	}
	size := binary.LittleEndian.Uint64(data[len(modelMagic)+4:])
	if size != uint64(len(data)-head-sha256.Size) || len(data) < head+sha256.Size {
		return fail(graphs.ErrFormat, "corrupt or truncated model file: %d bytes, the header announces %d", len(data), uint64(head)+size+sha256.Size)
	}
	body := data[:len(data)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], data[len(body):]) {
		return fail(graphs.ErrFormat, "corrupt model file: SHA-256 checksum mismatch")
	}
	var f modelFile
	if err := gob.NewDecoder(bytes.NewReader(body[head:])).Decode(&f); err != nil {
		return fail(graphs.ErrFormat, "model file payload: %v", err)
	}
	m, err := newModel(f.Kind, f.In, f.Hidden, f.Out, f.Options, f.GraphLevel)
	if err != nil {
		return fail(graphs.ErrFormat, "model file architecture: %v", err)
	}
	ps := m.Params()
	if len(ps) != len(f.Params) || len(f.ParamNames) != len(f.Params) {
		return fail(graphs.ErrFormat, "model file has %d parameters, the %s model %d", len(f.Params), f.Kind, len(ps))
	}
	for k, p := range ps {
		if f.ParamNames[k] != p.Name || len(f.Params[k]) != len(p.Value) {
			return fail(graphs.ErrFormat, "model file parameter %d is %s of %d values, the model's %s has %d", k, f.ParamNames[k], len(f.Params[k]), p.Name, len(p.Value))
		}
		copy(p.Value, f.Params[k])
	}
	if f.Classes != nil && len(f.Classes) != f.Out {
		return fail(graphs.ErrFormat, "model file names %d classes for %d outputs", len(f.Classes), f.Out)
	}
	return &Trained{Model: m, Regression: f.Regression, NormalizeRows: f.NormalizeRows, Classes: f.Classes, Info: f.Info}, nil
}

// Prediction is the output of Trained.Predict for Rows nodes (a node
// model) or graphs (a graph model).
type Prediction struct {
	Rows, Out int
	// Outputs are the model's outputs, Rows×Out row-major: the logits of a
	// classifier, the predicted values of a regression.
	Outputs []float64
	// Probs are the class probabilities softmax(Outputs) by row (nil in
	// regression).
	Probs []float64
	// Class is the predicted class of every row: the first arg-max of its
	// outputs (nil in regression).
	Class []int
	// Embeddings are the last hidden layer, Rows×Dim: the input of the
	// model's last layer (for a node model the node representations
	// before the last message-passing layer; for a graph model with the
	// MLP head the hidden layer before the final Linear; for the
	// jumping-knowledge head the pooled last layer).
	Embeddings []float64
	Dim        int
}

// Predict applies t to the features x (as given to training, before
// normalisation: Predict applies NormalizeRows itself) of the graph or
// graphs of b, in evaluation mode (dropout off). It is deterministic: the
// same Trained (or the one Load reads back) gives the same bits. Errors as
// Model.Forward, and graphs.ErrShape when x does not have In columns.
func (t *Trained) Predict(b *Batch, x Features) (Prediction, error) {
	m := t.Model
	n := b.NumNodes()
	d, err := x.Cols(n)
	if err != nil {
		return Prediction{}, fmt.Errorf("gnn: Trained.Predict: %w", err)
	}
	if d != m.In {
		return Prediction{}, fmt.Errorf("gnn: Trained.Predict: features have %d columns, the model takes %d: %w", d, m.In, graphs.ErrShape)
	}
	if t.NormalizeRows {
		if x.Sparse != nil {
			x = Features{Sparse: x.Sparse.RowNormalized()}
		} else if x.Dense, err = RowNormalize(x.Dense, d); err != nil {
			return Prediction{}, err
		}
	}
	feat, err := m.Input(x, n, 0)
	if err != nil {
		return Prediction{}, err
	}
	out, err := m.Predict(b, feat)
	if err != nil {
		return Prediction{}, err
	}
	p := Prediction{Out: m.Out, Outputs: out}
	p.Rows = len(out) / m.Out
	p.Embeddings, p.Dim, err = m.lastHidden(feat, n)
	if err != nil {
		return Prediction{}, err
	}
	if !t.Regression {
		p.Probs = make([]float64, len(out))
		p.Class = make([]int, p.Rows)
		for i := range p.Rows {
			z, q := out[i*m.Out:(i+1)*m.Out], p.Probs[i*m.Out:(i+1)*m.Out]
			best := 0
			for c, v := range z {
				if v > z[best] {
					best = c
				}
			}
			s := 0.0
			for c, v := range z {
				q[c] = math.Exp(v - z[best])
				s += q[c]
			}
			for c := range q {
				q[c] /= s
			}
			p.Class[i] = best
		}
	}
	return p, nil
}

// lastHidden returns a copy of the input of the model's last layer after a
// forward pass on feat (n rows), and its width.
func (m *Model) lastHidden(feat Features, n int) ([]float64, int, error) {
	s := m.Net
	K := len(s.Modules)
	if j, ok := s.Modules[K-1].(*JumpSum); ok && K == 1 {
		L := len(j.Layers)
		return append([]float64(nil), j.pooled[L]...), j.width(L), nil
	}
	if K >= 2 && K-2 >= s.start && len(s.outs) == K {
		return append([]float64(nil), s.outs[K-2]...), s.cols[K-2], nil
	}
	// The last layer read the input itself.
	if feat.Sparse != nil {
		d, err := feat.Sparse.Dense()
		return d, m.In, err
	}
	return append([]float64(nil), feat.Dense...), m.In, nil
}

// ClassNames returns the names of t's outputs: Classes, or "0", "1", ….
func (t *Trained) ClassNames() []string {
	if t.Classes != nil {
		return t.Classes
	}
	names := make([]string, t.Model.Out)
	for c := range names {
		names[c] = strconv.Itoa(c)
	}
	return names
}

// WriteCSV writes p as a tidy CSV table, one row per node or graph: the
// column id (ids[i], or i when ids is nil), then for a classifier one
// column prob_<class> per class (names from classes, nil: 0, 1, …) and
// the column class, the predicted class's name; for a regression one
// column value_<k> per output. Numbers are strconv's shortest 'g' form
// that reads back to the same float64. The error is w's, wrapped, or
// ErrShape when ids or classes have the wrong length.
func (p Prediction) WriteCSV(w io.Writer, ids, classes []string) error {
	if err := p.checkNames("WriteCSV", ids, classes); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := []string{"id"}
	if p.Probs != nil {
		for c := range p.Out {
			header = append(header, "prob_"+name(classes, c))
		}
		header = append(header, "class")
	} else {
		for k := range p.Out {
			header = append(header, "value_"+strconv.Itoa(k))
		}
	}
	cw.Write(header)
	row := make([]string, len(header))
	for i := range p.Rows {
		row = row[:0]
		row = append(row, name(ids, i))
		vals := p.Outputs
		if p.Probs != nil {
			vals = p.Probs
		}
		for _, v := range vals[i*p.Out : (i+1)*p.Out] {
			row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
		}
		if p.Probs != nil {
			row = append(row, name(classes, p.Class[i]))
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("gnn: Prediction.WriteCSV: %w", err)
	}
	return nil
}

// WriteEmbeddingsCSV writes the embeddings as a CSV table: the column id,
// then emb_0 … emb_<Dim−1>.
func (p Prediction) WriteEmbeddingsCSV(w io.Writer, ids []string) error {
	if err := p.checkNames("WriteEmbeddingsCSV", ids, nil); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := []string{"id"}
	for k := range p.Dim {
		header = append(header, "emb_"+strconv.Itoa(k))
	}
	cw.Write(header)
	row := make([]string, 0, len(header))
	for i := range p.Rows {
		row = append(row[:0], name(ids, i))
		for _, v := range p.Embeddings[i*p.Dim : (i+1)*p.Dim] {
			row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("gnn: Prediction.WriteEmbeddingsCSV: %w", err)
	}
	return nil
}

func (p Prediction) checkNames(fn string, ids, classes []string) error {
	if ids != nil && len(ids) != p.Rows {
		return fmt.Errorf("gnn: Prediction.%s: %d ids for %d rows: %w", fn, len(ids), p.Rows, graphs.ErrShape)
	}
	if classes != nil && len(classes) != p.Out {
		return fmt.Errorf("gnn: Prediction.%s: %d class names for %d outputs: %w", fn, len(classes), p.Out, graphs.ErrShape)
	}
	return nil
}

// name returns names[i], or i in decimal when names is nil.
func name(names []string, i int) string {
	if names == nil {
		return strconv.Itoa(i)
	}
	return names[i]
}
