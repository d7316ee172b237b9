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
	fyneApp  fyne.App
	db       *data.DB
	dir      string
	key      []byte
	digester app.Digester
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
	td := openTestDesk(t, t.TempDir(), mail)
	var in *app.SignedIn
	var err error
	if seed {
		td.seedDemo(t)
		if in, err = demo.SignIn(context.Background(), td.svc, "test"); err != nil {
			t.Fatal(err)
		}
	} else if in, err = td.svc.Practice.SetUp(context.Background(), testSetup()); err != nil {
		t.Fatal(err)
	}
	td.signedIn(in)
	return td
}

// openTestDesk is a Desk over dir's staffdesk.db (made when missing), whose PINs are
// sealed with dir's staffdesk.key (made when missing), signed in as nobody: the
// practice is as the file has it.
func openTestDesk(t testing.TB, dir string, mail *app.MailOptions) *testDesk {
	t.Helper()
	a := test.NewTempApp(t)
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
	run := newQueueRunner()
	d := NewDesk(a, svc, log, run)
	d.SetDeskName("test desk")
	return &testDesk{Desk: d, run: run, fyneApp: a, db: db, dir: dir, key: key, digester: opts.Digester}
}

// seedDemo fills the desk's empty database with the demo practice.
func (td *testDesk) seedDemo(t testing.TB) {
	t.Helper()
	err := demo.Seed(context.Background(), td.db, demo.Options{Digester: td.digester, Log: td.log, PasswordHash: app.CheapPasswordHash})
	if err != nil {
		t.Fatal(err)
	}
}

// otherDesk is a second StaffDesk over the same database file, as another computer
// of the practice runs it: its own connection and its own services.
func (td *testDesk) otherDesk(t testing.TB) *app.Services {
	t.Helper()
	sealer, err := secrets.NewAESSealer(td.key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(filepath.Join(td.dir, "staffdesk.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := app.NewServices(db, app.MailOptions{Digester: td.digester})
	svc.SetPasswordHash(app.CheapPasswordHash)
	return svc
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
