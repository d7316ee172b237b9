package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/internal/handoff"
)

// A StaffDesk started with a link while another runs (here the test, listening as the
// running one) hands the link over and exits 0 before opening anything: no database,
// no window.
func TestStartedWithALinkHandsItToTheRunningOne(t *testing.T) {
	home, err := os.MkdirTemp("", "sd") // a short path: a socket's is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	dir := filepath.Join(home, ".config", "StaffDesk")
	running, err := handoff.Listen(dir, func(err error) { t.Errorf("refused: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()

	const link = "staffdesk://activate?user=arivera&code=VXZM5-7AGBY"
	cmd := staffDeskCommand(t)
	// As the installers pass it: the one argument.
	cmd.Env = append(os.Environ(), "STAFFDESK_TEST_MAIN=1", "STAFFDESK_TEST_ARGS="+link,
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "APPDATA="+filepath.Join(home, "AppData"), "STAFFDESK_SMTP=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("the second StaffDesk did not exit 0: %v\n%s", err, stderr.String())
	}
	select {
	case got := <-running.Links():
		if got != link {
			t.Fatalf("the running StaffDesk got %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the running StaffDesk got no link; the second said:\n%s", stderr.String())
	}
	t.Logf("handed over and exited in %v", time.Since(start))
	for _, f := range []string{"staffdesk.db", "pin.key"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("the second StaffDesk made %s: it should hand the link over first", f)
		}
	}
	if log, _ := os.ReadFile(filepath.Join(dir, "staffdesk.log")); strings.Contains(string(log), "VXZM5") {
		t.Errorf("the log holds the code:\n%s", log)
	}
}
