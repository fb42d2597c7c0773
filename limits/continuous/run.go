package continuous

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gnnwb/gnnwb/internal/atomicfile"
)

// RunKeriven runs KerivenExperiment with cfg and writes into dir (created if
// needed) the node-level figure keriven_node.png and the readout figure
// keriven_readout.png (KerivenResult.WritePlots), and keriven.json, the
// result as indented JSON; each file atomically. It returns the result.
// Errors: those of KerivenExperiment (then nothing is written), of
// WritePlots, and file errors.
func RunKeriven(ctx context.Context, cfg KerivenConfig, dir string) (KerivenResult, error) {
	res, err := KerivenExperiment(ctx, cfg)
	if err != nil {
		return KerivenResult{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("continuous: RunKeriven: %w", err)
	}
	if err := res.WritePlots(filepath.Join(dir, "keriven_node.png"), filepath.Join(dir, "keriven_readout.png")); err != nil {
		return res, err
	}
	js, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return res, fmt.Errorf("continuous: RunKeriven: %w", err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, "keriven.json"), append(js, '\n')); err != nil {
		return res, fmt.Errorf("continuous: RunKeriven: %w", err)
	}
	return res, nil
}
