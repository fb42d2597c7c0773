package datasets

import (
	"path/filepath"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// ReadLINQS reads a LINQS citation dataset in its original text form from
// dir: <name>.content (tab-separated "paper_id f_1 … f_d class", one line
// per paper) and <name>.cites ("cited citing", one line per citation).
// Paper ids are strings, mapped to 0..n−1 in the order of the content file
// (Meta.Relabelled); classes are numbered in ascending order of their names
// (ClassNames). The citations become an undirected graph: lines naming a
// paper absent from the content file are dropped (Meta.UnknownEndpoints;
// 17 in CiteSeer), self citations dropped, duplicates merged and reverse
// entries added, each counted in Meta. There is no split. Errors are
// *graphs.ParseError with file and line (a repeated paper id, rows of unequal
// width, non-numeric features). Cost O(n·d + m log d_max).
func ReadLINQS(dir, name string) (*NodeDataset, error) {
	content := filepath.Join(dir, name+".content")
	cites := filepath.Join(dir, name+".cites")
	f, err := openText(content)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ds := &NodeDataset{Name: name}
	ds.Meta.Format = "linqs"
	ds.Meta.Files = []string{content, cites}
	ds.Meta.Relabelled = true
	ids := map[string]int32{}
	var classOf []string
	lr := newLineReader(f, content)
	var flds [][]byte
	d := -1
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if isBlank(line) {
			continue
		}
		flds = fields(flds, line, false)
		if len(flds) < 2 {
			return nil, perr(content, lr.line, graphs.ErrShape, "%d fields, want id, features, class", len(flds))
		}
		if d < 0 {
			d = len(flds) - 2
		}
		if len(flds) != d+2 {
			return nil, perr(content, lr.line, graphs.ErrShape, "%d features, earlier lines have %d", len(flds)-2, d)
		}
		id := string(flds[0])
		if _, dup := ids[id]; dup {
			return nil, perr(content, lr.line, graphs.ErrFormat, "paper id %q listed twice", id)
		}
		if len(ids) >= graphs.MaxNodes {
			return nil, perr(content, lr.line, graphs.ErrTooLarge, "more than %d papers", graphs.MaxNodes)
		}
		ids[id] = int32(len(ids))
		for _, fv := range flds[1 : d+1] {
			if len(fv) == 1 && fv[0] >= '0' && fv[0] <= '9' {
				ds.X = append(ds.X, float64(fv[0]-'0')) // the binary word features
				continue
			}
			v, err := atof(fv)
			if err != nil {
				return nil, &graphs.ParseError{Path: content, Line: lr.line, Err: err}
			}
			ds.X = append(ds.X, v)
		}
		classOf = append(classOf, string(flds[d+1]))
	}
	if err := lr.Err(); err != nil {
		return nil, err
	}
	n := len(ids)
	if n == 0 {
		return nil, perr(content, 0, graphs.ErrShape, "no papers")
	}
	ds.NumFeatures = d
	ds.ClassNames = slices.Clone(classOf)
	slices.Sort(ds.ClassNames)
	ds.ClassNames = slices.Compact(ds.ClassNames)
	ds.NumClasses = len(ds.ClassNames)
	ds.Y = make([]int32, n)
	for i, c := range classOf {
		k, _ := slices.BinarySearch(ds.ClassNames, c)
		ds.Y[i] = int32(k)
	}

	g, err := openText(cites)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	lr = newLineReader(g, cites)
	var src, dst []int32
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if isBlank(line) {
			continue
		}
		flds = fields(flds, line, false)
		if len(flds) != 2 {
			return nil, perr(cites, lr.line, graphs.ErrShape, "%d fields, want 2 (cited citing)", len(flds))
		}
		ds.Meta.LinesRead++
		cited, ok1 := ids[string(flds[0])]
		citing, ok2 := ids[string(flds[1])]
		if !ok1 || !ok2 {
			ds.Meta.UnknownEndpoints++
			continue
		}
		src = append(src, citing)
		dst = append(dst, cited)
	}
	if err := lr.Err(); err != nil {
		return nil, err
	}
	gr, _, err := buildGraph(n, src, dst, false, &ds.Meta, false)
	if err != nil {
		return nil, &graphs.ParseError{Path: cites, Err: err}
	}
	ds.Graph = gr
	return ds, nil
}
