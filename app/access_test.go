package app_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// The access tests run the real services over a real file (the mail rig, with its
// hand-moved clock and SMTP server) with people who hold exactly one permission each,
// signed in as they would be at a desk.

// person is one account, active and signed in.
type person struct {
	st       *app.Staff
	password string
	ctx      context.Context
}

// accessRig is a practice with a role for each permission carrying only it, and a
// person holding each, plus one holding none.
type accessRig struct {
	*mailRig
	only    map[app.Permission]*app.Role
	none    *app.Role
	holders map[app.Permission]*person
	nobody  *person
	seq     int
}

const personPassword = "Violet-Anchor-Pebble-Cloud-19"

func newAccessRig(t *testing.T) *accessRig {
	t.Helper()
	r := newMailRig(t, rigOptions{})
	r.svc.SetPasswordHash(app.CheapPasswordHash) // the administrator's stays the real one
	r.setUp(r.settings())
	f := &accessRig{mailRig: r, only: map[app.Permission]*app.Role{}, holders: map[app.Permission]*person{}}
	f.none = f.newRole("No Permissions")
	for _, p := range app.AllPermissions {
		f.only[p] = f.newRole("Only " + p.Label())
		f.grant(f.only[p], p)
		f.holders[p] = f.newPerson(f.only[p])
	}
	f.nobody = f.newPerson(f.none)
	return f
}

// next is a number no earlier call returned, for unique names.
func (f *accessRig) next() int { f.seq++; return f.seq }

