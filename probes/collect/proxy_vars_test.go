package collect

import (
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestSummarizeEffectiveGroupsHosts: hosts reached the same way are named
// together, in the order the targets come.
func TestSummarizeEffectiveGroupsHosts(t *testing.T) {
	got := summarizeEffective([]probes.EffectiveProxy{
		{URL: "https://chatgpt.com/", Proxy: "http://127.0.0.1:3128"},
		{URL: "https://chat.openai.com/", Proxy: "http://127.0.0.1:3128"},
		{URL: "https://status.openai.com/", Proxy: ""},
		{URL: "https://api.openai.com/v1/models", Proxy: "http://127.0.0.1:3128"},
	})
	want := "Go programs reach chatgpt.com, chat.openai.com and api.openai.com through http://127.0.0.1:3128, status.openai.com directly"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
