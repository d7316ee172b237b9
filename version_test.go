package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestVersionFlag: `staffdesk --version` prints the version and build kept in
// FyneApp.toml and stops there, before it opens a log, a database or a window.
func TestVersionFlag(t *testing.T) {
	var f struct {
		Details struct {
			Name, Version string
			Build         int
		}
	}
	if _, err := toml.DecodeFile("FyneApp.toml", &f); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s %s (build %d)\n", f.Details.Name, f.Details.Version, f.Details.Build)

	home := t.TempDir()
	cmd := staffDeskCommand(t)
	cmd.Env = append(os.Environ(), "STAFFDESK_TEST_MAIN=1", "STAFFDESK_TEST_ARGS=--version",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "APPDATA="+filepath.Join(home, "AppData"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("--version: %v (stdout %q)", err, out)
	}
	if string(out) != want {
		t.Errorf("--version printed %q, want %q", out, want)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "StaffDesk")); !os.IsNotExist(err) {
		t.Errorf("--version made StaffDesk's folder (stat: %v); it should stop before anything else", err)
	}
}