// newRole adds a role without permissions, as the administrator.
func (f *accessRig) newRole(name string) *app.Role {
	f.t.Helper()
	r, err := f.svc.Directory.SaveRole(f.ctx(), &app.Role{Name: name})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// grant ticks perm on role as the administrator, keeping role's version current.
func (f *accessRig) grant(role *app.Role, perm app.Permission) {
	f.t.Helper()
	got, err := f.svc.Permissions.SetRolePermission(f.ctx(), role.ID, role.Version, perm, true)
	if err != nil {
		f.t.Fatal(err)
	}
	*role = *got
}

// newAccount creates a Pending account with role as the administrator.
func (f *accessRig) newAccount(role *app.Role, edit ...func(*app.NewStaff)) *app.Staff {
	f.t.Helper()
	u := fmt.Sprintf("staff%03d", f.next())
	n := &app.NewStaff{Staff: app.Staff{FirstName: "Sam", LastName: "Staff", ProviderID: f.provider, RoleID: role.ID,
		Email: u + "@email.xyz", Username: u, UnlockPIN: "8453"}, Password: personPassword, ConfirmPassword: personPassword}
	for _, e := range edit {
		e(n)
	}
	st, err := f.svc.Staff.Create(f.ctx(), n)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// activate activates a Pending account with the code from its email.
func (f *accessRig) activate(st *app.Staff) *app.Staff {
	f.t.Helper()
	got, err := f.svc.Accounts.Activate(context.Background(), st.Username, f.peekCode(f.message(app.MailActivation, st.Email)))
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

// newPerson is an active account with role, signed in.
func (f *accessRig) newPerson(role *app.Role, edit ...func(*app.NewStaff)) *person {
	f.t.Helper()
	p := &person{st: f.activate(f.newAccount(role, edit...)), password: personPassword}
	p.ctx = f.signIn(p)
	return p
}

// signIn opens a new session of p.
func (f *accessRig) signIn(p *person) context.Context {
	f.t.Helper()
	in, err := f.svc.Session.SignIn(context.Background(), p.st.Username, p.password, "desk")
	if err != nil {
		f.t.Fatalf("sign in %s: %v", p.st.Username, err)
	}
	return app.WithSession(context.Background(), in.Token)
}

// snapshot is everything a service call could change, read through the store.
func (f *accessRig) snapshot() string {
	f.t.Helper()
	var b strings.Builder
	err := f.db.Read(context.Background(), func(tx app.Tx) error {
		staff, err := tx.FindStaff(app.StaffFilter{})
		if err != nil {
			return err
		}
		for _, s := range staff {
			full, err := tx.Staff(s.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "staff %d v%d %s role %d offices %v %v pins %s/%s email %s\n", s.ID, s.Version, s.Status, s.RoleID,
				s.RestrictOffices, s.OfficeIDs, full.UnlockPIN, full.SupportPIN, full.Email)
			fmt.Fprintf(&b, "  signin %+v\n", s.SignIn)
			hash, err := tx.PasswordHash(s.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "  hash %s\n", hash)
			live, err := tx.LiveSessions(s.ID)
			if err != nil {
				return err
			}
			for _, l := range live {
				fmt.Fprintf(&b, "  session %d\n", l.ID)
			}
			for _, k := range []app.CodeKind{app.CodeActivation, app.CodePasswordReset, app.CodeEmailChange} {
				if c, err := tx.LiveCode(s.ID, k); err == nil {
					fmt.Fprintf(&b, "  code %s %d\n", k, c.ID)
				} else if app.ErrorCode(err) != app.ENOTFOUND {
					return err
				}
			}
		}
		roles, err := tx.Roles()
		if err != nil {
			return err
		}
		for _, r := range roles {
			fmt.Fprintf(&b, "role %d v%d %v %v %s\n", r.ID, r.Version, r.Active, r.Permissions, r.Name)
		}
		provs, err := tx.Providers()
		if err != nil {
			return err
		}
		for _, p := range provs {
			fmt.Fprintf(&b, "provider %d v%d %v\n", p.ID, p.Version, p.Active)
		}
		offices, err := tx.Offices()
		if err != nil {
			return err
		}
		for _, o := range offices {
			fmt.Fprintf(&b, "office %d v%d %v\n", o.ID, o.Version, o.Active)
		}
		ctrs, err := tx.CareTeamRoles()
		if err != nil {
			return err
		}
		for _, c := range ctrs {
			fmt.Fprintf(&b, "care team role %d v%d %v\n", c.ID, c.Version, c.Active)
		}
		mail, err := tx.OutboxMessages(app.OutboxLimit)
		if err != nil {
			return err
		}
		for _, m := range mail {
			fmt.Fprintf(&b, "mail %d %s %s\n", m.ID, m.Status, m.NextAttemptAt)
		}
		set, err := tx.Settings("")
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "settings %v\n", set)
		p, err := tx.Practice()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "practice %+v\n", *p)
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	fmt.Fprintf(&b, "delivered %d\n", len(f.srv.Messages()))
	f.keychain.mu.Lock()
	fmt.Fprintf(&b, "keychain %v\n", f.keychain.items)
	f.keychain.mu.Unlock()
	return b.String()
}

// mailTo returns the id of the newest message to address.
func (f *accessRig) mailTo(address string) int64 {
	f.t.Helper()
	for _, m := range f.outbox() {
		if m.ToAddress == address {
			return m.ID
		}
	}
	f.t.Fatalf("no message to %s", address)
	return 0
}

// serviceAction is one thing a window can ask of the services, and the permission it
// needs (anyone: none). prepare runs as the administrator before each try and returns
// the call, made with the acting person's context.
type serviceAction struct {
	name    string
	need    app.Permission
	prepare func(f *accessRig, actor *person) func(c context.Context) error
}

const anyone app.Permission = ""

func ignore[T any](_ T, err error) error { return err }

// serviceActions are every service action a signed-in person can take.
func serviceActions() []serviceAction {
	ma, mp, mperm := app.PermManageAccounts, app.PermManagePractice, app.PermManagePermissions
	target := func(f *accessRig) *app.Staff { return f.newAccount(f.none) }
	return []serviceAction{
		{"Staff.List", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Staff.List(c)) }
		}},
		{"Staff.Get", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error { return ignore(f.svc.Staff.Get(c, st.ID)) }
		}},
		{"Staff.Create", ma, func(f *accessRig, _ *person) func(context.Context) error {
			u := fmt.Sprintf("made%03d", f.next())
			return func(c context.Context) error {
				return ignore(f.svc.Staff.Create(c, &app.NewStaff{Staff: app.Staff{FirstName: "Made", LastName: "Here",
					ProviderID: f.provider, RoleID: f.none.ID, Email: u + "@email.xyz", Username: u, UnlockPIN: "8453"},
					Password: personPassword, ConfirmPassword: personPassword}))
			}
		}},
		{"Staff.Update", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error {
				got, err := f.svc.Staff.Get(c, st.ID)
				if err != nil {
					return err
				}
				got.LastName = "Renamed"
				return ignore(f.svc.Staff.Update(c, got))
			}
		}},
		{"Staff.Deactivate", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error { return ignore(f.svc.Staff.Deactivate(c, st.ID, st.Version)) }
		}},
		{"Staff.Reactivate", ma, func(f *accessRig, _ *person) func(context.Context) error {
			t0 := target(f)
			st, err := f.svc.Staff.Deactivate(f.ctx(), t0.ID, t0.Version)
			if err != nil {
				f.t.Fatal(err)
			}
			return func(c context.Context) error { return ignore(f.svc.Staff.Reactivate(c, st.ID, st.Version)) }
		}},
		{"Staff.Delete", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error { return ignore(f.svc.Staff.Delete(c, st.ID, st.Version, st.Username)) }
		}},
		{"Staff.Unlock", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error { return ignore(f.svc.Staff.Unlock(c, st.ID)) }
		}},
		{"Accounts.ResendActivation", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error { return f.svc.Accounts.ResendActivation(c, st.ID, st.Version) }
		}},
		{"Accounts.RequestPasswordReset", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error { return f.svc.Accounts.RequestPasswordReset(c, st.ID, st.Version) }
		}},
		{"Accounts.RequestEmailChange", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			return func(c context.Context) error {
				return f.svc.Accounts.RequestEmailChange(c, st.ID, fmt.Sprintf("new%03d@email.xyz", f.next()))
			}
		}},
		{"Accounts.CancelEmailChange", ma, func(f *accessRig, _ *person) func(context.Context) error {
			st := target(f)
			if err := f.svc.Accounts.RequestEmailChange(f.ctx(), st.ID, fmt.Sprintf("new%03d@email.xyz", f.next())); err != nil {
				f.t.Fatal(err)
			}
			return func(c context.Context) error { return f.svc.Accounts.CancelEmailChange(c, st.ID) }
		}},
		{"Directory.Load", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Directory.Load(c)) }
		}},
		{"Directory.SaveProvider", mp, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error {
				return ignore(f.svc.Directory.SaveProvider(c, &app.Provider{FirstName: "New", LastName: "Provider"}))
			}
		}},
		{"Directory.SetProviderActive", mp, func(f *accessRig, _ *person) func(context.Context) error {
			p, err := f.svc.Directory.SaveProvider(f.ctx(), &app.Provider{FirstName: "Spare", LastName: "Provider"})
			if err != nil {
				f.t.Fatal(err)
			}
			return func(c context.Context) error { return f.svc.Directory.SetProviderActive(c, p.ID, p.Version, false) }
		}},
		{"Directory.SaveOffice", mp, func(f *accessRig, _ *person) func(context.Context) error {
			name := fmt.Sprintf("Office %d", f.next())
			return func(c context.Context) error { return ignore(f.svc.Directory.SaveOffice(c, &app.Office{Name: name})) }
		}},
		{"Directory.SetOfficeActive", mp, func(f *accessRig, _ *person) func(context.Context) error {
			o, err := f.svc.Directory.SaveOffice(f.ctx(), &app.Office{Name: fmt.Sprintf("Office %d", f.next())})
			if err != nil {
				f.t.Fatal(err)
			}
			return func(c context.Context) error { return f.svc.Directory.SetOfficeActive(c, o.ID, o.Version, false) }
		}},
		{"Directory.SaveRole", mp, func(f *accessRig, _ *person) func(context.Context) error {
			name := fmt.Sprintf("Role %d", f.next())
			return func(c context.Context) error { return ignore(f.svc.Directory.SaveRole(c, &app.Role{Name: name})) }
		}},
		{"Directory.SetRoleActive", mp, func(f *accessRig, _ *person) func(context.Context) error {
			r := f.newRole(fmt.Sprintf("Role %d", f.next()))
			return func(c context.Context) error { return f.svc.Directory.SetRoleActive(c, r.ID, r.Version, false) }
		}},
		{"Directory.SaveCareTeamRole", mp, func(f *accessRig, _ *person) func(context.Context) error {
			name := fmt.Sprintf("Care %d (occupation)", f.next())
			return func(c context.Context) error {
				return ignore(f.svc.Directory.SaveCareTeamRole(c, &app.CareTeamRole{Name: name}))
			}
		}},
		{"Directory.SetCareTeamRoleActive", mp, func(f *accessRig, _ *person) func(context.Context) error {
			r, err := f.svc.Directory.SaveCareTeamRole(f.ctx(), &app.CareTeamRole{Name: fmt.Sprintf("Care %d (occupation)", f.next())})
			if err != nil {
				f.t.Fatal(err)
			}
			return func(c context.Context) error { return f.svc.Directory.SetCareTeamRoleActive(c, r.ID, r.Version, false) }
		}},
		{"Outbox.List", mp, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Outbox.List(c)) }
		}},
		{"Outbox.Get", mp, func(f *accessRig, _ *person) func(context.Context) error {
			id := f.mailTo(target(f).Email)
			return func(c context.Context) error { return ignore(f.svc.Outbox.Get(c, id)) }
		}},
		{"Outbox.RetryNow", mp, func(f *accessRig, _ *person) func(context.Context) error {
			id := f.mailTo(target(f).Email)
			f.clock.Advance(1) // so that "due now" is a change
			return func(c context.Context) error { return f.svc.Outbox.RetryNow(c, id) }
		}},
		{"Outbox.Cancel", mp, func(f *accessRig, _ *person) func(context.Context) error {
			id := f.mailTo(target(f).Email)
			return func(c context.Context) error { return f.svc.Outbox.Cancel(c, id) }
		}},
		{"Outbox.View", mp, func(f *accessRig, _ *person) func(context.Context) error {
			id := f.mailTo(target(f).Email)
			return func(c context.Context) error { return ignore(f.svc.Outbox.View(c, id)) }
		}},
		{"Outbox.EML", mp, func(f *accessRig, _ *person) func(context.Context) error {
			id := f.mailTo(target(f).Email)
			return func(c context.Context) error { return ignore(f.svc.Outbox.EML(c, id)) }
		}},
		{"Outbox.Summary", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Outbox.Summary(c)) }
		}},
		{"Outbox.Health", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Outbox.Health(c)) }
		}},
		{"EmailSettings.Load", mp, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.EmailSettings.Load(c)) }
		}},
		{"EmailSettings.Save", mp, func(f *accessRig, _ *person) func(context.Context) error {
			s := f.settings()
			s.FromName = fmt.Sprintf("Desk %d", f.next())
			return func(c context.Context) error { return f.svc.EmailSettings.Save(c, s, app.SaveEmailOptions{}) }
		}},
		{"EmailSettings.SendTestEmail", mp, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return f.svc.EmailSettings.SendTestEmail(c, "test@email.xyz") }
		}},
		{"Permissions.Matrix", mperm, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Permissions.Matrix(c)) }
		}},
		{"Permissions.SetRolePermission", mperm, func(f *accessRig, _ *person) func(context.Context) error {
			r := f.newRole(fmt.Sprintf("Role %d", f.next()))
			return func(c context.Context) error {
				return ignore(f.svc.Permissions.SetRolePermission(c, r.ID, r.Version, app.PermManagePermissions, true))
			}
		}},
		{"Practice.Get", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Practice.Get(c)) }
		}},
		{"Practice.Save", mp, func(f *accessRig, _ *person) func(context.Context) error {
			info, err := f.svc.Practice.Get(f.ctx())
			if err != nil {
				f.t.Fatal(err)
			}
			name := fmt.Sprintf("Practice %d", f.next())
			return func(c context.Context) error {
				return ignore(f.svc.Practice.Save(c, name, 500, info.Practice.Version))
			}
		}},
		{"Practice.Usage", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Practice.Usage(c)) }
		}},
		{"Dashboard.Summary", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Dashboard.Summary(c)) }
		}},
		{"Session.Me", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Session.Me(c)) }
		}},
		{"Session.SetUnlockPIN", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Session.SetUnlockPIN(c, "5817")) }
		}},
		{"Session.ChangePassword", anyone, func(f *accessRig, actor *person) func(context.Context) error {
			return func(c context.Context) error {
				return f.svc.Session.ChangePassword(c, actor.password, "Second-Violet-Anchor-Pebble-20", "Second-Violet-Anchor-Pebble-20")
			}
		}},
		{"Session.Sessions", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return ignore(f.svc.Session.Sessions(c)) }
		}},
		{"Session.EndSession", anyone, func(f *accessRig, actor *person) func(context.Context) error {
			other := f.signIn(actor)
			list, err := f.svc.Session.Sessions(other)
			if err != nil {
				f.t.Fatal(err)
			}
			var id int64
			for _, s := range list {
				if s.Current {
					id = s.ID
				}
			}
			return func(c context.Context) error { return f.svc.Session.EndSession(c, id) }
		}},
		{"Session.SignOut", anyone, func(f *accessRig, _ *person) func(context.Context) error {
			return func(c context.Context) error { return f.svc.Session.SignOut(c) }
		}},
	}
}

