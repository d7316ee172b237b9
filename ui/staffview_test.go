package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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
	if got := v.status.Text; got != "Nurse · Active · Two-factor sign-in not set up" {
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
