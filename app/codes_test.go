package app_test

import (
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		c, err := app.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != 11 || c[5] != '-' || strings.ContainsAny(c, "ILOU") {
			t.Fatalf("code %q", c)
		}
		if n, ok := app.NormalizeCode(c); !ok || n != c[:5]+c[6:] {
			t.Fatalf("normalize %q: %q %v", c, n, ok)
		}
		seen[c] = true
	}
	if len(seen) < 1000 {
		t.Fatalf("%d distinct codes in 1000", len(seen))
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		"7K2QD-M9XWA":     "7K2QDM9XWA",
		"7k2qd m9xwa":     "7K2QDM9XWA",
		" 7K2QDM9XWA ":    "7K2QDM9XWA",
		"lO2QD-M9XWi":     "102QDM9XW1",
		"7-K-2-Q-D-M9XWA": "7K2QDM9XWA",
	} {
		if got, ok := app.NormalizeCode(in); !ok || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "7K2QD-M9XW", "7K2QD-M9XWAA", "7K2QD-M9XWU", "7K2QD-M9XW!", "7K2QD-M9XWÄ"} {
		if got, ok := app.NormalizeCode(in); ok {
			t.Errorf("NormalizeCode(%q) = %q, want refused", in, got)
		}
	}
}