// Every action × with and without the permission it needs, at service level: without
// it the call is refused (EFORBIDDEN) and nothing changes; with it (and nothing else)
// it goes through. An action anyone may take goes through for a person without any
// permission.
func TestPermissionMatrix(t *testing.T) {
	f := newAccessRig(t)
	actions := serviceActions()
	if len(actions) != 44 {
		t.Fatalf("%d actions listed", len(actions))
	}
	for _, a := range actions {
		t.Run(a.name, func(t *testing.T) {
			f.t = t
			try := func(actor *person) (error, bool) {
				t.Helper()
				call := a.prepare(f, actor)
				c := f.signIn(actor)
				before := f.snapshot()
				err := call(c)
				return err, f.snapshot() == before
			}
			if a.need == anyone {
				fresh := f.newPerson(f.none)
				if err, _ := try(fresh); err != nil {
					t.Fatalf("without any permission: %v", err)
				}
				return
			}
			for _, p := range app.AllPermissions {
				if p == a.need {
					continue
				}
				err, same := try(f.holders[p])
				wantCode(t, err, app.EFORBIDDEN, a.need.Label())
				if !same {
					t.Errorf("holding only %s: the refused call changed something", p.Label())
				}
			}
			err, same := try(f.nobody)
			wantCode(t, err, app.EFORBIDDEN, a.need.Label())
			if !same {
				t.Errorf("holding nothing: the refused call changed something")
			}
			if err, _ := try(f.holders[a.need]); err != nil {
				t.Fatalf("holding only %s: %v", a.need.Label(), err)
			}
		})
	}
}

