// Package desktest runs StaffDesk as several real processes on one database file:
// the tests build cmd/deskproc once and start copies of it against an SMTP server in
// the test process.
package desktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
	"github.com/staffdesk/staffdesk/smtp/smtptest"
)

const (
	smtpUser     = "frontdesk"
	smtpPassword = "s3cret-Smtp-Pa55word"
)

var deskproc string // the built helper

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deskproc")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	deskproc = filepath.Join(dir, "deskproc")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(goTool, "build", "-o", deskproc, "./cmd/deskproc")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build deskproc:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// practice is one database file, its key and a mail server.
type practice struct {
	t    *testing.T
	path string
	key  []byte
	srv  *smtptest.Server
	// session is the administrator's, signed in by the test process.
	session context.Context
}

func newPractice(t *testing.T, opts smtptest.Options) *practice {
	t.Helper()
	opts.Username, opts.Password = smtpUser, smtpPassword
	p := &practice{t: t, path: filepath.Join(t.TempDir(), "staffdesk.db"), key: make([]byte, 32), srv: smtptest.NewServer(t, opts)}
	rand.Read(p.key)
	// The practice exists before the desks start: set up, with its administrator (whom
	// every desk signs in as) and one provider (the roles come with the schema).
	db, svc := p.open()
	defer db.Close()
	in, err := svc.Practice.SetUp(context.Background(), &app.PracticeSetup{Name: "Two Desks Practice",
		Provider: app.Provider{FirstName: "Kate", LastName: "Provider", Credentials: "MD"},
		Admin: app.NewStaff{Staff: app.Staff{FirstName: "Pat", LastName: "Admin", Email: "pat.admin@example.com",
			Username: adminUser}, Password: adminPassword, ConfirmPassword: adminPassword}})
	if err != nil {
		t.Fatal(err)
	}
	p.session = app.WithSession(context.Background(), in.Token)
	return p
}

// The administrator every desk signs in as (deskproc reads the password from
// DESKPROC_ADMIN_PASSWORD: never in argv).
const (
	adminUser     = "padmin"
	adminPassword = "Lantern-Quartz-Meadow-77"
)

// ctx is the administrator's session of the test process.
func (p *practice) ctx() context.Context { return p.session }

// open opens the file in the test process, with services that queue mail but send none.
func (p *practice) open() (*data.DB, *app.Services) {
	p.t.Helper()
	sealer, err := secrets.NewAESSealer(p.key)
	if err != nil {
		p.t.Fatal(err)
	}
	db, err := data.Open(p.path, sealer)
	if err != nil {
		p.t.Fatal(err)
	}
	return db, app.NewServices(db, app.MailOptions{Digester: secrets.NewDigester(p.key)})
}

// desk is one running deskproc.
type desk struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout bytes.Buffer
	stderr bytes.Buffer
}

type report struct {
	Name         string   `json:"name"`
	Creates      int      `json:"creates"`
	Edits        int      `json:"edits"`
	Errors       []string `json:"errors"`
	Locked       int      `json:"locked"`
	Probe        string   `json:"probe"`
	ProbeReason  string   `json:"probe_reason"`
	ProbeMessage string   `json:"probe_message"`
}

func (p *practice) start(name string, args ...string) *desk {
	p.t.Helper()
	return p.startAs(name, adminUser, adminPassword, args...)
}

// startAs starts a desk signed in as username (the password goes in the environment).
func (p *practice) startAs(name, username, password string, args ...string) *desk {
	p.t.Helper()
	d := &desk{name: name}
	args = append([]string{"-db", p.path, "-name", name, "-smtp", p.srv.Addr(), "-smtp-user", smtpUser}, args...)
	d.cmd = exec.Command(deskproc, args...)
	d.cmd.Env = append(os.Environ(), "DESKPROC_KEY="+hex.EncodeToString(p.key), "DESKPROC_SMTP_PASSWORD="+smtpPassword, "DESKPROC_ADMIN="+username, "DESKPROC_ADMIN_PASSWORD="+password)
	d.cmd.Stdout, d.cmd.Stderr = &d.stdout, &d.stderr
	var err error
	if d.stdin, err = d.cmd.StdinPipe(); err != nil {
		p.t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			d.cmd.Wait()
		}
	})
	return d
}

// wait ends the desk's hold, if any, and returns its report.
func (d *desk) wait(t *testing.T) report {
	t.Helper()
	d.stdin.Close()
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("desk %s: %v\n%s", d.name, err, d.stderr.String())
	}
	var r report
	if err := json.Unmarshal(d.stdout.Bytes(), &r); err != nil {
		t.Fatalf("desk %s printed %q: %v", d.name, d.stdout.String(), err)
	}
	if strings.Contains(d.stderr.String(), smtpPassword) {
		t.Fatalf("desk %s logged the SMTP password", d.name)
	}
	return r
}

var messageIDHeader = regexp.MustCompile(`(?im)^Message-Id:\s*(<[^>\r\n]+>)`)

// deliveries counts the server's deliveries per Message-ID.
func (p *practice) deliveries() map[string]int {
	out := map[string]int{}
	for _, m := range p.srv.Messages() {
		if id := messageIDHeader.FindSubmatch(m.Data); id != nil {
			out[string(id[1])]++
		}
	}
	return out
}

