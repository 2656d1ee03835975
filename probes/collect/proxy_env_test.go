package collect

import (
	"net/url"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

func envWorld(env map[string]string) probes.World {
	return probes.World{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
}

func TestProxyForFollowsGoPrecedence(t *testing.T) {
	u, _ := url.Parse("https://chatgpt.com/")
	w := envWorld(map[string]string{"HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128"})
	p, err := proxyFor(w, u)
	if err != nil || p == nil || p.Host != "upper:3128" {
		t.Fatalf("ProxyFor = %v, %v; want upper:3128 (net/http reads upper case first)", p, err)
	}
	w = envWorld(map[string]string{"HTTPS_PROXY": "http://p:3128", "NO_PROXY": ".openai.com,chatgpt.com"})
	if p, _ := proxyFor(w, u); p != nil {
		t.Fatalf("NO_PROXY ignored: %v", p)
	}
	w = envWorld(map[string]string{"ALL_PROXY": "socks5://127.0.0.1:9050"})
	if p, _ := proxyFor(w, u); p != nil {
		t.Fatalf("ALL_PROXY must be ignored like net/http does: %v", p)
	}
	w = envWorld(map[string]string{"HTTP_PROXY": "http://p:3128"})
	if p, _ := proxyFor(w, u); p != nil {
		t.Fatalf("https URL must not use HTTP_PROXY: %v", p)
	}
}