// Every action but signing out needs a live session: without one, or with one that
// ended, the call is refused (ESIGNEDOUT, with why) and nothing changes. Signing out
// of no session does nothing.
func TestSignedOut_EveryAction(t *testing.T) {
	f := newAccessRig(t)
	admin := &person{st: mustMe(t, f.svc, f.ctx()), password: testAdminPassword}
	for _, a := range serviceActions() {
		t.Run(a.name, func(t *testing.T) {
			f.t = t
			for _, tc := range []struct {
				name   string
				ctx    func() context.Context
				reason app.SessionEnd
			}{
				{"no session", func() context.Context { return context.Background() }, ""},
				{"unknown token", func() context.Context { return app.WithSession(context.Background(), "not-a-token") }, ""},
				{"signed out", func() context.Context {
					c := f.signIn(admin)
					if err := f.svc.Session.SignOut(c); err != nil {
						t.Fatal(err)
					}
					return c
				}, app.EndSignedOut},
			} {
				call := a.prepare(f, admin)
				c := tc.ctx()
				before := f.snapshot()
				err := call(c)
				if f.snapshot() != before {
					t.Errorf("%s: the refused call changed something", tc.name)
				}
				if a.name == "Session.SignOut" {
					if err != nil {
						t.Errorf("%s: signing out: %v", tc.name, err)
					}
					continue
				}
				if app.ErrorCode(err) != app.ESIGNEDOUT {
					t.Fatalf("%s: %v, want ESIGNEDOUT", tc.name, err)
				}
				if reason, ok := app.SignedOutReason(err); !ok || reason != tc.reason {
					t.Errorf("%s: reason %q (%v), want %q", tc.name, reason, ok, tc.reason)
				}
				if app.ErrorMessage(err) == "" {
					t.Errorf("%s: no message for the person", tc.name)
				}
			}
		})
	}
}

func mustMe(t *testing.T, svc *app.Services, c context.Context) *app.Staff {
	t.Helper()
	me, err := svc.Session.Me(c)
	if err != nil {
		t.Fatal(err)
	}
	return me
}

// The permissions the one-permission roles carry are exactly the one.
func TestAccessRig_RolesCarryOnePermission(t *testing.T) {
	f := newAccessRig(t)
	for _, p := range app.AllPermissions {
		me := mustMe(t, f.svc, f.holders[p].ctx)
		if !reflect.DeepEqual(me.Permissions, app.PermissionSet{p}) {
			t.Errorf("holder of %s: %v", p.Label(), me.Permissions)
		}
	}
	if me := mustMe(t, f.svc, f.nobody.ctx); len(me.Permissions) != 0 {
		t.Errorf("holder of nothing: %v", me.Permissions)
	}
}
