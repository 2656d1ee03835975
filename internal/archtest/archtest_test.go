package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// loadGraph lists the module's packages and everything they depend on for
// one GOOS, with `go list -deps -json`, which applies build tags as the
// compiler does: a Windows-only file's imports count on Windows.
func loadGraph(t *testing.T, goos string) Graph {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go list: no go command: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-deps", "-json=ImportPath,Imports", "./...")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("GOOS=%s go list: %v\n%s", goos, err, stderr.Bytes())
	}
	watchSources(t, cmd.Dir)
	g := Graph{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("GOOS=%s go list: %v", goos, err)
		}
		g[p.ImportPath] = p.Imports
	}
	return g
}

// watchSources stats every directory and Go file of the module. go test
// caches a passing result unless a file the test itself looked at changed;
// the graph comes from a go list child process the cache cannot see, so
// without this a newly added forbidden import would keep reading as a pass.
func watchSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, ".go") || d.Name() == "go.mod" {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walk the module: %v", err)
	}
}

// TestImportRules holds the module to Rules on every OS gptdoctor ships
// for.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		g := loadGraph(t, goos)
		// The rules name these packages; if one is renamed the rules must
		// follow, or they would silently check nothing.
		for _, p := range []string{Module + "/probes", Module + "/remedies", Module + "/report", Module + "/internal/lab", ClassifierPkg} {
			if _, ok := g[p]; !ok {
				t.Errorf("GOOS=%s: package %s is gone: update the import rules", goos, p)
			}
		}
		for _, v := range Check(g, Rules) {
			t.Errorf("GOOS=%s: %s", goos, v)
		}
	}
}

// TestCheckBites runs the checker on a graph with forbidden edges that
// compile fine (no cycle) and asserts each is reported with its chain.
func TestCheckBites(t *testing.T) {
	M := Module + "/"
	g := Graph{
		M[:len(M)-1]:          {M + "internal/lab", M + "report"},
		M + "internal/lab":    {M + "probes"},
		M + "probes":          {M + "probes/classify", "net"},
		M + "probes/classify": {M + "internal/sanitize"},
		// The planted edges: remedies imports the lab; the classifier
		// reaches net/http through a helper; the future ui is imported by
		// report.
		M + "remedies":          {M + "probes", M + "internal/lab"},
		M + "internal/sanitize": {"strings", M + "internal/httpish"},
		M + "internal/httpish":  {"net/http"},
		"net/http":              {"net"},
		M + "report":            {M + "remedies", M + "ui"},
		M + "ui":                {M + "report"},
		// The session imports the faces' renderer.
		M + "session": {M + "probes", M + "remedies", M + "report"},
	}
	got := map[string]bool{}
	for _, v := range Check(g, Rules) {
		got[strings.TrimPrefix(v.From, M)+" -> "+strings.TrimPrefix(v.To, M)+": "+strings.Join(v.Path, " ")] = true
	}
	for _, want := range []string{
		"remedies -> internal/lab: " + M + "remedies " + M + "internal/lab",
		"probes/classify -> net/http: " + M + "probes/classify " + M + "internal/sanitize " + M + "internal/httpish net/http",
		"probes/classify -> net: " + M + "probes/classify " + M + "internal/sanitize " + M + "internal/httpish net/http net",
		"report -> ui: " + M + "report " + M + "ui",
		"session -> report: " + M + "session " + M + "report",
		// probes reaches nothing forbidden: probes may use net.
	} {
		if !got[want] {
			t.Errorf("violation not reported: %s\ngot: %v", want, got)
		}
	}
	for v := range got {
		if strings.HasPrefix(v, "probes ->") || strings.HasPrefix(v, "internal/lab ->") || strings.HasPrefix(v, "-> ") {
			t.Errorf("false violation: %s", v)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"a/b/...", "a/b", true},
		{"a/b/...", "a/b/c/d", true},
		{"a/b/...", "a/bc", false},
		{"net", "net", true},
		{"net", "net/http", false},
		{"net", "net/netip", false},
	} {
		if got := Match(tc.pattern, tc.path); got != tc.want {
			t.Errorf("Match(%q, %q) = %v", tc.pattern, tc.path, got)
		}
	}
}
