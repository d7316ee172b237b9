package app_test

import (
	"context"
	"slices"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// roleNamed is the role of that name in the directory.
func (f *accessRig) roleNamed(name string) *app.Role {
	f.t.Helper()
	dir, err := f.svc.Directory.Load(f.ctx())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range dir.Roles {
		if r.Name == name {
			return r
		}
	}
	f.t.Fatalf("no role %s", name)
	return nil
}

func (f *accessRig) get(c context.Context, id int64) *app.Staff {
	f.t.Helper()
	st, err := f.svc.Staff.Get(c, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// Nobody deactivates, deletes or demotes themselves, or changes their own role's
// permissions.
func TestSelf_CannotDeactivateDeleteOrDemote(t *testing.T) {
	f := newAccessRig(t)
	manager := f.holders[app.PermManageAccounts]
	for _, p := range []*person{{st: f.get(f.ctx(), mustMe(t, f.svc, f.ctx()).ID), ctx: f.ctx()}, manager} {
		me := f.get(p.ctx, p.st.ID)
		before := f.snapshot()
		_, err := f.svc.Staff.Deactivate(p.ctx, me.ID, me.Version)
		wantCode(t, err, app.EFORBIDDEN, "your own account")
		_, err = f.svc.Staff.Delete(p.ctx, me.ID, me.Version, me.Username)
		wantCode(t, err, app.EFORBIDDEN, "your own account")
		demoted := *me
		demoted.RoleID = f.none.ID
		_, err = f.svc.Staff.Update(p.ctx, &demoted)
		if app.ErrorFields(err)[app.FieldRole] == "" {
			t.Fatalf("%s gave themselves another role: %v", me.Username, err)
		}
		if f.snapshot() != before {
			t.Fatalf("%s: a refused change of one's own account changed something", me.Username)
		}
		wantLive(t, f, p.ctx)
	}
	// One's own role's permissions, even holding Manage Permissions.
	admin := mustMe(t, f.svc, f.ctx())
	role := f.roleNamed(admin.RoleName)
	_, err := f.svc.Permissions.SetRolePermission(f.ctx(), role.ID, role.Version, app.PermSeePINs, false)
	wantCode(t, err, app.EFORBIDDEN, "your own role")
	holder := f.holders[app.PermManagePermissions]
	own := f.only[app.PermManagePermissions]
	_, err = f.svc.Permissions.SetRolePermission(holder.ctx, own.ID, own.Version, app.PermManagePermissions, false)
	wantCode(t, err, app.EFORBIDDEN, "your own role")
	m, err := f.svc.Permissions.Matrix(holder.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.MyRoleID != own.ID {
		t.Fatalf("MyRoleID %d, want %d", m.MyRoleID, own.ID)
	}
	for _, ra := range m.Roles {
		for _, p := range app.AllPermissions {
			want := ra.Role.ID != own.ID && p == app.PermManagePermissions
			if ra.Changeable[p] != want {
				t.Errorf("%s × %s: changeable %v, want %v", ra.Role.Name, p.Label(), ra.Changeable[p], want)
			}
		}
	}
}

// Nobody grants what they do not hold: not by ticking it on a role, not by giving a
// role that carries it, and not by managing an account whose role carries more than
// they hold.
func TestGrant_OnlyWhatOneHolds(t *testing.T) {
	f := newAccessRig(t)
	permHolder := f.holders[app.PermManagePermissions]
	role := f.newRole("Scribe")
	for _, p := range []app.Permission{app.PermManageAccounts, app.PermSeePINs, app.PermManagePractice} {
		_, err := f.svc.Permissions.SetRolePermission(permHolder.ctx, role.ID, role.Version, p, true)
		wantCode(t, err, app.EFORBIDDEN, "You do not hold "+p.Label())
	}
	if r := f.roleNamed("Scribe"); len(r.Permissions) != 0 {
		t.Fatalf("the refused grants gave %v", r.Permissions)
	}

	manager := f.holders[app.PermManageAccounts]
	n := &app.NewStaff{Staff: app.Staff{FirstName: "Grace", LastName: "Kim", ProviderID: f.provider, RoleID: f.only[app.PermSeePINs].ID,
		Email: "grace@email.xyz", Username: "gracek", UnlockPIN: "8453"}, Password: personPassword, ConfirmPassword: personPassword}
	_, err := f.svc.Staff.Create(manager.ctx, n)
	if msg := app.ErrorFields(err)[app.FieldRole]; msg == "" {
		t.Fatalf("creating an account with a role carrying See staff PINs: %v", err)
	}
	target := f.newAccount(f.none)
	st := f.get(manager.ctx, target.ID)
	st.RoleID = f.only[app.PermSeePINs].ID
	_, err = f.svc.Staff.Update(manager.ctx, st)
	if app.ErrorFields(err)[app.FieldRole] == "" {
		t.Fatalf("giving a role carrying See staff PINs: %v", err)
	}
	// An account above the manager: left alone.
	above := f.holders[app.PermSeePINs].st
	cur := f.get(f.ctx(), above.ID)
	_, err = f.svc.Staff.Deactivate(manager.ctx, cur.ID, cur.Version)
	wantCode(t, err, app.EFORBIDDEN, "permissions you do not hold")
	if err := f.svc.Accounts.RequestPasswordReset(manager.ctx, cur.ID, cur.Version); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("resetting the password of an account above: %v", err)
	}
	// Giving a role one holds all of is fine.
	st = f.get(manager.ctx, target.ID)
	st.RoleID = f.only[app.PermManageAccounts].ID
	if _, err := f.svc.Staff.Update(manager.ctx, st); err != nil {
		t.Fatal(err)
	}
}

// The practice always keeps an active holder of Manage Permissions: the last one
// cannot be deactivated, deleted or given another role, nor can the permission be
// unticked from their role, by anyone.
func TestLastManagePermissionsHolder(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.svc.SetPasswordHash(app.CheapPasswordHash)
	f := &accessRig{mailRig: r, only: map[app.Permission]*app.Role{}, holders: map[app.Permission]*person{}}
	f.none = f.newRole("No Permissions")
	// The Office Manager holds everything but Manage Permissions.
	om := f.newPerson(f.roleNamed("Office Manager"))
	if me := mustMe(t, f.svc, om.ctx); me.Permissions.Has(app.PermManagePermissions) || !me.Permissions.Has(app.PermManageAccounts) {
		t.Fatalf("the Office Manager holds %v", me.Permissions)
	}
	pat := mustMe(t, f.svc, f.ctx())
	adminRole := f.roleNamed(app.AdministratorRole)
	if got := activeHolders(t, f, f.ctx()); !slices.Equal(got, []string{testAdmin}) {
		t.Fatalf("holders %v", got)
	}
	before := f.snapshot()
	for _, c := range []context.Context{f.ctx(), om.ctx} {
		cur := f.get(f.ctx(), pat.ID)
		if _, err := f.svc.Staff.Deactivate(c, cur.ID, cur.Version); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("deactivating the last holder: %v", err)
		}
		if _, err := f.svc.Staff.Delete(c, cur.ID, cur.Version, cur.Username); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("deleting the last holder: %v", err)
		}
		cur.RoleID = f.roleNamed("Office Manager").ID
		if _, err := f.svc.Staff.Update(c, cur); err == nil {
			t.Errorf("giving the last holder another role")
		}
	}
	_, err := f.svc.Permissions.SetRolePermission(f.ctx(), adminRole.ID, adminRole.Version, app.PermManagePermissions, false)
	wantCode(t, err, app.EFORBIDDEN, "")
	_, err = f.svc.Permissions.SetRolePermission(om.ctx, adminRole.ID, adminRole.Version, app.PermManagePermissions, false)
	wantCode(t, err, app.EFORBIDDEN, "Manage Permissions")
	if f.snapshot() != before {
		t.Fatal("a refused change changed something")
	}
	if got := activeHolders(t, f, f.ctx()); !slices.Equal(got, []string{testAdmin}) {
		t.Fatalf("holders %v", got)
	}

	// With a second administrator, either can be moved: the other still holds it.
	second := f.newPerson(adminRole)
	cur := f.get(second.ctx, pat.ID)
	cur.RoleID = f.roleNamed("Office Manager").ID
	if _, err := f.svc.Staff.Update(second.ctx, cur); err != nil {
		t.Fatalf("moving the first administrator with a second one: %v", err)
	}
	wantSignedOut(t, f, f.ctx(), app.EndRoleChanged)
	if got := activeHolders(t, f, second.ctx); !slices.Equal(got, []string{second.st.Username}) {
		t.Fatalf("holders %v", got)
	}
	// And now the second is the last one.
	me := f.get(second.ctx, second.st.ID)
	if _, err := f.svc.Staff.Deactivate(second.ctx, me.ID, me.Version); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("the last holder deactivated themselves: %v", err)
	}
}

