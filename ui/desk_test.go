package ui

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	run      *queueRunner // waitIdle runs what the desk queued for the UI
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

// otherSession signs login in on another desk over the same file and returns that
// desk's services and the session's context.
func (td *testDesk) otherSession(t testing.TB, login, password string) (*app.Services, context.Context) {
	t.Helper()
	svc := td.otherDesk(t)
	in, err := svc.Session.SignIn(context.Background(), login, password, "front-desk-2")
	if err != nil {
		t.Fatal(err)
	}
	return svc, app.WithSession(context.Background(), in.Token)
}

// endThisSessionElsewhere ends the desk's session from another session of the same
// person, on another desk, as End in My Account there does.
func (td *testDesk) endThisSessionElsewhere(t testing.TB, login, password string) {
	t.Helper()
	svc, ctx := td.otherSession(t, login, password)
	sessions, err := svc.Session.Sessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := td.svc.Session.Sessions(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	var here int64
	for _, s := range mine {
		if s.Current {
			here = s.ID
		}
	}
	for _, s := range sessions {
		if s.ID == here {
			if err := svc.Session.EndSession(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("the other desk does not list this desk's session")
}

// assertBackAtSignIn checks that every window of the session closed and Sign in says
// why.
func assertBackAtSignIn(t *testing.T, td *testDesk, why string) {
	t.Helper()
	if td.signIn == nil {
		t.Fatal("Sign in is not open")
	}
	if td.token != "" || td.me != nil {
		t.Error("the desk still holds the session")
	}
	if td.staff != nil || td.choose != nil {
		t.Errorf("still open: staff %v, choose your password %v", td.staff != nil, td.choose != nil)
	}
	td.mu.Lock()
	open := len(td.open)
	td.mu.Unlock()
	if open != 0 {
		t.Errorf("%d windows of the session are still open", open)
	}
	if got := td.signIn.reason.Text; got != why || !td.signIn.reasonBar.Visible() {
		t.Errorf("Sign in says %q (shown %v); want %q", got, td.signIn.reasonBar.Visible(), why)
	}
}

// A session ended on another desk: the next action here returns to Sign in saying why,
// and closes the windows it had open.
func TestSessionEndedElsewhereNextAction(t *testing.T) {
	td := newSignInDesk(t, false)
	td.signInAs(t, testAdmin, testAdminPassword)
	td.openOutbox()
	td.waitIdle()
	td.endThisSessionElsewhere(t, testAdmin, testAdminPassword)
	td.openMyAccount()
	td.waitIdle()
	assertBackAtSignIn(t, td, app.EndEndedElsewhere.Message())
	// Signing in again works, and nothing of the old session comes back.
	td.signInAs(t, testAdmin, testAdminPassword)
	if td.staff == nil || td.signIn != nil {
		t.Fatal("cannot sign in again")
	}
	if td.signIn != nil && td.signIn.reasonBar.Visible() {
		t.Error("the reason stays after signing in")
	}
}

// Nobody touches the desk: its watch on the session notices within seconds.
func TestSessionEndedElsewhereNoticedByPoll(t *testing.T) {
	was := sessionCheckEvery
	sessionCheckEvery = 20 * time.Millisecond
	t.Cleanup(func() { sessionCheckEvery = was })
	td := newSignInDesk(t, false)
	td.signInAs(t, testAdmin, testAdminPassword)
	td.endThisSessionElsewhere(t, testAdmin, testAdminPassword)
	deadline := time.Now().Add(5 * time.Second)
	for td.signIn == nil && time.Now().Before(deadline) {
		time.Sleep(30 * time.Millisecond)
		td.waitIdle()
	}
	assertBackAtSignIn(t, td, app.EndEndedElsewhere.Message())
}

// Deactivated by a manager on another desk, in the middle of choosing a password.
func TestSessionEndedByDeactivation(t *testing.T) {
	td := newSignInDesk(t, true)
	td.signInAs(t, "camilles", demo.Password)
	if td.choose == nil {
		t.Fatal("no Choose your password")
	}
	svc, ctx := td.otherSession(t, demo.Manager, demo.Password)
	list, err := svc.Staff.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Username == "camilles" {
			if _, err := svc.Staff.Deactivate(ctx, s.ID, s.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	test.Type(td.choose.password, "Otter-Lagoon-Crimson-58")
	test.Type(td.choose.confirm, "Otter-Lagoon-Crimson-58")
	test.Tap(td.choose.submit)
	td.waitIdle()
	assertBackAtSignIn(t, td, app.EndDeactivated.Message())
}

// Sign out: the session ends in the store, and Sign in says so.
func TestSignOut(t *testing.T) {
	td := newSignInDesk(t, false)
	td.signInAs(t, testAdmin, testAdminPassword)
	token := td.token
	a := td.showMyAccount()
	td.waitIdle()
	test.Tap(a.signOut)
	test.Tap(a.signOut) // twice, before the first is done
	td.waitIdle()
	assertBackAtSignIn(t, td, app.EndSignedOut.Message())
	var open []string
	for _, w := range td.fyneApp.Driver().AllWindows() {
		if w.Title() != "" { // the test driver's own window has none
			open = append(open, w.Title())
		}
	}
	if len(open) != 1 {
		t.Errorf("open after signing out: %q; want Sign in alone", open)
	}
	if _, err := td.svc.Session.Me(app.WithSession(context.Background(), token)); app.ErrorCode(err) != app.ESIGNEDOUT {
		t.Errorf("the session lives on after signing out: %v", err)
	}
}

// Quitting ends the session of whoever is signed in.
func TestCloseEndsSession(t *testing.T) {
	td := newSignInDesk(t, false)
	td.signInAs(t, testAdmin, testAdminPassword)
	token := td.token
	td.Close()
	if _, err := td.svc.Session.Me(app.WithSession(context.Background(), token)); app.ErrorCode(err) != app.ESIGNEDOUT {
		t.Errorf("the session lives on after quitting: %v", err)
	}
}

// The demo signs its office manager in and says so over the Staff window.
func TestDemoBanner(t *testing.T) {
	td := openTestDesk(t, t.TempDir(), nil)
	td.seedDemo(t)
	in, err := demo.SignIn(context.Background(), td.svc, "test desk")
	if err != nil {
		t.Fatal(err)
	}
	const text = "Demo practice: you are signed in as Olivia Manning."
	td.SetDemoBanner(text)
	td.StartSignedIn(in)
	td.waitIdle()
	if td.staff == nil || td.signIn != nil {
		t.Fatal("the demo does not land on Staff")
	}
	if !td.demoBar.Visible() || !strings.Contains(windowText(td.staff.win), text) {
		t.Error("the demo banner is not shown")
	}
	td.signOut()
	td.waitIdle()
	td.signInAs(t, "gkim", demo.Password)
	td.choose.password.SetText("Otter-Lagoon-Crimson-58")
	td.choose.confirm.SetText("Otter-Lagoon-Crimson-58")
	test.Tap(td.choose.submit)
	td.waitIdle()
	if td.staff == nil || td.demoBar.Visible() {
		t.Error("the banner naming Olivia shows for Grace")
	}
}
