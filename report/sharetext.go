package report

import (
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/session"
)

// ShareText masks single strings the way Share masks a record holding
// these results: the dashboard's share mode draws every line through it,
// so a screenshot and a shared report hide the same things the same way.
func ShareText(results []probes.Result, private Private) func(string) string {
	return newMasker(session.Record{Runs: []session.RunRecord{{Results: results}}}, private).mask
}
