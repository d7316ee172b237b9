package app_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
)

// emptyPractice is a new database file, not set up, and n desks' services on it.
func emptyPractice(t *testing.T, n int) []*app.Services {
	t.Helper()
	dir := t.TempDir()
	key, err := secrets.LoadOrCreateKey(filepath.Join(dir, "pin.key"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	var out []*app.Services
	for i := 0; i < n; i++ {
		db, err := data.Open(filepath.Join(dir, "staffdesk.db"), sealer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		svc := app.NewServices(db, app.MailOptions{Digester: secrets.NewDigester(key)})
		svc.SetPasswordHash(app.CheapPasswordHash)
		out = append(out, svc)
	}
	return out
}

func newSetup() *app.PracticeSetup {
	return &app.PracticeSetup{Name: "Test Practice", StaffLimit: 3,
		Provider: app.Provider{FirstName: "Yara", LastName: "Young-Test", Credentials: "MD"},
		Admin: app.NewStaff{Staff: app.Staff{FirstName: "Pat", LastName: "Admin", Email: "pat.admin@example.com",
			Username: testAdmin, UseNewDashboard: true}, Password: testAdminPassword, ConfirmPassword: testAdminPassword},
		Desk: "front"}
}

// An empty database is set up once: the practice, its first provider and its
// administrator, active at once with every permission and signed in.
func TestSetUp_NewPractice(t *testing.T) {
	svc := emptyPractice(t, 1)[0]
	c := context.Background()
	if state, err := svc.Practice.State(c); err != nil || state != app.SetupNew {
		t.Fatalf("State = %v, %v", state, err)
	}
	if cands, _, err := svc.Practice.Candidates(c); err != nil || len(cands) != 0 {
		t.Fatalf("candidates of a new practice: %v, %v", cands, err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*app.PracticeSetup)
		field string
	}{
		{"no name", func(s *app.PracticeSetup) { s.Name = " " }, app.FieldPracticeName},
		{"a negative limit", func(s *app.PracticeSetup) { s.StaffLimit = -1 }, app.FieldStaffLimit},
		{"no provider", func(s *app.PracticeSetup) { s.Provider = app.Provider{} }, "provider_" + app.FieldLastName},
		{"a bad NPI", func(s *app.PracticeSetup) { s.Provider.NPI = "1234567890" }, "provider_" + app.FieldNPI},
		{"a provider without a first name", func(s *app.PracticeSetup) { s.Provider.FirstName = "" }, "provider_" + app.FieldFirstName},
		{"an account to choose", func(s *app.PracticeSetup) { s.AdminID = 1 }, app.FieldAdministrator},
		{"a short password", func(s *app.PracticeSetup) { s.Admin.Password, s.Admin.ConfirmPassword = "short", "short" }, app.FieldPassword},
		{"no username", func(s *app.PracticeSetup) { s.Admin.Username = "" }, app.FieldUsername},
	} {
		s := newSetup()
		tc.edit(s)
		_, err := svc.Practice.SetUp(c, s)
		fields := app.ErrorFields(err)
		if _, ok := fields[tc.field]; !ok || len(fields) != 1 {
			t.Errorf("%s: %v, want a message under %s alone", tc.name, err, tc.field)
		}
	}
	if state, _ := svc.Practice.State(c); state != app.SetupNew {
		t.Fatalf("refused setups set something up: %v", state)
	}

	in, err := svc.Practice.SetUp(c, newSetup())
	if err != nil {
		t.Fatal(err)
	}
	if in.Landing != app.LandDashboard || in.MustChangePassword || in.Me.Status != app.StatusActive ||
		!in.Me.Permissions.Covers(app.AllPermissions) || in.Me.RoleName != app.AdministratorRole {
		t.Fatalf("signed in: %+v", in)
	}
	admin := app.WithSession(c, in.Token)
	info, err := svc.Practice.Get(admin)
	if err != nil {
		t.Fatal(err)
	}
	if info.Practice.Name != "Test Practice" || info.Usage != (app.StaffUsage{Used: 1, Limit: 3}) {
		t.Fatalf("practice %+v", info)
	}
	dir, err := svc.Directory.Load(admin)
	if err != nil || len(dir.Providers) != 1 || dir.Providers[0].DisplayName() != "Yara Young-Test, MD" || in.Me.ProviderID != dir.Providers[0].ID {
		t.Fatalf("providers %+v, %v", dir.Providers, err)
	}
	if _, err := svc.Practice.SetUp(c, newSetup()); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("a second SetUp: %v", err)
	}

	// The practice's settings: a stale save is refused.
	saved, err := svc.Practice.Save(admin, "Renamed Practice", 5, info.Practice.Version)
	if err != nil || saved.Practice.Name != "Renamed Practice" || saved.Usage.Limit != 5 {
		t.Fatalf("Save: %+v, %v", saved, err)
	}
	_, err = svc.Practice.Save(admin, "Other Name", 5, info.Practice.Version)
	wantCode(t, err, app.ECONFLICT, "changed since you opened them")
	if _, err := svc.Practice.Save(admin, " ", 5, saved.Practice.Version); app.ErrorFields(err)[app.FieldPracticeName] == "" {
		t.Fatalf("an empty name: %v", err)
	}
}

// Two desks setting up the same new file at once: one practice, one administrator.
func TestSetUp_TwoDesksAtOnce(t *testing.T) {
	for round := 0; round < 5; round++ {
		desks := emptyPractice(t, 2)
		var wg sync.WaitGroup
		errs := make([]error, len(desks))
		for i, svc := range desks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := newSetup()
				s.Name = []string{"Desk A Practice", "Desk B Practice"}[i]
				_, errs[i] = svc.Practice.SetUp(context.Background(), s)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if app.ErrorCode(err) != app.ECONFLICT {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d desks set up the practice", round, won)
		}
	}
}
