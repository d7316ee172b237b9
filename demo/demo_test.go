package demo

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
)

// openDemoDB opens a new database in a test folder, with the digester of its key.
func openDemoDB(t *testing.T) (context.Context, *data.DB, app.Digester) {
	ctx := context.Background()
	dir := t.TempDir()
	key, err := secrets.LoadOrCreateKey(filepath.Join(dir, "pin.key"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(filepath.Join(dir, "demo.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return ctx, db, secrets.NewDigester(key)
}

func TestSeed(t *testing.T) {
	ctx, db, digester := openDemoDB(t)
	log := logrus.New()
	log.SetOutput(io.Discard)

	if err := Seed(ctx, db, Options{Digester: digester, Log: log}); err != nil {
		t.Fatal(err)
	}
	// The app's own services, as main builds them after seeding.
	box := &mailbox{}
	svc := app.NewServices(db, app.MailOptions{Digester: digester, Postman: box, Courier: app.CourierOptions{Log: log}})
	in, err := SignIn(ctx, svc, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !in.Me.Permissions.Covers(app.AllPermissions) || in.Landing != app.LandDashboard {
		t.Errorf("the office manager signs in with %v, landing on %v", in.Me.Permissions, in.Landing)
	}
	ctx = app.WithSession(ctx, in.Token)
	list, err := svc.Staff.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]app.StaffStatus{
		"camilles": app.StatusActive, "marcusstaff": app.StatusActive, "jamie_demo_staff": app.StatusPending,
		"praman": app.StatusActive, "lortega": app.StatusActive, "gkim": app.StatusActive, "dvolkov": app.StatusPending,
		"abello": app.StatusActive, "tbecker": app.StatusInactive, "rdelgado": app.StatusInactive,
		"nfischer": app.StatusPending, "mchen": app.StatusActive, Manager: app.StatusActive,
	}
	byName := map[string]*app.Staff{}
	for _, s := range list {
		byName[s.Username] = s
		if s.Status != want[s.Username] {
			t.Errorf("%s is %s, want %s", s.Username, s.Status, want[s.Username])
		}
	}
	if len(list) != len(want) {
		t.Fatalf("%d staff, want %d", len(list), len(want))
	}
	// The sign-in history: some have signed in, Luis mistyped three times, Mei is locked.
	now := time.Now()
	if byName["camilles"].SignIn.LastSignInAt.IsZero() || !byName["lortega"].SignIn.LastSignInAt.IsZero() ||
		byName["lortega"].SignIn.Failures != 3 || !byName["mchen"].Locked(now) || byName["abello"].Locked(now) {
		t.Errorf("sign-in history: camilles %+v, lortega %+v, mchen %+v", byName["camilles"].SignIn, byName["lortega"].SignIn, byName["mchen"].SignIn)
	}
	// Tom had been active before he left; Rosa never activated hers.
	if byName["tbecker"].ActivatedAt.IsZero() || !byName["rdelgado"].ActivatedAt.IsZero() || byName["camilles"].ActivatedAt.IsZero() {
		t.Errorf("activated: tbecker %v, rdelgado %v, camilles %v", byName["tbecker"].ActivatedAt, byName["rdelgado"].ActivatedAt, byName["camilles"].ActivatedAt)
	}

	// The settled accounts' activation emails went out; the Pending ones' wait.
	msgs, err := svc.Outbox.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waiting := map[string]bool{}
	for _, m := range msgs {
		if m.Kind != app.MailActivation {
			t.Errorf("unexpected %s email to %s", m.Kind, m.ToAddress)
		}
		if !m.Status.Final() {
			waiting[m.ToAddress] = true
		}
	}
	for name, st := range want {
		if waiting[byName[name].Email] != (st == app.StatusPending) {
			t.Errorf("%s (%s): activation email waiting = %v", name, st, waiting[byName[name].Email])
		}
	}
	// Nothing of the demo mailbox was saved as the practice's email settings.
	if cfg, err := svc.EmailSettings.Load(ctx); err != nil || cfg.Configured || cfg.FromOutside {
		t.Fatalf("email settings after seeding: %+v, %v", cfg, err)
	}

	// A Pending person's code, once their email goes out, works with the app's own
	// services: the seed issued it with the practice's digester.
	if err := svc.EmailSettings.SetOverride("demo:"); err != nil {
		t.Fatal(err)
	}
	svc.Courier.SendDue(ctx)
	code, ok := box.code(byName["jamie_demo_staff"].Email)
	if !ok {
		t.Fatal("Jamie's activation email was not delivered")
	}
	if st, err := svc.Accounts.Activate(ctx, "jamie_demo_staff", code); err != nil || st.Status != app.StatusActive {
		t.Fatalf("Jamie activating with the emailed code: %v, %v", st, err)
	}

	// A second call leaves an existing practice alone.
	if err := Seed(ctx, db, Options{Digester: digester, Log: log}); err != nil {
		t.Fatal(err)
	}
	if again, _ := svc.Staff.List(ctx); len(again) != len(list) {
		t.Fatalf("Seed ran twice: %d then %d staff", len(list), len(again))
	}
}

// PasswordHash reaches every password the seed stores, settled accounts and pending ones.
func TestSetPasswordHashCoversTheDemoSeed(t *testing.T) {
	ctx, db, digester := openDemoDB(t)
	if err := Seed(ctx, db, Options{Digester: digester, Log: logrus.New(), PasswordHash: app.CheapPasswordHash}); err != nil {
		t.Fatal(err)
	}
	err := db.Read(ctx, func(tx app.Tx) error {
		list, err := tx.FindStaff(app.StaffFilter{})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			t.Fatal("the demo seeded nobody")
		}
		for _, s := range list {
			h, err := tx.PasswordHash(s.ID)
			if err != nil {
				return err
			}
			if hp, err := app.ParseHashParams(h); err != nil || hp.Memory != 8 {
				t.Errorf("%s (%s): hash params %+v, %v; want the cheap hash", s.Username, s.Status, hp, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
