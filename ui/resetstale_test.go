package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

// resetsTo counts the password reset emails to address in the outbox.
func resetsTo(t *testing.T, td *testDesk, address string) int {
	t.Helper()
	all, err := td.svc.Outbox.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range all {
		if m.Kind == app.MailPasswordReset && m.ToAddress == address {
			n++
		}
	}
	return n
}

// changeElsewhere saves a new last name on username's account, as a second desk would.
func changeElsewhere(t *testing.T, td *testDesk, username, lastName string) {
	t.Helper()
	other := *staffByUsername(t, td, username)
	other.LastName = lastName
	if _, err := td.svc.Staff.Update(td.ctx(), &other); err != nil {
		t.Fatal(err)
	}
}

// Reset Password from a View sheet or an Edit window opened before the account changed
// on another desk sends nothing: the window says so and shows the account as it is
// now, and a second Reset Password then sends. An Edit window holding the manager's
// edits asks first (Reload or Keep my changes) rather than dropping them.
func TestResetPasswordOfChangedAccount(t *testing.T) {
	td := newTestDesk(t, true)
	camille := staffByUsername(t, td, "camilles")
	const address = "camilles@email.xyz"

	v := openTestView(t, td, camille.ID)
	changeElsewhere(t, td, "camilles", "Nurse")
	test.Tap(v.reset)
	pressWithNothingFocused(t, v.win, fyne.KeyReturn)
	td.waitIdle()
	if n := resetsTo(t, td, address); n != 0 {
		t.Fatalf("the View sheet's stale Reset Password queued %d emails", n)
	}
	if got := overlayText(v.win); !strings.Contains(got, "Camille's account was changed on another desk; this window shows it as it is now") {
		t.Fatalf("the sheet says %q", got)
	}
	if v.values["Last Name"].Text != "Nurse" {
		t.Errorf("the sheet still shows the last name %q", v.values["Last Name"].Text)
	}
	v.win.Canvas().Overlays().Top().Hide()
	test.Tap(v.reset)
	pressWithNothingFocused(t, v.win, fyne.KeyReturn)
	td.waitIdle()
	if n := resetsTo(t, td, address); n != 1 {
		t.Fatalf("Reset Password after the sheet showed the account anew queued %d emails", n)
	}
	v.win.Close()

	f := openForm(t, td, camille.ID)
	changeElsewhere(t, td, "camilles", "Staff")
	test.Tap(f.resetPassword)
	pressWithNothingFocused(t, f.win, fyne.KeyReturn)
	td.waitIdle()
	if n := resetsTo(t, td, address); n != 1 {
		t.Fatalf("the Edit window's stale Reset Password queued %d more emails", n-1)
	}
	if got := overlayText(f.win); !strings.Contains(got, "Camille's account was changed on another desk; this window shows it as it is now") {
		t.Fatalf("the Edit window says %q", got)
	}
	if f.lastName.Text != "Staff" || f.changed() || f.finished {
		t.Errorf("after the refusal the form shows %q (changed %v, closed %v); want the account as it is now", f.lastName.Text, f.changed(), f.finished)
	}
	f.win.Canvas().Overlays().Top().Hide()

	changeElsewhere(t, td, "camilles", "Nurse")
	f.cellPhone.SetText("(212) 555-0177") // the manager's own edit
	test.Tap(f.resetPassword)
	pressWithNothingFocused(t, f.win, fyne.KeyReturn)
	td.waitIdle()
	if n := resetsTo(t, td, address); n != 1 {
		t.Fatalf("the stale Reset Password of an edited form queued %d more emails", n-1)
	}
	if f.stale == nil || !strings.Contains(overlayText(f.win), "Camille's account was changed since you opened it") {
		t.Fatalf("an edited form did not ask; it shows %q", overlayText(f.win))
	}
	if f.cellPhone.Text != "(212) 555-0177" {
		t.Errorf("the manager's edit is gone: %q", f.cellPhone.Text)
	}
	test.Tap(f.stale.reload)
	td.waitIdle()
	test.Tap(f.resetPassword)
	pressWithNothingFocused(t, f.win, fyne.KeyReturn)
	td.waitIdle()
	if n := resetsTo(t, td, address); n != 2 {
		t.Fatalf("Reset Password after Reload queued %d more emails; want 1", n-1)
	}
}
