package app_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
)

// newServices returns the services over a real SQLite file in a temp folder.
func newServices(tb testing.TB) (*app.Services, *data.DB) {
	tb.Helper()
	dir := tb.TempDir()
	key, err := secrets.LoadOrCreateKey(filepath.Join(dir, "pin.key"))
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := data.Open(filepath.Join(dir, "staffdesk.db"), sealer)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return app.NewServices(db, app.MailOptions{Digester: secrets.NewDigester(key)}), db
}

func ctx(tb testing.TB) context.Context {
	return app.WithActor(context.Background(), app.LocalManager)
}

// practice adds a provider, an inactive provider, an office, and returns them with the
// seeded roles.
type practice struct {
	svc              *app.Services
	kate, gone       *app.Provider
	office           *app.Office
	nurse, frontDesk int64
}

func newPractice(t *testing.T) *practice {
	t.Helper()
	svc, _ := newServices(t)
	c := ctx(t)
	p := &practice{svc: svc}
	var err error
	if p.kate, err = svc.Directory.SaveProvider(c, &app.Provider{FirstName: "Kate", LastName: "Provider", Credentials: "MD"}); err != nil {
		t.Fatal(err)
	}
	if p.gone, err = svc.Directory.SaveProvider(c, &app.Provider{FirstName: "Gone", LastName: "Away"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Directory.SetProviderActive(c, p.gone.ID, false); err != nil {
		t.Fatal(err)
	}
	if p.office, err = svc.Directory.SaveOffice(c, &app.Office{Name: "Main Street Clinic"}); err != nil {
		t.Fatal(err)
	}
	dir, err := svc.Directory.Load(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range dir.Roles {
		switch r.Name {
		case "Nurse":
			p.nurse = r.ID
		case "Front Desk":
			p.frontDesk = r.ID
		}
	}
	if p.nurse == 0 || p.frontDesk == 0 {
		t.Fatalf("seeded roles missing: %+v", dir.Roles)
	}
	return p
}

const goodPassword = "correct horse battery staple"

func (p *practice) camille() *app.NewStaff {
	return &app.NewStaff{
		Staff: app.Staff{
			FirstName: " Camille ", LastName: "Staff", ProviderID: p.kate.ID, RoleID: p.nurse,
			Email: "camilles@email.xyz", Username: "camilles", CellPhone: "(212) 555-0123",
			UnlockPIN: "8453", SendDailyBilling: true, EnableEmailUpdate: true,
		},
		Password: goodPassword, ConfirmPassword: goodPassword,
	}
}

func TestStaffCreate(t *testing.T) {
	p := newPractice(t)
	s, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	if s.ID == 0 || s.Status != app.StatusPending || s.FirstName != "Camille" || s.CellPhone != "+12125550123" {
		t.Fatalf("created %+v", s)
	}
	if len(s.SupportPIN) != 6 || app.CheckSupportPIN(s.SupportPIN) != nil {
		t.Fatalf("support PIN %q not generated", s.SupportPIN)
	}
	if s.UnlockPIN != "8453" || s.ProviderName != "Kate Provider, MD" || s.RoleName != "Nurse" {
		t.Fatalf("read back %+v", s)
	}
	got, err := p.svc.Staff.Get(ctx(t), s.ID)
	if err != nil || got.Username != "camilles" || !got.SendDailyBilling || got.UseNewDashboard {
		t.Fatalf("Get = %+v, %v", got, err)
	}
}

func TestStaffCreateRules(t *testing.T) {
	p := newPractice(t)
	if _, err := p.svc.Staff.Create(ctx(t), p.camille()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(*app.NewStaff)
		field string
		msg   string // part of the message expected under the field
	}{
		{"empty first name", func(n *app.NewStaff) { n.FirstName = "  " }, app.FieldFirstName, ""},
		{"no provider", func(n *app.NewStaff) { n.ProviderID = 0 }, app.FieldProvider, "primary provider"},
		{"inactive provider", func(n *app.NewStaff) { n.ProviderID = p.gone.ID }, app.FieldProvider, "inactive"},
		{"no role", func(n *app.NewStaff) { n.RoleID = 0 }, app.FieldRole, "role"},
		{"duplicate email, other case", func(n *app.NewStaff) { n.Email = "CamilleS@Email.xyz" }, app.FieldEmail, "already used by camilles"},
		{"duplicate username, other case", func(n *app.NewStaff) { n.Email = "other@email.xyz"; n.Username = "CAMILLES" }, app.FieldUsername, "taken"},
		{"bad email", func(n *app.NewStaff) { n.Email = "Camille <c@x.com>" }, app.FieldEmail, ""},
		{"short password", func(n *app.NewStaff) { n.Password, n.ConfirmPassword = "short", "short" }, app.FieldPassword, "15"},
		{"confirmation differs", func(n *app.NewStaff) { n.ConfirmPassword = goodPassword + "!" }, app.FieldConfirmPassword, ""},
		{"bad phone", func(n *app.NewStaff) { n.HomePhone = "12" }, app.FieldHomePhone, ""},
		{"weak PIN", func(n *app.NewStaff) { n.UnlockPIN = "1234" }, app.FieldUnlockPIN, ""},
		{"restricted without offices", func(n *app.NewStaff) { n.RestrictOffices = true }, app.FieldOffices, "at least one office"},
		{"NPI with a bad check digit", func(n *app.NewStaff) { n.CareTeamIDType = app.CareTeamIDNPI; n.CareTeamID = "1234567890" }, app.FieldCareTeamID, ""},
		{"identifier without a type", func(n *app.NewStaff) { n.CareTeamID = "12345678" }, app.FieldCareTeamIDType, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := p.camille()
			n.Email, n.Username = "new@email.xyz", "newperson"
			tt.edit(n)
			_, err := p.svc.Staff.Create(ctx(t), n)
			msg, ok := app.ErrorFields(err)[tt.field]
			if !ok {
				t.Fatalf("want a message under %s, got %v", tt.field, err)
			}
			if !strings.Contains(msg, tt.msg) {
				t.Fatalf("message %q does not say %q", msg, tt.msg)
			}
			if strings.Contains(err.Error(), goodPassword) {
				t.Fatal("the password leaked into the error")
			}
		})
	}
	list, err := p.svc.Staff.List(ctx(t))
	if err != nil || len(list) != 1 {
		t.Fatalf("refused creates wrote something: %d rows, %v", len(list), err)
	}
}

func TestStaffUpdate(t *testing.T) {
	p := newPractice(t)
	s, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	s.LastName = "Nurse"
	s.RestrictOffices = true
	s.OfficeIDs = []int64{p.office.ID}
	s.HomePhone = "+1 212 555 0199"
	s.SupportPIN = "583920"
	u, err := p.svc.Staff.Update(ctx(t), s)
	if err != nil {
		t.Fatal(err)
	}
	if u.LastName != "Nurse" || len(u.OfficeNames) != 1 || u.OfficeNames[0] != "Main Street Clinic" || u.HomePhone != "+12125550199" || u.SupportPIN != "583920" {
		t.Fatalf("updated %+v", u)
	}
	if u.Status != app.StatusPending {
		t.Fatalf("Update changed the status to %s", u.Status)
	}
	// Another account cannot take this email.
	n := p.camille()
	n.Username, n.Email = "other", "other@email.xyz"
	o, err := p.svc.Staff.Create(ctx(t), n)
	if err != nil {
		t.Fatal(err)
	}
	o.Email = "CAMILLES@email.xyz"
	if _, err := p.svc.Staff.Update(ctx(t), o); !strings.Contains(app.ErrorFields(err)[app.FieldEmail], "already used by camilles") {
		t.Fatalf("email clash on update: %v", err)
	}
}

func TestStaffStatusAndDelete(t *testing.T) {
	p := newPractice(t)
	s, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.svc.Staff.Deactivate(ctx(t), s.ID)
	if err != nil || d.Status != app.StatusInactive {
		t.Fatalf("Deactivate = %v, %v", d, err)
	}
	if _, err := p.svc.Staff.Deactivate(ctx(t), s.ID); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("second Deactivate: %v", err)
	}
	// Never activated: back to Pending activation.
	r, err := p.svc.Staff.Reactivate(ctx(t), s.ID)
	if err != nil || r.Status != app.StatusPending {
		t.Fatalf("Reactivate = %v, %v", r, err)
	}
	err = p.svc.Staff.Delete(ctx(t), s.ID, "camille")
	if app.ErrorFields(err)[app.FieldConfirmUsername] == "" {
		t.Fatalf("Delete with the wrong confirmation: %v", err)
	}
	if err := p.svc.Staff.Delete(ctx(t), s.ID, " CamilleS "); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.Staff.Get(ctx(t), s.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("Get after Delete: %v", err)
	}
}

func TestProviderDeactivationGuard(t *testing.T) {
	p := newPractice(t)
	if _, err := p.svc.Staff.Create(ctx(t), p.camille()); err != nil {
		t.Fatal(err)
	}
	err := p.svc.Directory.SetProviderActive(ctx(t), p.kate.ID, false)
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(app.ErrorMessage(err), "primary provider of 1 staff member") {
		t.Fatalf("deactivating a provider in use: %v", err)
	}
	_, err = p.svc.Directory.SaveProvider(ctx(t), &app.Provider{FirstName: "Bad", LastName: "Npi", NPI: "1234567890"})
	if app.ErrorFields(err)[app.FieldNPI] == "" {
		t.Fatalf("bad NPI accepted: %v", err)
	}
	_, err = p.svc.Directory.SaveRole(ctx(t), &app.Role{Name: "nurse"})
	if app.ErrorCode(err) != app.ECONFLICT || app.ErrorFields(err)[app.FieldName] == "" {
		t.Fatalf("duplicate role: %v", err)
	}
}