// activeHolders are the usernames of the active holders of Manage Permissions, as
// the Permissions window shows them to c's person.
func activeHolders(t *testing.T, f *accessRig, c context.Context) []string {
	t.Helper()
	m, err := f.svc.Permissions.Matrix(c)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ra := range m.Roles {
		if ra.Role.Permissions.Has(app.PermManagePermissions) {
			for _, h := range ra.Holders {
				if h.Status == app.StatusActive {
					out = append(out, h.Username)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// The PINs of others are blank (PINsHidden) without See staff PINs; one's own are
// always there; an edit by someone who cannot see them keeps the stored ones.
func TestPINs_SeenOnlyWithThePermission(t *testing.T) {
	f := newAccessRig(t)
	target := f.newAccount(f.none)
	stored := f.get(f.ctx(), target.ID)
	if stored.UnlockPIN != "8453" || len(stored.SupportPIN) != 6 || stored.PINsHidden {
		t.Fatalf("the administrator's view: %+v", stored)
	}
	readers := []*person{f.nobody}
	for _, perm := range app.AllPermissions {
		if perm != app.PermSeePINs {
			readers = append(readers, f.holders[perm])
		}
	}
	for _, p := range readers {
		got := f.get(p.ctx, target.ID)
		if got.UnlockPIN != "" || got.SupportPIN != "" || !got.PINsHidden {
			t.Errorf("%s (%v) sees %q/%q hidden=%v", p.st.Username, mustMe(t, f.svc, p.ctx).Permissions, got.UnlockPIN, got.SupportPIN, got.PINsHidden)
		}
		own := f.get(p.ctx, p.st.ID)
		me := mustMe(t, f.svc, p.ctx)
		if own.UnlockPIN != "8453" || own.PINsHidden || me.UnlockPIN != "8453" || len(me.SupportPIN) != 6 {
			t.Errorf("%s does not see their own PINs: %+v", p.st.Username, own)
		}
	}
	if got := f.get(f.holders[app.PermSeePINs].ctx, target.ID); got.UnlockPIN != "8453" || got.SupportPIN != stored.SupportPIN || got.PINsHidden {
		t.Errorf("with See staff PINs: %+v", got)
	}

	// An edit by a manager who cannot see them keeps them, whatever the window sent.
	manager := f.holders[app.PermManageAccounts]
	st := f.get(manager.ctx, target.ID)
	st.LastName = "Renamed"
	saved, err := f.svc.Staff.Update(manager.ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if !saved.Staff.PINsHidden || saved.Staff.UnlockPIN != "" {
		t.Fatalf("the manager's copy after saving: %+v", saved.Staff)
	}
	forged := *saved.Staff
	forged.PINsHidden, forged.UnlockPIN, forged.SupportPIN = false, "5817", "583920"
	if _, err := f.svc.Staff.Update(manager.ctx, &forged); err != nil {
		t.Fatal(err)
	}
	after := f.get(f.ctx(), target.ID)
	if after.LastName != "Renamed" || after.UnlockPIN != "8453" || after.SupportPIN != stored.SupportPIN {
		t.Fatalf("after edits by a manager who cannot see PINs: %+v", after)
	}
	// Someone who may see them may change them.
	st = f.get(f.ctx(), target.ID)
	st.UnlockPIN = "5817"
	if _, err := f.svc.Staff.Update(f.ctx(), st); err != nil {
		t.Fatal(err)
	}
	if got := f.get(f.ctx(), target.ID); got.UnlockPIN != "5817" {
		t.Fatalf("the administrator's PIN change: %q", got.UnlockPIN)
	}
	// Everyone chooses their own App Unlock PIN.
	if _, err := f.svc.Session.SetUnlockPIN(f.nobody.ctx, "1234"); app.ErrorFields(err)[app.FieldUnlockPIN] == "" {
		t.Fatalf("a weak PIN: %v", err)
	}
	me, err := f.svc.Session.SetUnlockPIN(f.nobody.ctx, "6029")
	if err != nil || me.UnlockPIN != "6029" {
		t.Fatalf("SetUnlockPIN: %+v, %v", me, err)
	}
}

// A manager restricted to offices sees and manages only staff sharing one of them;
// staff without a restriction are out of their sight; they give only their own offices.
func TestOffices_RestrictedManager(t *testing.T) {
	f := newAccessRig(t)
	c := f.ctx()
	a, err := f.svc.Directory.SaveOffice(c, &app.Office{Name: "Main Street Clinic"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.Directory.SaveOffice(c, &app.Office{Name: "Riverside"})
	if err != nil {
		t.Fatal(err)
	}
	in := func(ids ...int64) func(*app.NewStaff) {
		return func(n *app.NewStaff) { n.RestrictOffices, n.OfficeIDs = true, ids }
	}
	lead := f.newPerson(f.only[app.PermManageAccounts], in(a.ID))
	x := f.newAccount(f.none, in(a.ID))
	y := f.newAccount(f.none, in(b.ID))
	w := f.newAccount(f.none, in(a.ID, b.ID))
	z := f.newAccount(f.none) // no restriction

	list, err := f.svc.Staff.List(lead.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int64
	for _, st := range list {
		seen = append(seen, st.ID)
	}
	if want := []int64{lead.st.ID, x.ID, w.ID}; !slices.Equal(seen, want) {
		t.Fatalf("the restricted manager sees %v, want %v", seen, want)
	}
	for _, st := range []*app.Staff{y, z} {
		if _, err := f.svc.Staff.Get(lead.ctx, st.ID); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("Get of %s outside the offices: %v", st.Username, err)
		}
		cur := f.get(c, st.ID)
		if _, err := f.svc.Staff.Deactivate(lead.ctx, cur.ID, cur.Version); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("Deactivate of %s outside the offices: %v", st.Username, err)
		}
		if err := f.svc.Accounts.ResendActivation(lead.ctx, cur.ID, cur.Version); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("ResendActivation of %s outside the offices: %v", st.Username, err)
		}
		cur.LastName = "Renamed"
		if _, err := f.svc.Staff.Update(lead.ctx, cur); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("Update of %s outside the offices: %v", st.Username, err)
		}
	}
	// The unrestricted administrator sees everyone.
	all, _ := f.svc.Staff.List(c)
	if len(all) < len(list)+2 {
		t.Fatalf("the administrator sees %d, the manager %d", len(all), len(list))
	}
	d, err := f.svc.Dashboard.Summary(lead.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.All.Staff != 3 || d.All.Pending != 2 {
		t.Fatalf("the restricted manager's dashboard: %+v", d.All)
	}

	// Creating: only their own offices, and a restriction.
	create := func(edit func(*app.NewStaff)) error {
		u := "made" + lead.st.Username
		n := &app.NewStaff{Staff: app.Staff{FirstName: "Made", LastName: "Here", ProviderID: f.provider, RoleID: f.none.ID,
			Email: u + "@email.xyz", Username: u, UnlockPIN: "8453"}, Password: personPassword, ConfirmPassword: personPassword}
		edit(n)
		_, err := f.svc.Staff.Create(lead.ctx, n)
		return err
	}
	if err := create(func(*app.NewStaff) {}); app.ErrorFields(err)[app.FieldOffices] == "" {
		t.Errorf("creating an unrestricted account: %v", err)
	}
	if err := create(in(b.ID)); app.ErrorFields(err)[app.FieldOffices] == "" {
		t.Errorf("creating an account in another office: %v", err)
	}
	if err := create(in(a.ID, b.ID)); app.ErrorFields(err)[app.FieldOffices] == "" {
		t.Errorf("creating an account in their office and another: %v", err)
	}
	if err := create(in(a.ID)); err != nil {
		t.Fatalf("creating an account in their own office: %v", err)
	}

	// Editing: no new office they lack, no unrestricting; an office the account
	// already has may stay; not out of their own sight.
	xs := f.get(lead.ctx, x.ID)
	xs.OfficeIDs = []int64{a.ID, b.ID}
	if _, err := f.svc.Staff.Update(lead.ctx, xs); app.ErrorFields(err)[app.FieldOffices] == "" {
		t.Errorf("adding an office they lack: %v", err)
	}
	xs = f.get(lead.ctx, x.ID)
	xs.RestrictOffices, xs.OfficeIDs = false, nil
	if _, err := f.svc.Staff.Update(lead.ctx, xs); app.ErrorFields(err)[app.FieldOffices] == "" {
		t.Errorf("unrestricting: %v", err)
	}
	ws := f.get(lead.ctx, w.ID)
	ws.LastName = "Kept"
	if _, err := f.svc.Staff.Update(lead.ctx, ws); err != nil {
		t.Errorf("an edit keeping an office they lack: %v", err)
	}
	ws = f.get(lead.ctx, w.ID)
	ws.OfficeIDs = []int64{b.ID}
	if _, err := f.svc.Staff.Update(lead.ctx, ws); app.ErrorFields(err)[app.FieldOffices] == "" {
		t.Errorf("moving an account out of their sight: %v", err)
	}
	me := f.get(lead.ctx, lead.st.ID)
	me.OfficeIDs = []int64{a.ID, b.ID}
	if _, err := f.svc.Staff.Update(lead.ctx, me); app.ErrorFields(err)[app.FieldOffices] == "" {
		t.Errorf("giving themselves another office: %v", err)
	}
}

// A person changes their own email (by the verified flow) only when Enable Email
// Update is on for them; someone else's only with Manage Accounts.
func TestEmailUpdate_OnlyWhenEnabled(t *testing.T) {
	f := newAccessRig(t)
	off := f.newPerson(f.none)
	on := f.newPerson(f.none, func(n *app.NewStaff) { n.EnableEmailUpdate = true })
	before := f.snapshot()
	err := f.svc.Accounts.RequestEmailChange(off.ctx, off.st.ID, "mine@email.xyz")
	wantCode(t, err, app.EFORBIDDEN, "Email update is turned off")
	err = f.svc.Accounts.RequestEmailChange(on.ctx, off.st.ID, "theirs@email.xyz")
	wantCode(t, err, app.EFORBIDDEN, "Manage Accounts")
	if f.snapshot() != before {
		t.Fatal("a refused email change changed something")
	}
	if err := f.svc.Accounts.RequestEmailChange(on.ctx, on.st.ID, "mine@email.xyz"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Accounts.CancelEmailChange(off.ctx, on.st.ID); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("cancelling someone else's change: %v", err)
	}
	if err := f.svc.Accounts.CancelEmailChange(on.ctx, on.st.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Accounts.RequestEmailChange(on.ctx, on.st.ID, "mine@email.xyz"); err != nil {
		t.Fatal(err)
	}
	code := f.peekCode(f.message(app.MailEmailChangeVerify, "mine@email.xyz"))
	if _, err := f.svc.Accounts.ConfirmEmailChange(context.Background(), on.st.Username, code); err != nil {
		t.Fatal(err)
	}
	if me := mustMe(t, f.svc, on.ctx); me.Email != "mine@email.xyz" {
		t.Fatalf("email after confirming: %q", me.Email)
	}
	// A manager's own address follows the same switch: Manage Accounts is for others'.
	manager := f.holders[app.PermManageAccounts]
	err = f.svc.Accounts.RequestEmailChange(manager.ctx, manager.st.ID, "manager@email.xyz")
	wantCode(t, err, app.EFORBIDDEN, "Email update is turned off")
	if err := f.svc.Accounts.RequestEmailChange(manager.ctx, off.st.ID, "theirs@email.xyz"); err != nil {
		t.Fatalf("a manager changing someone else's: %v", err)
	}
	// The switch turned off: no more.
	st := f.get(f.ctx(), on.st.ID)
	st.EnableEmailUpdate = false
	if _, err := f.svc.Staff.Update(f.ctx(), st); err != nil {
		t.Fatal(err)
	}
	err = f.svc.Accounts.RequestEmailChange(on.ctx, on.st.ID, "again@email.xyz")
	wantCode(t, err, app.EFORBIDDEN, "Email update is turned off")
}
