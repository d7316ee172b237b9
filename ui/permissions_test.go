package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/demo"
)

func openTestPermissions(t *testing.T, td *testDesk) *permissionsWindow {
	t.Helper()
	w := td.showPermissions()
	if w == nil {
		t.Fatal("the Permissions window was already open")
	}
	td.waitIdle()
	return w
}

// roleNamed returns the role called name in the window's matrix.
func (w *permissionsWindow) roleNamed(t *testing.T, name string) *app.RoleAccess {
	t.Helper()
	if w.matrix == nil {
		t.Fatalf("the matrix did not load: %q", w.message.Text)
	}
	for _, ra := range w.matrix.Roles {
		if ra.Role.Name == name {
			return ra
		}
	}
	t.Fatalf("no role %s in the window", name)
	return nil
}

// storedRole is role name as the service has it now.
func storedRole(t *testing.T, td *testDesk, ctx context.Context, name string) *app.Role {
	t.Helper()
	m, err := td.svc.Permissions.Matrix(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ra := range m.Roles {
		if ra.Role.Name == name {
			return ra.Role
		}
	}
	t.Fatalf("no role %s", name)
	return nil
}

// signInAs makes the desk that of username's, signed in with the demo password.
func signInAs(t *testing.T, td *testDesk, username string) {
	t.Helper()
	in, err := td.svc.Session.SignIn(context.Background(), username, demo.Password, "t")
	if err != nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	td.Desk.signedIn(in)
}

func TestPermissionsTickAndUntickStored(t *testing.T) {
	td := newTestDesk(t, true)
	admin := td.ctx()
	w := openTestPermissions(t, td)
	if !w.header.Visible() || w.message.Visible() {
		t.Fatalf("the matrix is not shown: %q", w.message.Text)
	}
	nurse := w.roleNamed(t, "Nurse")
	box := w.boxes[nurse.Role.ID][app.PermSeePINs]
	if box.Checked || box.Disabled() {
		t.Fatalf("Nurse's See staff PINs: checked %v, disabled %v", box.Checked, box.Disabled())
	}

	test.Tap(box)
	td.waitIdle()
	if !storedRole(t, td, admin, "Nurse").Permissions.Has(app.PermSeePINs) {
		t.Fatal("ticking See staff PINs on Nurse was not stored")
	}
	if !box.Checked || box.Disabled() {
		t.Errorf("after ticking: checked %v, disabled %v", box.Checked, box.Disabled())
	}
	if !strings.Contains(w.message.Text, "Nurse now carries See staff PINs") || !strings.Contains(w.message.Text, "signed out") {
		t.Errorf("message = %q", w.message.Text)
	}

	test.Tap(box)
	td.waitIdle()
	if storedRole(t, td, admin, "Nurse").Permissions.Has(app.PermSeePINs) {
		t.Fatal("unticking See staff PINs on Nurse was not stored")
	}
	if box.Checked {
		t.Error("the box stays ticked after unticking")
	}
	if !strings.Contains(w.message.Text, "no longer carries") {
		t.Errorf("message = %q", w.message.Text)
	}
}

func TestPermissionsOwnRoleAndHolders(t *testing.T) {
	td := newTestDesk(t, true)
	// An inactive role is still shown, marked so.
	dir, err := td.svc.Directory.Load(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range dir.Roles {
		if r.Name == "Front Desk" {
			if err := td.svc.Directory.SetRoleActive(td.ctx(), r.ID, r.Version, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	w := openTestPermissions(t, td)
	own := w.roleNamed(t, app.AdministratorRole)
	if own.Role.ID != w.matrix.MyRoleID {
		t.Fatalf("Olivia's role is %d, not the administrator's", w.matrix.MyRoleID)
	}
	for _, p := range app.AllPermissions {
		if c := w.boxes[own.Role.ID][p]; !c.Disabled() || !c.Checked {
			t.Errorf("own role's %s: disabled %v, checked %v", p.Label(), c.Disabled(), c.Checked)
		}
	}
	if got := w.notes[own.Role.ID].Text; got != ownRoleNote {
		t.Errorf("own role's note = %q", got)
	}
	nurse := w.roleNamed(t, "Nurse")
	if got := w.notes[nurse.Role.ID].Text; got != "" {
		t.Errorf("Nurse's note = %q", got)
	}
	held := w.held[nurse.Role.ID].Text
	for _, want := range []string{"Camille Staff (camilles, Active)", "Mei Chen (mchen, Active, locked)", "Aisha Bello (abello, Active)"} {
		if !strings.Contains(held, want) {
			t.Errorf("Nurse's holders %q do not include %q", held, want)
		}
	}
	if got := w.held[own.Role.ID].Text; !strings.Contains(got, "Olivia Manning (omanning, Active)") {
		t.Errorf("administrator's holders = %q", got)
	}
	front := w.roleNamed(t, "Front Desk")
	if front.Role.Active {
		t.Fatal("Front Desk is still active")
	}
	if !strings.Contains(w.held[front.Role.ID].Text, "(tbecker, Inactive)") {
		t.Errorf("Front Desk's holders = %q", w.held[front.Role.ID].Text)
	}
	if countLabels(w.rows, "Front Desk"+inactiveSuffix) != 1 {
		t.Error("the inactive role is not marked inactive")
	}
}

// countLabels counts the labels inside o that say text.
func countLabels(o fyne.CanvasObject, text string) int {
	n := 0
	walk(o, func(c fyne.CanvasObject) {
		if l, ok := c.(*widget.Label); ok && l.Text == text {
			n++
		}
	})
	return n
}

func TestPermissionsColumnsOfPermissionsNotHeld(t *testing.T) {
	td := newTestDesk(t, true)
	admin := td.ctx()
	// Office Managers now give permissions, but no longer see PINs.
	om := storedRole(t, td, admin, "Office Manager")
	om, err := td.svc.Permissions.SetRolePermission(admin, om.ID, om.Version, app.PermManagePermissions, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := td.svc.Permissions.SetRolePermission(admin, om.ID, om.Version, app.PermSeePINs, false); err != nil {
		t.Fatal(err)
	}
	signInAs(t, td, "gkim")

	w := openTestPermissions(t, td)
	own := w.roleNamed(t, "Office Manager")
	if w.matrix.MyRoleID != own.Role.ID {
		t.Fatal("Grace's role is not Office Manager")
	}
	for _, ra := range w.matrix.Roles {
		for _, p := range app.AllPermissions {
			c := w.boxes[ra.Role.ID][p]
			wantDisabled := ra.Role.ID == own.Role.ID || p == app.PermSeePINs
			if c.Disabled() != wantDisabled {
				t.Errorf("%s × %s: disabled %v, want %v", ra.Role.Name, p.Label(), c.Disabled(), wantDisabled)
			}
		}
	}
	if got := w.notes[own.Role.ID].Text; got != ownRoleNote {
		t.Errorf("Grace's own role note = %q", got)
	}
	// The column she cannot change says why, once.
	if n := countLabels(w.header, notHeldNote); n != 1 {
		t.Errorf("%q shown %d times, want once (See staff PINs)", notHeldNote, n)
	}
}

func TestPermissionsWithoutManagePermissions(t *testing.T) {
	td := newTestDesk(t, true)
	signInAs(t, td, "gkim") // Office Manager: no Manage Permissions
	w := openTestPermissions(t, td)
	if w.matrix != nil || w.header.Visible() {
		t.Fatal("the matrix is shown to someone without Manage Permissions")
	}
	if !w.message.Visible() || !strings.Contains(w.message.Text, "Manage Permissions") {
		t.Errorf("message = %q", w.message.Text)
	}
}

func TestPermissionsRefusalPutsTheBoxBack(t *testing.T) {
	td := newTestDesk(t, true)
	admin := td.ctx()
	om := storedRole(t, td, admin, "Office Manager")
	if _, err := td.svc.Permissions.SetRolePermission(admin, om.ID, om.Version, app.PermManagePermissions, true); err != nil {
		t.Fatal(err)
	}
	signInAs(t, td, "gkim")
	w := openTestPermissions(t, td)
	nurse := w.roleNamed(t, "Nurse")

	// The service refuses what a window offers by mistake: Grace's own role.
	own := w.roleNamed(t, "Office Manager")
	w.boxes[own.Role.ID][app.PermManageAccounts].Checked = false // as the tick left it
	w.onToggle(own.Role.ID, app.PermManageAccounts, false)
	td.waitIdle()
	if !w.boxes[own.Role.ID][app.PermManageAccounts].Checked {
		t.Error("the refused box does not show the stored state")
	}
	if !strings.Contains(w.message.Text, "is your own role") {
		t.Errorf("own-role refusal shown as %q", w.message.Text)
	}
	if !storedRole(t, td, admin, "Office Manager").Permissions.Has(app.PermManageAccounts) {
		t.Fatal("the refused change was stored")
	}

	// Olivia takes a permission from Office Managers meanwhile: Grace is signed out,
	// and her next tick is refused saying why.
	om = storedRole(t, td, admin, "Office Manager")
	if _, err := td.svc.Permissions.SetRolePermission(admin, om.ID, om.Version, app.PermManagePractice, false); err != nil {
		t.Fatal(err)
	}
	box := w.boxes[nurse.Role.ID][app.PermSeePINs]
	test.Tap(box)
	td.waitIdle()
	// Her session's windows close, and Sign in says why (Desk.backgroundShowing).
	if td.signIn == nil {
		t.Fatal("the refusal did not return to Sign in")
	}
	if got, want := td.signIn.reason.Text, app.EndPermissionsChanged.Message(); got != want {
		t.Errorf("Sign in says %q, want %q", got, want)
	}
	if _, open := td.window("permissions"); open {
		t.Error("the Permissions window stays open after her session ended")
	}
	if storedRole(t, td, admin, "Nurse").Permissions.Has(app.PermSeePINs) {
		t.Error("the refused tick was stored")
	}
}

func TestPermissionsChangedMeanwhileReloads(t *testing.T) {
	td := newTestDesk(t, true)
	admin := td.ctx()
	w := openTestPermissions(t, td)
	nurse := w.roleNamed(t, "Nurse")
	// Another desk gives Nurses See staff PINs after the window loaded.
	if _, err := td.svc.Permissions.SetRolePermission(admin, nurse.Role.ID, nurse.Role.Version, app.PermSeePINs, true); err != nil {
		t.Fatal(err)
	}
	test.Tap(w.boxes[nurse.Role.ID][app.PermManageAccounts])
	td.waitIdle()
	if !strings.Contains(w.message.Text, "was changed since you opened it") || !strings.Contains(w.message.Text, "as they are now") {
		t.Errorf("message = %q", w.message.Text)
	}
	stored := storedRole(t, td, admin, "Nurse")
	if stored.Permissions.Has(app.PermManageAccounts) {
		t.Error("a tick made on a stale matrix was stored")
	}
	if !w.boxes[nurse.Role.ID][app.PermSeePINs].Checked || w.boxes[nurse.Role.ID][app.PermManageAccounts].Checked {
		t.Error("the window does not show Nurse as it is now")
	}
	if w.roleNamed(t, "Nurse").Role.Version != stored.Version {
		t.Error("the window kept the stale version")
	}
}

func TestPermissionsOnce(t *testing.T) {
	td := newTestDesk(t, true)
	openTestPermissions(t, td)
	if td.showPermissions() != nil {
		t.Error("a second Permissions opened another window")
	}
}
