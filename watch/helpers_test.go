package watch

import (
	"bufio"
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/session"
)

// labSession starts a lab scenario and a watch session over its staged
// machine; the lab closes with the test.
func labSession(t testing.TB, scenario string) *session.Session {
	t.Helper()
	l, err := lab.Start(scenario, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return session.New(session.Options{Mode: "watch", Scenario: scenario, Version: "test",
		Config: l.Config(), World: l.MachineWorld(), History: 1})
}

// diagnose runs a lab scenario once.
func diagnose(t testing.TB, scenario string) session.Diagnosis {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return labSession(t, scenario).Start(ctx, nil).Wait()
}

// series gathers the named metrics through testutil and returns their
// sample lines ("name{labels} value"), sorted, without comments.
func series(t testing.TB, g prometheus.Gatherer, names ...string) []string {
	t.Helper()
	b, err := testutil.GatherAndFormat(g, expfmt.TypeTextPlain, names...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return out
}

// sameLines fails unless got and want hold the same lines.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
