package app_test

import (
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
	svc := app.NewServices(db, app.MailOptions{Digester: secrets.NewDigester(key)})
	signInAdmin(tb, svc)
	return svc, db
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
	if err := svc.Directory.SetProviderActive(c, p.gone.ID, p.gone.Version, false); err != nil {
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
	if err != nil || len(list) != 2 { // the administrator and Camille
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
	saved, err := p.svc.Staff.Update(ctx(t), s)
	if err != nil {
		t.Fatal(err)
	}
	u := saved.Staff
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
	d, err := p.svc.Staff.Deactivate(ctx(t), s.ID, s.Version)
	if err != nil || d.Status != app.StatusInactive {
		t.Fatalf("Deactivate = %v, %v", d, err)
	}
	if _, err := p.svc.Staff.Deactivate(ctx(t), s.ID, d.Version); app.ErrorCode(err) != app.ECONFLICT || app.IsChanged(err) {
		t.Fatalf("second Deactivate: %v", err)
	}
	// Never activated: back to Pending activation.
	r, err := p.svc.Staff.Reactivate(ctx(t), s.ID, d.Version)
	if err != nil || r.Status != app.StatusPending {
		t.Fatalf("Reactivate = %v, %v", r, err)
	}
	_, err = p.svc.Staff.Delete(ctx(t), s.ID, r.Version, "camille")
	if app.ErrorFields(err)[app.FieldConfirmUsername] == "" {
		t.Fatalf("Delete with the wrong confirmation: %v", err)
	}
	if _, err := p.svc.Staff.Delete(ctx(t), s.ID, r.Version, " CamilleS "); err != nil {
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
	err := p.svc.Directory.SetProviderActive(ctx(t), p.kate.ID, p.kate.Version, false)
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

// Two Edit windows on one account: the second Save must not silently undo the first.
// It is refused, saying so; saved again over the current version ("Keep my changes"),
// it goes through.
func TestStaffUpdate_StaleSaveRefused(t *testing.T) {
	p := newPractice(t)
	s, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	first, second := *s, *s
	first.LastName = "Nurse"
	if _, err := p.svc.Staff.Update(ctx(t), &first); err != nil {
		t.Fatal(err)
	}
	second.CellPhone = "(212) 555-0199"
	_, err = p.svc.Staff.Update(ctx(t), &second)
	wantCode(t, err, app.ECONFLICT, "Camille's account was changed since you opened it: reload or keep your changes")
	if !app.IsChanged(err) {
		t.Fatalf("stale save: %v, want IsChanged", err)
	}
	got, err := p.svc.Staff.Get(ctx(t), s.ID)
	if err != nil || got.LastName != "Nurse" || got.CellPhone != "+12125550123" {
		t.Fatalf("after the refused save: %+v, %v", got, err)
	}

	// A status change moves the version on too.
	if _, err := p.svc.Staff.Deactivate(ctx(t), s.ID, got.Version); err != nil {
		t.Fatal(err)
	}
	second.Version = got.Version
	_, err = p.svc.Staff.Update(ctx(t), &second)
	if !app.IsChanged(err) {
		t.Fatalf("save from before the deactivation: %v, want IsChanged", err)
	}

	// Keep my changes: the same values over the version as it is now.
	if got, err = p.svc.Staff.Get(ctx(t), s.ID); err != nil {
		t.Fatal(err)
	}
	second.Version = got.Version
	saved, err := p.svc.Staff.Update(ctx(t), &second)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Staff.CellPhone != "+12125550199" || saved.Staff.Status != app.StatusInactive || saved.Staff.Version != got.Version+1 {
		t.Fatalf("kept changes: %+v", saved.Staff)
	}
}

// Edit open on the newest account, the account deleted, another created: the new one
// has an id of its own, and Save in the old window saves over no one.
func TestStaffUpdate_DeletedThenCreated(t *testing.T) {
	p := newPractice(t)
	other := p.camille()
	other.Username, other.Email = "first", "first@email.xyz"
	if _, err := p.svc.Staff.Create(ctx(t), other); err != nil {
		t.Fatal(err)
	}
	camille, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	window := *camille
	if _, err := p.svc.Staff.Delete(ctx(t), camille.ID, camille.Version, "camilles"); err != nil {
		t.Fatal(err)
	}
	n := p.camille()
	n.FirstName, n.Username, n.Email = "Marcus", "marcus", "marcus@email.xyz"
	marcus, err := p.svc.Staff.Create(ctx(t), n)
	if err != nil {
		t.Fatal(err)
	}
	if marcus.ID == camille.ID {
		t.Fatalf("the new account got the deleted account's id %d", marcus.ID)
	}
	window.LastName = "Nurse"
	_, err = p.svc.Staff.Update(ctx(t), &window)
	wantCode(t, err, app.ENOTFOUND, "Camille's account was deleted since you opened it.")
	got, err := p.svc.Staff.Get(ctx(t), marcus.ID)
	if err != nil || got.FirstName != "Marcus" || got.LastName != "Staff" {
		t.Fatalf("the new account after the old window's save: %+v, %v", got, err)
	}
}

// The same for providers, offices, roles and care team roles: the second of two saves
// from the same copy is refused.
func TestDirectory_StaleSavesRefused(t *testing.T) {
	p := newPractice(t)
	c := ctx(t)
	dir := p.svc.Directory

	kate := *p.kate
	kate.Credentials = "DO"
	if _, err := dir.SaveProvider(c, &kate); err != nil {
		t.Fatal(err)
	}
	stale := *p.kate
	stale.Suffix = "Jr."
	_, err := dir.SaveProvider(c, &stale)
	wantCode(t, err, app.ECONFLICT, "Kate Provider, DO was changed since you opened it: reload or keep your changes")

	office := *p.office
	office.Phone = "(212) 555-0100"
	if _, err := dir.SaveOffice(c, &office); err != nil {
		t.Fatal(err)
	}
	_, err = dir.SaveOffice(c, p.office)
	wantCode(t, err, app.ECONFLICT, "The office Main Street Clinic was changed since you opened it")

	role, err := dir.SaveRole(c, &app.Role{Name: "Scribe"})
	if err != nil {
		t.Fatal(err)
	}
	if err := dir.SetRoleActive(c, role.ID, role.Version, false); err != nil { // the other desk
		t.Fatal(err)
	}
	renamed := *role
	renamed.Name = "Medical Scribe"
	_, err = dir.SaveRole(c, &renamed)
	wantCode(t, err, app.ECONFLICT, "The role Scribe was changed since you opened it")

	ctr, err := dir.SaveCareTeamRole(c, &app.CareTeamRole{Name: "Doula (occupation)"})
	if err != nil {
		t.Fatal(err)
	}
	a, b := *ctr, *ctr
	a.Name = "Birth doula (occupation)"
	if _, err := dir.SaveCareTeamRole(c, &a); err != nil {
		t.Fatal(err)
	}
	b.Name = "Postpartum doula (occupation)"
	_, err = dir.SaveCareTeamRole(c, &b)
	wantCode(t, err, app.ECONFLICT, "The care team role Birth doula (occupation) was changed since you opened it")
	if !app.IsChanged(err) {
		t.Fatalf("stale care team role: %v", err)
	}

	// The store's unique refusals are worded by the service, naming who has the value.
	_, err = dir.SaveOffice(c, &app.Office{Name: "MAIN street clinic"})
	wantCode(t, err, app.ECONFLICT, "An office named MAIN street clinic already exists.")
	if _, err := dir.SaveProvider(c, &app.Provider{FirstName: "Hannah", LastName: "Provider", NPI: "1234567893"}); err != nil {
		t.Fatal(err)
	}
	_, err = dir.SaveProvider(c, &app.Provider{FirstName: "Zoe", LastName: "Park", NPI: "1234567893"})
	wantCode(t, err, app.ECONFLICT, "The NPI 1234567893 is already used by Hannah Provider.")
}

// A role, care team role or office made inactive is refused by the service for a new
// account and for one that did not have it; an account that already has it keeps it.
func TestStaff_InactiveDirectoryRecordsRefused(t *testing.T) {
	p := newPractice(t)
	c := ctx(t)
	dir := p.svc.Directory
	riverside, err := dir.SaveOffice(c, &app.Office{Name: "Riverside"})
	if err != nil {
		t.Fatal(err)
	}
	ctrs, err := dir.Load(c)
	if err != nil {
		t.Fatal(err)
	}
	ctr := ctrs.CareTeamRoles[0]

	n := p.camille()
	n.RoleID, n.CareTeamRoleID = p.frontDesk, ctr.ID
	n.RestrictOffices, n.OfficeIDs = true, []int64{riverside.ID}
	s, err := p.svc.Staff.Create(c, n)
	if err != nil {
		t.Fatal(err)
	}
	frontDesk := findRole(t, ctrs, p.frontDesk)
	for _, off := range []func() error{
		func() error { return dir.SetRoleActive(c, frontDesk.ID, frontDesk.Version, false) },
		func() error { return dir.SetCareTeamRoleActive(c, ctr.ID, ctr.Version, false) },
		func() error { return dir.SetOfficeActive(c, riverside.ID, riverside.Version, false) },
	} {
		if err := off(); err != nil {
			t.Fatal(err)
		}
	}

	// Kept on edit.
	s.LastName = "Nurse"
	saved, err := p.svc.Staff.Update(c, s)
	if err != nil {
		t.Fatalf("keeping inactive assignments: %v", err)
	}

	// Chosen anew: refused, on create and on edit.
	other := p.camille()
	other.Username, other.Email = "marcus", "marcus@email.xyz"
	other.RoleID, other.CareTeamRoleID = p.frontDesk, ctr.ID
	other.RestrictOffices, other.OfficeIDs = true, []int64{riverside.ID}
	_, err = p.svc.Staff.Create(c, other)
	fields := app.ErrorFields(err)
	for _, f := range []string{app.FieldRole, app.FieldCareTeamRole, app.FieldOffices} {
		if !strings.Contains(fields[f], "inactive") {
			t.Errorf("create: %s says %q, want it refused as inactive (%v)", f, fields[f], err)
		}
	}
	other.RoleID, other.CareTeamRoleID, other.RestrictOffices, other.OfficeIDs = p.nurse, 0, false, nil
	m, err := p.svc.Staff.Create(c, other)
	if err != nil {
		t.Fatal(err)
	}
	m.RoleID, m.CareTeamRoleID = p.frontDesk, ctr.ID
	m.RestrictOffices, m.OfficeIDs = true, []int64{riverside.ID, p.office.ID}
	_, err = p.svc.Staff.Update(c, m)
	fields = app.ErrorFields(err)
	for _, f := range []string{app.FieldRole, app.FieldCareTeamRole, app.FieldOffices} {
		if !strings.Contains(fields[f], "inactive") {
			t.Errorf("edit: %s says %q, want it refused as inactive (%v)", f, fields[f], err)
		}
	}
	// Adding an active office next to a kept inactive one is fine.
	u := *saved.Staff
	u.OfficeIDs = append(u.OfficeIDs, p.office.ID)
	if _, err := p.svc.Staff.Update(c, &u); err != nil {
		t.Fatalf("adding an active office: %v", err)
	}
}

func findRole(t *testing.T, dir *app.Directory, id int64) *app.Role {
	t.Helper()
	for _, r := range dir.Roles {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no role %d in %+v", id, dir.Roles)
	return nil
}

// Deactivate, Reactivate and Delete carry the version the window showed: an account
// changed since on another desk is left as it is, with the typed "changed" refusal.
// The account may have been given to someone else meanwhile: a deletion confirmed for
// what the dialog showed must not delete what it has become, though the username typed
// still matches.
func TestStaffStatusAndDelete_StaleCopyRefused(t *testing.T) {
	p := newPractice(t)
	seen, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	other := *seen // the other desk
	other.FirstName, other.Email = "Carla", "carla@email.xyz"
	moved, err := p.svc.Staff.Update(ctx(t), &other)
	if err != nil {
		t.Fatal(err)
	}

	_, err = p.svc.Staff.Deactivate(ctx(t), seen.ID, seen.Version)
	wantCode(t, err, app.ECONFLICT, "Carla's account was changed since you opened it")
	if !app.IsChanged(err) {
		t.Fatalf("stale Deactivate: %v, want IsChanged", err)
	}
	_, err = p.svc.Staff.Delete(ctx(t), seen.ID, seen.Version, "camilles")
	if !app.IsChanged(err) {
		t.Fatalf("stale Delete: %v, want IsChanged", err)
	}
	got, err := p.svc.Staff.Get(ctx(t), seen.ID)
	if err != nil || got.Status != app.StatusPending || got.FirstName != "Carla" {
		t.Fatalf("after the refused Deactivate and Delete: %+v, %v", got, err)
	}

	off, err := p.svc.Staff.Deactivate(ctx(t), seen.ID, moved.Staff.Version)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.Staff.Reactivate(ctx(t), seen.ID, moved.Staff.Version)
	if !app.IsChanged(err) {
		t.Fatalf("Reactivate from before the deactivation: %v, want IsChanged", err)
	}
	if got, _ := p.svc.Staff.Get(ctx(t), seen.ID); got.Status != app.StatusInactive {
		t.Fatalf("the refused Reactivate left the account %s", got.Status)
	}
	if _, err := p.svc.Staff.Reactivate(ctx(t), seen.ID, off.Version); err != nil {
		t.Fatal(err)
	}
}

// The directory's Deactivate and Reactivate carry the version too.
func TestDirectory_StaleToggleRefused(t *testing.T) {
	p := newPractice(t)
	c := ctx(t)
	dir := p.svc.Directory
	loaded, err := dir.Load(c)
	if err != nil {
		t.Fatal(err)
	}
	role := findRole(t, loaded, p.frontDesk)
	ctr := loaded.CareTeamRoles[0]
	for _, tc := range []struct {
		name   string
		change func() error // the other desk
		toggle func() error // from the copy loaded before
		active func(*app.Directory) bool
		words  string
	}{
		{"provider",
			func() error { k := *p.kate; k.Credentials = "DO"; _, err := dir.SaveProvider(c, &k); return err },
			func() error { return dir.SetProviderActive(c, p.kate.ID, p.kate.Version, false) },
			func(d *app.Directory) bool {
				return findByID(d.Providers, func(r *app.Provider) int64 { return r.ID }, p.kate.ID).Active
			},
			"Kate Provider, DO was changed since you opened it"},
		{"office",
			func() error { o := *p.office; o.Phone = "(212) 555-0100"; _, err := dir.SaveOffice(c, &o); return err },
			func() error { return dir.SetOfficeActive(c, p.office.ID, p.office.Version, false) },
			func(d *app.Directory) bool {
				return findByID(d.Offices, func(r *app.Office) int64 { return r.ID }, p.office.ID).Active
			},
			"The office Main Street Clinic was changed since you opened it"},
		{"role",
			func() error { r := *role; r.Name = "Reception"; _, err := dir.SaveRole(c, &r); return err },
			func() error { return dir.SetRoleActive(c, role.ID, role.Version, false) },
			func(d *app.Directory) bool {
				return findByID(d.Roles, func(r *app.Role) int64 { return r.ID }, role.ID).Active
			},
			"The role Reception was changed since you opened it"},
		{"care team role",
			func() error {
				r := *ctr
				r.Name = "Midwife (occupation)"
				_, err := dir.SaveCareTeamRole(c, &r)
				return err
			},
			func() error { return dir.SetCareTeamRoleActive(c, ctr.ID, ctr.Version, false) },
			func(d *app.Directory) bool {
				return findByID(d.CareTeamRoles, func(r *app.CareTeamRole) int64 { return r.ID }, ctr.ID).Active
			},
			"The care team role Midwife (occupation) was changed since you opened it"},
	} {
		if err := tc.change(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		err := tc.toggle()
		wantCode(t, err, app.ECONFLICT, tc.words)
		if !app.IsChanged(err) {
			t.Errorf("%s: stale deactivation %v, want IsChanged", tc.name, err)
		}
		now, err := dir.Load(c)
		if err != nil {
			t.Fatal(err)
		}
		if !tc.active(now) {
			t.Errorf("%s: deactivated from a stale copy", tc.name)
		}
	}
}

// findByID is the record of recs whose id is id, or nil.
func findByID[T any](recs []*T, idOf func(*T) int64, id int64) *T {
	for _, r := range recs {
		if idOf(r) == id {
			return r
		}
	}
	return nil
}
