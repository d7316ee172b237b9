package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
)

// The database StaffDesk 0.1.0 made (the demo practice, before sign-in), with the key
// its PINs are sealed with: data/testdata/release-0.1.0.
const releaseDir = "../data/testdata/release-0.1.0"

// openRelease opens a copy of the 0.1.0 database with today's services.
func openRelease(t *testing.T) (*app.Services, *data.DB) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"release-0.1.0.db", "pin.key"} {
		buf, err := os.ReadFile(filepath.Join(releaseDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	key, err := secrets.LoadOrCreateKey(filepath.Join(dir, "pin.key"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(filepath.Join(dir, "release-0.1.0.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := app.NewServices(db, app.MailOptions{Digester: secrets.NewDigester(key)})
	svc.SetPasswordHash(app.CheapPasswordHash)
	return svc, db
}

// releaseRecord is what an account of the release was, read through the store.
type releaseRecord struct {
	username, status, unlock, support string
}

func releaseRecords(t *testing.T, db *data.DB) map[int64]releaseRecord {
	t.Helper()
	out := map[int64]releaseRecord{}
	err := db.Read(context.Background(), func(tx app.Tx) error {
		list, err := tx.FindStaff(app.StaffFilter{})
		if err != nil {
			return err
		}
		for _, s := range list {
			full, err := tx.Staff(s.ID)
			if err != nil {
				return err
			}
			out[s.ID] = releaseRecord{s.Username, string(s.Status), full.UnlockPIN, full.SupportPIN}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Before Set up your practice, nothing: no call goes through without a session, and
// nobody can sign in, not even with a password the release knew.
func TestUpgrade_NothingBeforeSetUp(t *testing.T) {
	svc, db := openRelease(t)
	c := context.Background()
	state, err := svc.Practice.State(c)
	if err != nil || state != app.SetupUpgrade {
		t.Fatalf("State = %v, %v; want SetupUpgrade", state, err)
	}
	for _, c := range []context.Context{c, app.WithSession(c, "made-up-token")} {
		for name, call := range map[string]func() error{
			"Staff.List":          func() error { return ignore(svc.Staff.List(c)) },
			"Staff.Get":           func() error { return ignore(svc.Staff.Get(c, 5)) },
			"Staff.Unlock":        func() error { return ignore(svc.Staff.Unlock(c, 5)) },
			"Staff.Deactivate":    func() error { return ignore(svc.Staff.Deactivate(c, 5, 1)) },
			"Directory.Load":      func() error { return ignore(svc.Directory.Load(c)) },
			"Outbox.List":         func() error { return ignore(svc.Outbox.List(c)) },
			"EmailSettings.Load":  func() error { return ignore(svc.EmailSettings.Load(c)) },
			"Permissions.Matrix":  func() error { return ignore(svc.Permissions.Matrix(c)) },
			"Practice.Get":        func() error { return ignore(svc.Practice.Get(c)) },
			"Dashboard.Summary":   func() error { return ignore(svc.Dashboard.Summary(c)) },
			"Session.Me":          func() error { return ignore(svc.Session.Me(c)) },
			"Accounts.ResendAct.": func() error { return svc.Accounts.ResendActivation(c, 10, 1) },
		} {
			if err := call(); app.ErrorCode(err) != app.ESIGNEDOUT {
				t.Errorf("%s before setup: %v, want ESIGNEDOUT", name, err)
			}
		}
	}
	// Grace Kim's password as a manager of 0.1.0 chose it: still, no sign-in until the
	// administrator is chosen (her role now carries Manage Accounts).
	const old = "Release-Era-Password-Chosen-1"
	hash, err := app.CheapPasswordHash(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(c, func(tx app.Tx) error { return tx.SetPasswordHash(5, hash, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	in, err := svc.Session.SignIn(c, "gkim", old, "desk")
	if err == nil {
		t.Fatalf("signed in before Set up your practice: %+v", in.Me.Permissions)
	}
	wantCode(t, err, app.EFORBIDDEN, "Set up your practice")
	if state, _ := svc.Practice.State(c); state != app.SetupUpgrade {
		t.Fatalf("State after the refused sign-in: %v", state)
	}
}

// Choosing an existing account as the administrator: signed in with every permission,
// every account of the release kept with its status and PINs, the outbox intact; the
// new password signs in; Set up cannot be done twice.
func TestUpgrade_ChooseAdministrator(t *testing.T) {
	svc, db := openRelease(t)
	c := context.Background()
	before := releaseRecords(t, db)
	if len(before) != 12 {
		t.Fatalf("%d accounts in the release", len(before))
	}
	cands, dir, err := svc.Practice.Candidates(c)
	if err != nil {
		t.Fatal(err)
	}
	var active, names []string
	for _, r := range before {
		if r.status == string(app.StatusActive) {
			active = append(active, r.username)
		}
	}
	var gkim int64
	for _, cand := range cands {
		names = append(names, cand.Username)
		if cand.Username == "gkim" {
			gkim = cand.ID
			if cand.Name != "Grace Kim" || cand.RoleName != "Office Manager" {
				t.Fatalf("candidate %+v", cand)
			}
		}
	}
	if len(names) != len(active) || len(active) != 7 || gkim == 0 {
		t.Fatalf("candidates %v, want the active accounts %v", names, active)
	}
	if len(dir.Providers) != 3 {
		t.Fatalf("providers %d", len(dir.Providers))
	}

	const pw = "Harbour-Lantern-Long-Password-8"
	in, err := svc.Practice.SetUp(c, &app.PracticeSetup{Name: "Valley Family Practice", AdminID: gkim,
		Admin: app.NewStaff{Password: pw, ConfirmPassword: pw}, Desk: "front"})
	if err != nil {
		t.Fatal(err)
	}
	admin := app.WithSession(c, in.Token)
	if in.Me.ID != gkim || !in.Me.Permissions.Covers(app.AllPermissions) || in.MustChangePassword {
		t.Fatalf("signed in as %+v", in.Me)
	}
	me := mustMe(t, svc, admin)
	if me.RoleName != app.AdministratorRole || me.RestrictOffices || !me.Permissions.Covers(app.AllPermissions) {
		t.Fatalf("the administrator: role %s, restricted %v, %v", me.RoleName, me.RestrictOffices, me.Permissions)
	}
	if state, _ := svc.Practice.State(c); state != app.SetupDone {
		t.Fatalf("State after SetUp: %v", state)
	}

	// Every account, with its status and PINs, read by the administrator.
	list, err := svc.Staff.List(admin)
	if err != nil || len(list) != 12 {
		t.Fatalf("after the upgrade: %d accounts, %v", len(list), err)
	}
	for _, row := range list {
		st, err := svc.Staff.Get(admin, row.ID)
		if err != nil {
			t.Fatal(err)
		}
		was := before[row.ID]
		if st.Username != was.username || string(st.Status) != was.status || st.UnlockPIN != was.unlock || st.SupportPIN != was.support || st.PINsHidden {
			t.Errorf("%s after the upgrade: %s %s/%s, was %+v", st.Username, st.Status, st.UnlockPIN, st.SupportPIN, was)
		}
		if len(st.UnlockPIN) != 4 || len(st.SupportPIN) != 6 {
			t.Errorf("%s's PINs do not open: %q %q", st.Username, st.UnlockPIN, st.SupportPIN)
		}
	}
	mail, err := svc.Outbox.List(admin)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[app.MailStatus]int{}
	for _, m := range mail {
		counts[m.Status]++
	}
	if len(mail) != 12 || counts[app.MailSent] != 9 || counts[app.MailQueued] != 3 {
		t.Fatalf("the outbox after the upgrade: %v", counts)
	}

	// The new password signs in; Set up is refused once done.
	if _, err := svc.Session.SignIn(c, "gkim", pw, "back"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Practice.SetUp(c, &app.PracticeSetup{Name: "Take Over", AdminID: gkim,
		Admin: app.NewStaff{Password: "Another-Take-Over-Password-9", ConfirmPassword: "Another-Take-Over-Password-9"}})
	wantCode(t, err, app.ECONFLICT, "set up meanwhile")
	if _, err := svc.Session.SignIn(c, "gkim", pw, "back"); err != nil {
		t.Fatalf("after the refused second SetUp: %v", err)
	}
	if cands, _, _ := svc.Practice.Candidates(c); len(cands) != 0 {
		t.Fatalf("candidates once set up: %v", cands)
	}
}

// Creating a new administrator on upgrade instead: the release's accounts stay as
// they were, and the limit counts them.
func TestUpgrade_NewAdministrator(t *testing.T) {
	svc, db := openRelease(t)
	c := context.Background()
	before := releaseRecords(t, db)
	_, dir, err := svc.Practice.Candidates(c)
	if err != nil {
		t.Fatal(err)
	}
	setup := &app.PracticeSetup{Name: "Valley Family Practice", StaffLimit: 9,
		Admin: app.NewStaff{Staff: app.Staff{FirstName: "Pat", LastName: "Admin", Email: "pat.admin@example.com",
			Username: testAdmin, ProviderID: activeProvider(t, dir)}, Password: testAdminPassword, ConfirmPassword: testAdminPassword}}
	// 7 active and 3 pending, and the administrator: 11.
	_, err = svc.Practice.SetUp(c, setup)
	if msg := app.ErrorFields(err)[app.FieldStaffLimit]; msg == "" {
		t.Fatalf("a limit below the accounts in use: %v", err)
	}
	setup.StaffLimit = 11
	in, err := svc.Practice.SetUp(c, setup)
	if err != nil {
		t.Fatal(err)
	}
	admin := app.WithSession(c, in.Token)
	if in.Me.Status != app.StatusActive || in.Me.RoleName != app.AdministratorRole {
		t.Fatalf("the new administrator: %+v", in.Me)
	}
	u, err := svc.Practice.Usage(admin)
	if err != nil || u != (app.StaffUsage{Used: 11, Limit: 11}) {
		t.Fatalf("usage %+v, %v", u, err)
	}
	after := releaseRecords(t, db)
	if len(after) != 13 {
		t.Fatalf("%d accounts", len(after))
	}
	for id, was := range before {
		if after[id] != was {
			t.Errorf("account %d: %+v, was %+v", id, after[id], was)
		}
	}
	if _, err := svc.Session.SignIn(c, testAdmin, testAdminPassword, "desk"); err != nil {
		t.Fatal(err)
	}
}

func activeProvider(t *testing.T, dir *app.Directory) int64 {
	t.Helper()
	for _, p := range dir.Providers {
		if p.Active {
			return p.ID
		}
	}
	t.Fatal("no active provider")
	return 0
}
