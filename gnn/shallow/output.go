package shallow

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
)

// WriteJSON writes the run (configuration and records, not the parameters)
// as indented JSON to path, atomically. Errors: a non-finite value (JSON has
// no NaN) or a file error; path is then left as it was.
func (r *Run) WriteJSON(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("shallow: WriteJSON %s: %w", path, err)
		}
		return nil
	})
}

// WriteCSV writes one row per record to path, atomically, with the header
//
//	t,step,batch_loss,mean_batch_loss,eval_loss,mean_c,mean_c2,
//	mean_ca_0..mean_ca_{2d−1},mean_aa_0_0..mean_aa_{2d−1}_{2d−1}
//
// The outputs at the evaluation points are WriteOutputsCSV's. Floats use
// the shortest representation that reads back to the same bits.
func (r *Run) WriteCSV(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		return r.writeCSV(w)
	})
}

func (r *Run) writeCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := 2 * r.Dim
	bw.WriteString("t,step,batch_loss,mean_batch_loss,eval_loss,mean_c,mean_c2")
	for i := range p {
		fmt.Fprintf(bw, ",mean_ca_%d", i)
	}
	for i := range p {
		for j := range p {
			fmt.Fprintf(bw, ",mean_aa_%d_%d", i, j)
		}
	}
	bw.WriteByte('\n')
	var buf []byte
	f := func(x float64) {
		buf = strconv.AppendFloat(buf[:0], x, 'g', -1, 64)
		bw.WriteByte(',')
		bw.Write(buf)
	}
	for _, rec := range r.Records {
		bw.WriteString(strconv.FormatFloat(rec.T, 'g', -1, 64))
		bw.WriteByte(',')
		bw.WriteString(strconv.FormatInt(rec.Step, 10))
		f(rec.BatchLoss)
		f(rec.MeanBatchLoss)
		f(rec.EvalLoss)
		f(rec.MeanC)
		f(rec.MeanC2)
		for _, x := range rec.MeanCA {
			f(x)
		}
		for _, x := range rec.MeanAA {
			f(x)
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("shallow: WriteCSV: %w", err)
	}
	return nil
}

// WriteOutputsCSV writes the network's outputs at the evaluation points
// to path, atomically, as a tidy table: one row per record and point,
// with the header
//
//	t,step,u,out
//
// where u[q] is the latent of evaluation point q (the points of
// Config.Eval, in order) and out the output ŷ there (Record.Output[q]).
// Errors wrap graphs.ErrShape when u does not have one latent per output.
func (r *Run) WriteOutputsCSV(path string, u []float64) error {
	for _, rec := range r.Records {
		if len(rec.Output) != len(u) {
			return fmt.Errorf("shallow: WriteOutputsCSV: %d latents for %d outputs: %w", len(u), len(rec.Output), graphs.ErrShape)
		}
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		bw.WriteString("t,step,u,out\n")
		var buf []byte
		for _, rec := range r.Records {
			for q, y := range rec.Output {
				buf = strconv.AppendFloat(buf[:0], rec.T, 'g', -1, 64)
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, rec.Step, 10)
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, u[q], 'g', -1, 64)
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, y, 'g', -1, 64)
				buf = append(buf, '\n')
				bw.Write(buf)
			}
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("shallow: WriteOutputsCSV: %w", err)
		}
		return nil
	})
}
