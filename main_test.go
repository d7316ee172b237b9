package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tests start this test binary as StaffDesk itself (main, with real flags and a
// config folder of their own) when STAFFDESK_TEST_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("STAFFDESK_TEST_MAIN") == "1" {
		os.Args = append([]string{"staffdesk"}, strings.Fields(os.Getenv("STAFFDESK_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// staffDeskCommand is this test binary started as StaffDesk; a window opened by
// mistake is killed after a minute rather than hanging the test.
func staffDeskCommand(t *testing.T) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
}

// startStaffDesk runs StaffDesk with args and env in a fresh home, and returns its
// stderr, the log and the config folder. Every run here ends before a window opens.
func startStaffDesk(t *testing.T, env []string, args ...string) (stderr, log, dir string) {
	t.Helper()
	home := t.TempDir()
	cmd := staffDeskCommand(t)
	cmd.Env = append(os.Environ(), "STAFFDESK_TEST_MAIN=1", "STAFFDESK_TEST_ARGS="+strings.Join(args, " "),
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "APPDATA="+filepath.Join(home, "AppData"), "STAFFDESK_SMTP=")
	cmd.Env = append(cmd.Env, env...)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	_ = cmd.Run() // the exit status is not the point: what was said is
	dir = filepath.Join(home, ".config", "StaffDesk")
	b, _ := os.ReadFile(filepath.Join(dir, "staffdesk.log"))
	return errBuf.String(), string(b), dir
}

// TestSMTPPasswordOnTheCommandLineIsIgnored: a password in --smtp is visible to every
// user (ps): StaffDesk starts without it and says so, on stderr and in the log, and
// quotes it nowhere.
func TestSMTPPasswordOnTheCommandLineIsIgnored(t *testing.T) {
	const pw = "Winter-Qz7xk"
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The --db file is not StaffDesk's, so StaffDesk stops right after the checks.
	stderr, log, _ := startStaffDesk(t, nil, "--db", notes, "--smtp", "smtp://office:"+pw+"@127.0.0.1:2525?security=none&from=office@example.com")
	if !strings.Contains(stderr, "the password in --smtp was ignored") || !strings.Contains(log, "the password in --smtp was ignored") {
		t.Errorf("no warning; stderr:\n%s\nlog:\n%s", stderr, log)
	}
	if strings.Contains(stderr, pw) || strings.Contains(log, pw) {
		t.Errorf("the password was quoted; stderr:\n%s\nlog:\n%s", stderr, log)
	}
	if want := notes + " is not a StaffDesk database, so StaffDesk left it untouched. Choose another file with --db."; !strings.Contains(stderr, want) {
		t.Errorf("stderr:\n%s\nwant %q", stderr, want)
	}
}

// TestHelpQuotesNoPassword: --help does not print STAFFDESK_SMTP's URL, password and
// all, as the flag's default; and documents every setting of the URL.
func TestHelpQuotesNoPassword(t *testing.T) {
	const pw = "Winter-Qz7xk"
	stderr, _, _ := startStaffDesk(t, []string{"STAFFDESK_SMTP=smtp://office:" + pw + "@mail.example.com?from=office@example.com"}, "--help")
	if strings.Contains(stderr, pw) {
		t.Errorf("--help quotes the password:\n%s", stderr)
	}
	for _, s := range []string{"from=", "from_name=", "security=", "STAFFDESK_SMTP", "keychain"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("--help does not mention %s:\n%s", s, stderr)
		}
	}
}

// TestLooseFilesAreTightenedAtStart: StaffDesk's folder, PIN key, SMTP password file
// and log left open to others (0755/0644) are made owner-only on the next start.
func TestLooseFilesAreTightenedAtStart(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "StaffDesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"pin.key": bytes.Repeat([]byte{7}, 32), "smtp-password": []byte("x"), "staffdesk.log": nil}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notes, []byte("not a database"), 0o600)

	cmd := staffDeskCommand(t)
	cmd.Env = append(os.Environ(), "STAFFDESK_TEST_MAIN=1", "STAFFDESK_TEST_ARGS=--db "+notes,
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	out, _ := cmd.CombinedOutput()
	for _, p := range []string{dir, filepath.Join(dir, "pin.key"), filepath.Join(dir, "smtp-password"), filepath.Join(dir, "staffdesk.log")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is still %o after a start (output: %s)", filepath.Base(p), fi.Mode().Perm(), out)
		}
	}
}

func TestWithoutPassword(t *testing.T) {
	for raw, want := range map[string]string{
		"smtp://office:secret@mail.example.com:587?from=office@example.com":    "smtp://office@mail.example.com:587?from=office@example.com",
		"smtps://office%40example.com:p%2Fw@mail.example.com?from=a@b.example": "smtps://office%40example.com@mail.example.com?from=a@b.example",
		"smtp://office:@mail.example.com?from=a@b.example":                     "smtp://office@mail.example.com?from=a@b.example",
	} {
		got, ignored := withoutPassword(raw)
		if got != want || !ignored {
			t.Errorf("withoutPassword(%q) = %q, %v; want %q, true", raw, got, ignored, want)
		}
	}
	for _, raw := range []string{"smtp://office@mail.example.com?from=a@b.example", "smtp://mail.example.com?from=a@b.example"} {
		if got, ignored := withoutPassword(raw); got != raw || ignored {
			t.Errorf("withoutPassword(%q) = %q, %v; want it unchanged", raw, got, ignored)
		}
	}
}
