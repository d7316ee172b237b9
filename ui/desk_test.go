package ui

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/demo"
	"github.com/staffdesk/staffdesk/keychain"
	"github.com/staffdesk/staffdesk/secrets"
)

// testDesk is a Desk on Fyne's test driver over a real SQLite file.
type testDesk struct {
	*Desk
	run     *queueRunner // waitIdle runs what the desk queued for the UI
	fyneApp fyne.App
	db      *data.DB
	dir     string
}

// newTestDesk opens a fresh database in a temp folder; seed fills it with the demo
// practice first. The account emails are queued but never sent.
func newTestDesk(t testing.TB, seed bool) *testDesk {
	t.Helper()
	return newTestDeskWith(t, seed, nil)
}

// newTestDeskWith is newTestDesk with the account emails wired through mail: its
// Digester, PasswordFile, Keychain and courier log are filled in when left empty, so that codes
// survive the test and the OS keychain is never touched.
func newTestDeskWith(t testing.TB, seed bool, mail *app.MailOptions) *testDesk {
	t.Helper()
	a := test.NewTempApp(t)
	dir := t.TempDir()
	key, err := secrets.LoadOrCreateKey(filepath.Join(dir, "staffdesk.key"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(filepath.Join(dir, "staffdesk.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := logrus.New()
	log.SetOutput(io.Discard)
	digester := secrets.NewDigester(key)
	opts := app.MailOptions{Digester: digester}
	if mail != nil {
		m := *mail
		if m.Digester == nil {
			m.Digester = digester
		}
		if m.PasswordFile == nil {
			if m.PasswordFile, err = keychain.NewFile(dir); err != nil {
				t.Fatal(err)
			}
		}
		if m.Keychain == nil {
			m.Keychain = &memKeychain{items: map[string]string{}}
		}
		if m.Courier.Log == nil {
			m.Courier.Log = log
		}
		opts = m
	}
	svc := app.NewServices(db, opts)
	// A UI test checks windows, not password hashing: an Argon2id hash of 19 MiB per
	// seeded or created account would be most of its time.
	svc.SetPasswordHash(app.CheapPasswordHash)
	var in *app.SignedIn
	if seed {
		if err := demo.Seed(context.Background(), db, demo.Options{Digester: opts.Digester, Log: log, PasswordHash: app.CheapPasswordHash}); err != nil {
			t.Fatal(err)
		}
		if in, err = demo.SignIn(context.Background(), svc, "test"); err != nil {
			t.Fatal(err)
		}
	} else if in, err = svc.Practice.SetUp(context.Background(), testSetup()); err != nil {
		t.Fatal(err)
	}
	run := newQueueRunner()
	d := NewDesk(a, svc, log, run)
	d.signedIn(in)
	return &testDesk{Desk: d, run: run, fyneApp: a, db: db, dir: dir}
}

// The practice of a desk made without the demo: Pat Admin, who holds every permission,
// and the one provider Set up your practice asks for.
const (
	testAdmin         = "padmin"
	testAdminPassword = "Lantern-Quartz-Meadow-77"
)

func testSetup() *app.PracticeSetup {
	return &app.PracticeSetup{
		Name:     "Test Practice",
		Provider: app.Provider{FirstName: "Yara", LastName: "Young-Test"},
		Admin: app.NewStaff{Staff: app.Staff{FirstName: "Pat", LastName: "Admin", Email: "pat.admin@example.com",
			Username: testAdmin, EnableEmailUpdate: true}, Password: testAdminPassword, ConfirmPassword: testAdminPassword},
		Desk: "test",
	}
}

// sessionCtx is the desk's signed-in context, for a test's own service calls.
func (td *testDesk) sessionCtx() context.Context { return td.ctx() }

// memKeychain keeps the SMTP password in memory: tests never touch the OS keychain.
// With refuse set, Set fails as a locked or missing keychain does.
type memKeychain struct {
	mu     sync.Mutex
	items  map[string]string
	refuse bool
}

func (k *memKeychain) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	pw, ok := k.items[service+"/"+user]
	if !ok {
		return "", app.ErrNotInKeychain
	}
	return pw, nil
}

func (k *memKeychain) Set(service, user, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.refuse {
		return errors.New("no secret service")
	}
	k.items[service+"/"+user] = password
	return nil
}

func (k *memKeychain) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.items, service+"/"+user)
	return nil
}