// tally compares the outbox with what the server received.
type tally struct {
	queued, sent, delivered, duplicated, lost int
	unfinished                                []string
}

func (p *practice) tally() (tally, []*app.OutboxMessage) {
	p.t.Helper()
	db, svc := p.open()
	defer db.Close()
	list, err := svc.Outbox.List(p.ctx())
	if err != nil {
		p.t.Fatal(err)
	}
	got := p.deliveries()
	var tl tally
	for _, m := range list {
		tl.queued++
		if m.Status == app.MailSent {
			tl.sent++
		} else {
			tl.unfinished = append(tl.unfinished, fmt.Sprintf("%s to %s: %s (%d attempts) %s", m.MessageID, m.ToAddress, m.Status, m.Attempts, m.LastError))
		}
		switch n := got[m.MessageID]; {
		case n == 0:
			tl.lost++
		default:
			tl.delivered++
			tl.duplicated += n - 1
		}
	}
	return tl, list
}

// Two desks on one file, as two processes: concurrent creates and edits, both
// couriers delivering, while a third desk holds the write lock for longer than
// SQLite's busy timeout. Nothing is lost, nothing is sent twice, and no save fails
// because another desk was saving.
func TestTwoDesks_CreatesEditsAndBothCouriers(t *testing.T) {
	const n = 15
	p := newPractice(t, smtptest.Options{})
	args := []string{"-creates", fmt.Sprint(n), "-edits", fmt.Sprint(n), "-drain", "15s"}
	// Once both are running, a third desk holds the write lock for 7 s, longer than
	// SQLite's 5 s busy timeout, while the two others create, edit and send.
	dir := t.TempDir()
	marker, readyA, readyB := filepath.Join(dir, "stalling"), filepath.Join(dir, "alpha"), filepath.Join(dir, "bravo")
	start := time.Now()
	a := p.start("alpha", append(args, "-ready", readyA, "-after", marker)...)
	b := p.start("bravo", append(args, "-ready", readyB, "-after", marker)...)
	c := p.start("charlie", "-after", readyA+","+readyB, "-stall", "7s", "-stall-marker", marker)
	ra, rb, rc := a.wait(t), b.wait(t), c.wait(t)
	took := time.Since(start)
	if len(rc.Errors) > 0 {
		t.Errorf("desk charlie: %q", rc.Errors)
	}
	for _, r := range []report{ra, rb} {
		if len(r.Errors) > 0 || r.Locked > 0 || r.Creates != n || r.Edits != n {
			t.Errorf("desk %s: %d creates, %d edits, %d locked, errors %q", r.Name, r.Creates, r.Edits, r.Locked, r.Errors)
		}
	}
	tl, _ := p.tally()
	t.Logf("2 processes (and one holding the write lock for 7 s) in %s: %d creates, %d edits, %d errors (%d locked); %d messages queued, %d sent, %d delivered, %d duplicated, %d lost",
		took.Round(time.Millisecond), ra.Creates+rb.Creates, ra.Edits+rb.Edits, len(ra.Errors)+len(rb.Errors), ra.Locked+rb.Locked,
		tl.queued, tl.sent, tl.delivered, tl.duplicated, tl.lost)
	if tl.queued != 2*n || tl.sent != 2*n || tl.lost != 0 || tl.duplicated != 0 {
		t.Errorf("outbox: %+v\n%s\n%s", tl, a.stderr.String(), b.stderr.String())
	}
}

// The poisoned outbox: desk A is sending a message and the server is slow to
// answer DATA; desk B starts on the same file and creates accounts. B leaves A's
// message alone, A records it sent, nothing goes twice, and B's emails go out.
func TestTwoDesks_SecondDeskLeavesTheFirstOnesSendAlone(t *testing.T) {
	p := newPractice(t, smtptest.Options{DataDelays: []time.Duration{3 * time.Second}})
	a := p.start("alpha", "-creates", "1", "-hold", "-drain", "15s")
	deadline := time.Now().Add(15 * time.Second)
	for p.srv.DataStarted() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("desk A never began sending\n%s", a.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	b := p.start("bravo", "-creates", "3", "-drain", "15s")
	rb := b.wait(t)
	a.stdin.Close()
	ra := a.wait(t)
	for _, r := range []report{ra, rb} {
		if len(r.Errors) > 0 {
			t.Errorf("desk %s: errors %q", r.Name, r.Errors)
		}
	}
	tl, list := p.tally()
	t.Logf("slow DATA at desk A while desk B starts: %d queued, %d sent, %d delivered, %d duplicated, %d lost",
		tl.queued, tl.sent, tl.delivered, tl.duplicated, tl.lost)
	if tl.queued != 4 || tl.sent != 4 || tl.lost != 0 || tl.duplicated != 0 {
		t.Fatalf("outbox %+v %q\nA:\n%s\nB:\n%s", tl, tl.unfinished, a.stderr.String(), b.stderr.String())
	}
	for _, m := range list {
		if m.ToAddress == "alpha000@email.xyz" && m.Attempts != 1 {
			t.Fatalf("A's message took %d attempts", m.Attempts)
		}
	}
	if strings.Contains(b.stderr.String(), "requeued") {
		t.Fatalf("desk B requeued a message:\n%s", b.stderr.String())
	}
}
