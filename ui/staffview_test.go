package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

func openTestView(t *testing.T, td *testDesk, id int64) *staffView {
	t.Helper()
	v := td.showView(id)
	if v == nil {
		t.Fatal("the view did not open")
	}
	td.waitIdle()
	return v
}

func TestStaffViewShowsAccountAndPINs(t *testing.T) {
	td := newTestDesk(t, true)
	listed := staffByUsername(t, td, "camilles")
	camille, err := td.svc.Staff.Get(td.ctx(), listed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(camille.UnlockPIN) != 4 || len(camille.SupportPIN) != 6 {
		t.Fatalf("seeded PINs %d and %d digits long", len(camille.UnlockPIN), len(camille.SupportPIN))
	}

	v := openTestView(t, td, camille.ID)
	if got := v.win.Title(); got != "Staff — camilles" {
		t.Errorf("title = %q", got)
	}
	if v.loading.Visible() || v.missing.Visible() || !v.details.Visible() {
		t.Fatal("the account is not shown")
	}
	for caption, want := range map[string]string{
		"First Name":           "Camille",
		"Last Name":            "Staff",
		"Primary Provider":     "Kate Provider, MD",
		"Care Team Role":       "General nurse (occupation)",
		"Care Team Identifier": "NCSBN ID 12345678",
		"Username":             "camilles",
		"Email":                "camilles@email.xyz",
		"Cell Phone":           "(212) 555-0123",
		"Home Phone":           "-",
	} {
		if got := v.values[caption].Text; got != want {
			t.Errorf("%s = %q; want %q", caption, got, want)
		}
	}
	if got := v.status.Text; got != "Active · Two-factor sign-in not set up" {
		t.Errorf("status line = %q", got)
	}
	for name, want := range map[string][2]string{
		"App Unlock PIN":            {"Set", camille.UnlockPIN},
		"Support PIN":               {"Set", camille.SupportPIN},
		"Restrict offices":          {"Off", "-"},
		"Use new dashboard":         {"On", "-"},
		"Emergency access":          {"On", "-"},
		"Send daily billing report": {"On", "-"},
	} {
		labels := v.settings[name]
		if labels[0].Text != want[0] || labels[1].Text != want[1] {
			t.Errorf("%s = %q / %q; want %q / %q", name, labels[0].Text, labels[1].Text, want[0], want[1])
		}
	}
	if got := v.settings["Enable email update"][0].Text; got != "On" {
		t.Errorf("Enable email update = %q", got)
	}
}

func TestStaffViewListsRestrictedOffices(t *testing.T) {
	td := newTestDesk(t, true)
	v := openTestView(t, td, staffByUsername(t, td, "gkim").ID)
	labels := v.settings["Restrict offices"]
	if labels[0].Text != "On" || labels[1].Text != "Main Street Clinic, Riverside Office" {
		t.Errorf("Restrict offices = %q / %q", labels[0].Text, labels[1].Text)
	}
	if got := v.values["Care Team Identifier"].Text; got != "-" {
		t.Errorf("no identifier shown as %q", got)
	}
}

func TestStaffViewOncePerAccountAndClosesOnEscape(t *testing.T) {
	td := newTestDesk(t, true)
	id := staffByUsername(t, td, "praman").ID
	key := fmt.Sprintf("view:%d", id)
	v := openTestView(t, td, id)
	if again := td.showView(id); again != nil {
		t.Error("a second View opened another window")
	}
	v.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if _, ok := td.window(key); ok {
		t.Error("Escape does not close the view")
	}
}

func TestStaffViewEditOpensTheForm(t *testing.T) {
	td := newTestDesk(t, true)
	id := staffByUsername(t, td, "mchen").ID
	v := openTestView(t, td, id)
	test.Tap(v.edit)
	td.waitIdle()
	if _, ok := td.window(fmt.Sprintf("edit:%d", id)); !ok {
		t.Error("Edit does not open the Edit window")
	}
	if _, ok := td.window(fmt.Sprintf("view:%d", id)); ok {
		t.Error("the view stays open behind the Edit window")
	}
}

func TestStaffViewOfDeletedAccount(t *testing.T) {
	td := newTestDesk(t, true)
	s := staffByUsername(t, td, "nfischer")
	if _, err := td.svc.Staff.Delete(td.ctx(), s.ID, s.Version, s.Username); err != nil {
		t.Fatal(err)
	}
	v := openTestView(t, td, s.ID)
	if !v.missing.Visible() || v.details.Visible() || v.loading.Visible() {
		t.Error("a deleted account is not reported as gone")
	}
	if !v.edit.Disabled() {
		t.Error("Edit is offered for an account that is gone")
	}
	test.Tap(v.close)
	if _, ok := td.window(fmt.Sprintf("view:%d", s.ID)); ok {
		t.Error("Close does not close the view")
	}
}

func TestStaffViewAccessAndSignIn(t *testing.T) {
	td := newTestDesk(t, true)
	v := openTestView(t, td, staffByUsername(t, td, "praman").ID)
	for name, want := range map[string]string{
		"Role":            "Biller",
		"Permissions":     "See staff PINs",
		"Last sign-in":    "Never signed in",
		"Failed attempts": "None",
		"Locked":          "Not locked",
	} {
		if got := v.access[name].Text; got != want {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	if v.unlock.Visible() {
		t.Error("Unlock is offered for an account that is not locked")
	}

	camille := openTestView(t, td, staffByUsername(t, td, "camilles").ID)
	if got := camille.access["Permissions"].Text; got != "None" {
		t.Errorf("a Nurse's permissions = %q", got)
	}
	if got := camille.access["Last sign-in"].Text; got == "Never signed in" || got == "" {
		t.Errorf("camilles signed in, shown as %q", got)
	}
	luis := openTestView(t, td, staffByUsername(t, td, "lortega").ID)
	if got := luis.access["Failed attempts"].Text; got != "3 in a row" {
		t.Errorf("lortega's failed attempts = %q", got)
	}
	olivia := openTestView(t, td, td.me.ID)
	if got := olivia.access["Permissions"].Text; got != app.NewPermissionSet(app.AllPermissions...).Labels() {
		t.Errorf("the administrator's permissions = %q", got)
	}
}

func TestStaffViewLockedAccountUnlocks(t *testing.T) {
	td := newTestDesk(t, true)
	mei := staffByUsername(t, td, "mchen")
	if !mei.Locked(time.Now()) {
		t.Fatal("the demo's mchen is not locked")
	}
	v := openTestView(t, td, mei.ID)
	want := "Locked until " + mei.SignIn.LockedUntil.Local().Format("15:04")
	if got := v.access["Locked"].Text; got != want {
		t.Errorf("Locked = %q; want %q", got, want)
	}
	if got := v.access["Failed attempts"].Text; got != fmt.Sprintf("%d in a row", app.LockAfter) {
		t.Errorf("Failed attempts = %q", got)
	}
	if !v.unlock.Visible() || v.unlock.Disabled() {
		t.Fatal("Unlock is not offered to the manager")
	}
	test.Tap(v.unlock)
	td.waitIdle()
	if staffByUsername(t, td, "mchen").Locked(time.Now()) {
		t.Fatal("Unlock did not unlock the account")
	}
	if got := v.access["Locked"].Text; got != "Not locked" || v.unlock.Visible() {
		t.Errorf("after Unlock: %q, Unlock shown %v", got, v.unlock.Visible())
	}
	if got := v.access["Failed attempts"].Text; got != "None" {
		t.Errorf("after Unlock, failed attempts = %q", got)
	}
}

func TestStaffViewWithoutPermissions(t *testing.T) {
	td := newTestDesk(t, true)
	mei := staffByUsername(t, td, "mchen")
	camille := staffByUsername(t, td, "camilles")
	signInAs(t, td, "abello") // a Nurse: no permissions

	v := openTestView(t, td, camille.ID)
	for _, name := range []string{"App Unlock PIN", "Support PIN"} {
		if got := v.settings[name][1].Text; got != pinsHiddenText {
			t.Errorf("%s shown as %q to a person without See staff PINs", name, got)
		}
	}
	for _, pin := range []string{camille.UnlockPIN, camille.SupportPIN} {
		if countLabels(v.win.Content(), pin) > 0 {
			t.Error("a PIN is on the sheet")
		}
	}
	if v.edit.Visible() || v.reset.Visible() {
		t.Error("Edit or Reset Password is offered without Manage Accounts")
	}
	locked := openTestView(t, td, mei.ID)
	if !strings.HasPrefix(locked.access["Locked"].Text, "Locked until ") || locked.unlock.Visible() {
		t.Errorf("locked account: %q, Unlock shown %v", locked.access["Locked"].Text, locked.unlock.Visible())
	}
	// Everyone sees their own PINs.
	own := openTestView(t, td, td.me.ID)
	if got := own.settings["App Unlock PIN"][1].Text; got == pinsHiddenText || len(got) != 4 {
		t.Errorf("own App Unlock PIN shown as %q", got)
	}
}

func TestStaffViewEmailUpdateWording(t *testing.T) {
	td := newTestDesk(t, true)
	on := openTestView(t, td, staffByUsername(t, td, "camilles").ID)
	if got := on.settings["Enable email update"][1].Text; got != "May change their own email address in My Account" {
		t.Errorf("on: %q", got)
	}
	off := staffByUsername(t, td, "praman")
	if off.EnableEmailUpdate {
		t.Fatal("praman has Enable Email Update on")
	}
	v := openTestView(t, td, off.ID)
	if got := v.settings["Enable email update"]; got[0].Text != "Off" || got[1].Text != "Only a manager can change their email address" {
		t.Errorf("off: %q / %q", got[0].Text, got[1].Text)
	}
}
