package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/internal/dataroot"
)

// sharedData returns the data root (dataroot.Find: $GNNWB_DATA, else the
// folder continuous integration provides), or skips the test saying which
// variable to set, or which file of the named datasets the root lacks.
func sharedData(t testing.TB, names ...string) string {
	t.Helper()
	d, err := dataroot.Find()
	if err != nil {
		t.Skipf("%v: skipping", err)
	}
	needDatasets(t, d, names...)
	return d
}

// needDatasets skips the test when a file of one of the named datasets is
// absent under root (a data root the user filled with only some datasets).
func needDatasets(t testing.TB, root string, names ...string) {
	t.Helper()
	for _, name := range names {
		e, err := datasets.Info(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range e.Files {
			p := filepath.Join(root, filepath.FromSlash(f.Path))
			if _, err := os.Stat(p); err != nil {
				t.Skipf("%s is absent (run `gnnwb datasets fetch %s` with %s set to the data root): skipping", p, name, dataroot.Env)
			}
		}
	}
}

func TestDatasetsInfo(t *testing.T) {
	root := sharedData(t, "cora", "citeseer", "mutag", "proteins", "karate")
	// Counts from PROVENANCE.md (sections 1 and 3) and PyG; the stored
	// feature entries equal the LINQS files' word counts (section 2a).
	for _, tt := range []struct {
		name string
		want string
	}{
		{"cora", `"nodes":2708,"edges":5278,"entries":10556,"directed":false,"features":1433,"sparse_entries":49216,"classes":7,"train":140,"val":500,"test":1000`},
		{"CiteSeer", `"nodes":3327,"edges":4552,"entries":9104,"directed":false,"features":3703,"sparse_entries":105165,"classes":6,"train":120,"val":500,"test":1000`},
		{"MUTAG", `"nodes":3371,"edges":3721,"entries":7442,"directed":false,"features":7,"classes":2,"graphs":188,"train":0,"val":0,"test":0`},
		{"proteins", `"nodes":43471,"edges":81044,"entries":162088,"directed":false,"features":3,"classes":2,"graphs":1113`},
		{"karate", `"nodes":34,"edges":78`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := gnnwb(t, "datasets", "info", "--json", "--root", root, tt.name)
			if code != 0 || stderr != "" {
				t.Fatalf("code %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout, tt.want) {
				t.Fatalf("info --json = %s\nwant it to contain %s", stdout, tt.want)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(stdout), &m); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			code, stdout, _ = gnnwb(t, "datasets", "info", "--root", root, tt.name)
			if code != 0 || !strings.Contains(stdout, "features") || !strings.Contains(stdout, "classes") {
				t.Fatalf("text info: code %d, %q", code, stdout)
			}
		})
	}
}

func TestDatasetsList(t *testing.T) {
	root, rootErr := dataroot.Find() // before GNNWB_DATA names the empty folder below
	empty := t.TempDir()
	code, stdout, stderr := gnnwb(t, "datasets", "list", "--json", "--root", empty)
	if code != 0 || stderr != "" {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	var list []listEntry
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatal(err)
	}
	names := map[string]listEntry{}
	for _, e := range list {
		names[e.Name] = e
	}
	for _, n := range []string{"cora", "citeseer", "pubmed", "mutag", "proteins", "enzymes", "nci1", "imdb-binary", "karate", "email-eu-core", "ogbg-molbace"} {
		e, ok := names[n]
		if !ok || e.Present || e.Missing == 0 {
			t.Errorf("%s: %+v (want listed and missing under an empty root)", n, e)
		}
	}
	// GNNWB_DATA is the default root.
	t.Setenv("GNNWB_DATA", empty)
	code, stdout, _ = gnnwb(t, "datasets", "list")
	if code != 0 || !strings.Contains(stdout, "# root "+empty) || !strings.Contains(stdout, "8 missing") {
		t.Fatalf("list with GNNWB_DATA: code %d\n%s", code, stdout)
	}
	if rootErr != nil {
		t.Skipf("%v: skipping", rootErr)
	}
	needDatasets(t, root, "cora")
	code, stdout, _ = gnnwb(t, "datasets", "list", "--json", "--root", root)
	if code != 0 || !strings.Contains(stdout, `{"name":"cora","kind":"node","format":"planetoid","present":true,"missing":0`) {
		t.Fatalf("list of the shared folder: code %d\n%s", code, stdout)
	}
}

// TestDatasetsFetchVerifies runs fetch on files already present: no
// network, only the SHA-256 check.
func TestDatasetsFetchVerifies(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(sharedData(t, "karate"), "karate", "karate.gml"))
	if err != nil {
		t.Skipf("karate.gml absent: %v", err)
	}
	root := t.TempDir()
	file := filepath.Join(root, "karate", "karate.gml")
	os.MkdirAll(filepath.Dir(file), 0o755)
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := gnnwb(t, "datasets", "fetch", "--root", root, "KARATE"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("fetch of a present file: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	src[0] ^= 1
	os.WriteFile(file, src, 0o644)
	code, _, stderr := gnnwb(t, "datasets", "fetch", "--root", root, "karate")
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "karate.gml") || !strings.Contains(stderr, "sha256") {
		t.Fatalf("fetch of a corrupted file: code %d, stderr %q", code, stderr)
	}
}

// TestDatasetsVerify: one line per file; a corrupt file gives its digest
// and the registry's and exit status 1; missing files exit 0.
func TestDatasetsVerify(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	src, err := os.ReadFile(filepath.Join(sharedData(t, "karate"), "karate", "karate.gml"))
	if err != nil {
		t.Skipf("karate.gml absent: %v", err)
	}
	root := t.TempDir()
	file := filepath.Join(root, "karate", "karate.gml")
	os.MkdirAll(filepath.Dir(file), 0o755)
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := gnnwb(t, "datasets", "verify", "--root", root, "Karate")
	if fields := strings.Fields(stdout); code != 0 || stderr != "" || len(fields) != 3 || fields[0] != "ok" || fields[1] != "karate" || fields[2] != file {
		t.Fatalf("verify of a good file: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	e, _ := datasets.Info("karate")
	src[100] ^= 1
	os.WriteFile(file, src, 0o644)
	code, stdout, stderr = gnnwb(t, "datasets", "verify", "--root", root, "karate")
	if code != 1 || !strings.HasPrefix(stdout, "corrupt") || !strings.Contains(stdout, "want sha256:"+e.Files[0].SHA256) ||
		strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "gnnwb datasets fetch") {
		t.Fatalf("verify of a corrupt file: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = gnnwb(t, "datasets", "verify", "--root", root, "cora", "karate")
	if code != 1 || strings.Count(stdout, "missing") != 8 || strings.Count(stdout, "\n") != 9 {
		t.Fatalf("verify of cora and karate: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = gnnwb(t, "datasets", "verify", "--root", root, "cora")
	if code != 0 || strings.Count(stdout, "missing") != 8 || stderr != "" {
		t.Fatalf("verify of an absent dataset: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := gnnwb(t, "datasets", "verify", "--root", root, "nosuch"); code != 2 || !strings.Contains(stderr, "nosuch") {
		t.Fatalf("verify of an unknown name: code %d, stderr %q", code, stderr)
	}
}

func TestDatasetsErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown name", []string{"datasets", "info", "--root", empty, "nosuch"}, 2, []string{`"nosuch"`, "unknown dataset"}},
		{"unknown name fetch", []string{"datasets", "fetch", "--root", empty, "nosuch"}, 2, []string{`"nosuch"`}},
		{"missing file", []string{"datasets", "info", "--root", empty, "cora"}, 1,
			[]string{filepath.Join(empty, "planetoid", "raw", "ind.cora."), "missing", "gnnwb datasets fetch cora"}},
		{"missing TU file", []string{"datasets", "info", "--root", empty, "Mutag"}, 1, []string{filepath.Join(empty, "tu", "MUTAG", "MUTAG_A.txt")}},
		{"no name", []string{"datasets", "info"}, 2, []string{"NAME"}},
		{"two names", []string{"datasets", "fetch", "cora", "mutag"}, 2, []string{"NAME"}},
		{"list argument", []string{"datasets", "list", "cora"}, 2, []string{"takes none"}},
		{"unknown subcommand", []string{"datasets", "nosuch"}, 2, []string{"nosuch"}},
		{"unknown flag", []string{"datasets", "info", "--bogus", "cora"}, 2, []string{"--bogus"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := gnnwb(t, tt.args...)
			ok := code == tt.code && stdout == "" && strings.Count(stderr, "\n") == 1
			for _, w := range tt.want {
				ok = ok && strings.Contains(stderr, w)
			}
			if !ok {
				t.Fatalf("code %d (want %d), stdout %q, stderr %q (want one line with %q)", code, tt.code, stdout, stderr, tt.want)
			}
		})
	}
}
