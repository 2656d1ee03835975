package classify

import "testing"

func TestParseRayID(t *testing.T) {
	for _, tc := range []struct {
		in        string
		ray, colo string
		ok        bool
	}{
		{"230b030023ae2822-SJC", "230b030023ae2822", "SJC", true},
		{" 77c3e3e937c6b08e-ATL\r\n", "77c3e3e937c6b08e", "ATL", true},
		{"77c3e3e937c6b08e", "77c3e3e937c6b08e", "", true},
		{"77C3E3E937C6B08E-ATL", "", "", false}, // Ray IDs are lower-case hex
		{"77c3e3e937c6b08e-atl", "", "", false},
		{"77c3e3e937c6b08e-ATLX", "", "", false},
		{"77c3e3e937c6b08-ATL", "", "", false},
		{"77c3e3e937c6b08g-ATL", "", "", false},
		{"77c3e3e937c6b08e_ATL", "", "", false},
		{"77c3e3e937c6b08e-A\x1bL", "", "", false},
		{"", "", "", false},
		{"77c3e3e937c6b08e-SJC, 77c3e3e937c6b08f-LAX", "", "", false},
	} {
		ray, colo, ok := parseRayID(tc.in)
		if ray != tc.ray || colo != tc.colo || ok != tc.ok {
			t.Errorf("ParseRayID(%q) = %q, %q, %v; want %q, %q, %v", tc.in, ray, colo, ok, tc.ray, tc.colo, tc.ok)
		}
	}
}

func TestIsColo(t *testing.T) {
	for s, want := range map[string]bool{"SJC": true, "iad03": true, "fra8": true, "iad": false, "IAD03": false, "ia03": false, "iad0003": false, "": false} {
		if got := isColo(s); got != want {
			t.Errorf("isColo(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	const date = "Sun, 14 Sep 2026 08:12:44 GMT"
	for _, tc := range []struct {
		v, date string
		want    int
		ok      bool
	}{
		{"30", "", 30, true},
		{"0", "", 0, true},
		{"604800", "", 604800, true},
		{"604801", "", 0, false},
		{"-5", "", 0, false},
		{"3.5", "", 0, false},
		{"Sun, 14 Sep 2026 08:13:44 GMT", date, 60, true},
		{"Sun, 14 Sep 2026 08:10:00 GMT", date, 0, true}, // already past: retry now
		{"Sun, 14 Sep 2026 08:13:44 GMT", "", 0, false},  // no Date to measure against
		{"soon", date, 0, false},
	} {
		got, ok := parseRetryAfter(tc.v, tc.date)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q, %q) = %d, %v; want %d, %v", tc.v, tc.date, got, ok, tc.want, tc.ok)
		}
	}
}
