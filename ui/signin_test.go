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

// newSignInDesk is a desk over a practice set up already (Pat Admin's, or the demo's
// with seed), started: it shows Sign in.
func newSignInDesk(t *testing.T, seed bool) *testDesk {
	t.Helper()
	td := openTestDesk(t, t.TempDir(), nil)
	if seed {
		td.seedDemo(t)
	} else if _, err := td.svc.Practice.SetUp(context.Background(), testSetup()); err != nil {
		t.Fatal(err)
	}
	if err := td.Start(); err != nil {
		t.Fatal(err)
	}
	if td.signIn == nil || td.setup != nil || td.staff != nil {
		t.Fatalf("a practice set up starts on Sign in alone (sign in %v, set up %v, staff %v)", td.signIn != nil, td.setup != nil, td.staff != nil)
	}
	return td
}

// signInAs types login and password into Sign in and presses Sign in.
func (td *testDesk) signInAs(t *testing.T, login, password string) *signInWindow {
	t.Helper()
	w := td.signIn
	if w == nil {
		t.Fatal("Sign in is not open")
	}
	w.login.SetText("")
	w.password.SetText("")
	test.Type(w.login, login)
	test.Type(w.password, password)
	test.Tap(w.submit)
	if w.submit.Text != "Signing in…" || !w.submit.Disabled() {
		t.Errorf("while signing in the button says %q (disabled %v)", w.submit.Text, w.submit.Disabled())
	}
	td.waitIdle()
	return w
}

func TestSignInLandsOnStaff(t *testing.T) {
	td := newSignInDesk(t, false)
	if td.signIn.win.Title() != titleSignIn {
		t.Errorf("title %q", td.signIn.win.Title())
	}
	td.signInAs(t, testAdmin, testAdminPassword)
	if td.signIn != nil {
		t.Fatalf("Sign in is still open: %q", td.signIn.fields.errorOf(app.FieldPassword))
	}
	if td.staff == nil {
		t.Fatal("no Staff window after signing in")
	}
	if td.me == nil || td.me.Username != testAdmin || td.token == "" {
		t.Fatalf("signed in as %+v", td.me)
	}
	if !td.can(app.PermManageAccounts) {
		t.Error("Pat, the administrator, cannot manage accounts")
	}
	if td.staff.roster == nil || td.staff.roster.Len() != 1 {
		t.Errorf("the grid shows %v accounts; want Pat's", td.staff.roster)
	}
	sessions, err := td.svc.Session.Sessions(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	// Set up your practice signed Pat in too, at "test".
	if n := len(sessions); n != 2 || !sessions[n-1].Current || sessions[n-1].Desk != "test desk" {
		t.Errorf("%d sessions; want the set-up's and this one, at this desk", n)
	}
}

// By email too, in any case.
func TestSignInByEmail(t *testing.T) {
	td := newSignInDesk(t, false)
	td.signInAs(t, "Pat.Admin@Example.com", testAdminPassword)
	if td.staff == nil || td.me.Username != testAdmin {
		t.Fatal("signing in by email did not land")
	}
}

func TestSignInWrongPasswordOneMessage(t *testing.T) {
	td := newSignInDesk(t, false)
	w := td.signInAs(t, testAdmin, "Not-The-Password-99")
	if td.signIn != w || td.staff != nil || td.token != "" {
		t.Fatal("a wrong password signed in")
	}
	if got := w.fields.errorOf(app.FieldPassword); got != app.SignInFailed {
		t.Errorf("under the password: %q", got)
	}
	if w.password.Text != "" {
		t.Error("the wrong password stays typed")
	}
	if w.submit.Disabled() || w.submit.Text != "Sign in" {
		t.Errorf("the button after a failure: %q disabled %v", w.submit.Text, w.submit.Disabled())
	}
	// A name that matches no account gets the very same words.
	td.signInAs(t, "nobody-here", testAdminPassword)
	if got := w.fields.errorOf(app.FieldPassword); got != app.SignInFailed {
		t.Errorf("an unknown name: %q", got)
	}
	// Nothing typed: said next to the field, no service asked.
	w.login.SetText("")
	test.Tap(w.submit)
	td.waitIdle()
	if w.fields.errorOf(app.FieldLogin) == "" {
		t.Error("no message for an empty username")
	}
}

// Pending accounts cannot sign in until activated, with their right password.
func TestSignInPendingAccount(t *testing.T) {
	td := newSignInDesk(t, true)
	td.signInAs(t, "jamie_demo_staff", demo.Password)
	if td.token != "" || td.staff != nil {
		t.Fatal("a pending account signed in")
	}
	if got := td.signIn.fields.errorOf(app.FieldPassword); got != app.SignInFailed {
		t.Errorf("pending: %q", got)
	}
	// And an inactive one not at all.
	td.signInAs(t, "tbecker", demo.Password)
	if td.token != "" {
		t.Fatal("an inactive account signed in")
	}
}

// The lock (ten failures in a row) is said in the banner under the form.
func TestSignInLockedSaysSo(t *testing.T) {
	td := newSignInDesk(t, true)
	w := td.signInAs(t, "mchen", demo.Password)
	if td.token != "" {
		t.Fatal("a locked account signed in")
	}
	if !w.banner.Visible() || !strings.Contains(w.banner.Text, "locked") {
		t.Errorf("banner %q (visible %v); want the lock", w.banner.Text, w.banner.Visible())
	}
}

// A manager chose the first password: Choose your password comes first, and closing it
// signs out.
func TestSignInMustChooseOwnPassword(t *testing.T) {
	td := newSignInDesk(t, true)
	td.signInAs(t, "camilles", demo.Password)
	c := td.choose
	if c == nil || td.staff != nil {
		t.Fatalf("choose %v, staff %v: Choose your password must come first", c != nil, td.staff != nil)
	}
	if c.win.Title() != titleChoosePassword {
		t.Errorf("title %q", c.win.Title())
	}
	if !strings.Contains(windowText(c.win), "Welcome, Camille.") {
		t.Error("the window does not greet Camille")
	}
	// The same password again is refused.
	test.Type(c.password, demo.Password)
	test.Type(c.confirm, demo.Password)
	test.Tap(c.submit)
	td.waitIdle()
	if td.choose == nil || td.staff != nil {
		t.Fatal("keeping the manager's password went on")
	}
	if c.fields.errorOf(app.FieldPassword) == "" {
		t.Error("no message for keeping the manager's password")
	}
	const own = "Otter-Lagoon-Crimson-58"
	c.password.SetText("")
	c.confirm.SetText("")
	test.Type(c.password, own)
	test.Type(c.confirm, own)
	test.Tap(c.submit)
	td.waitIdle()
	if td.choose != nil || td.staff == nil {
		t.Fatalf("after choosing: choose %v, staff %v", td.choose != nil, td.staff != nil)
	}
	// Signed in again with it, nothing is asked.
	td.signOut()
	td.waitIdle()
	td.signInAs(t, "camilles", own)
	if td.choose != nil || td.staff == nil {
		t.Fatalf("the second sign-in: choose %v, staff %v", td.choose != nil, td.staff != nil)
	}
}

func TestChoosePasswordCannotBeSkipped(t *testing.T) {
	td := newSignInDesk(t, true)
	td.signInAs(t, "marcusstaff", demo.Password)
	c := td.choose
	if c == nil {
		t.Fatal("no Choose your password")
	}
	token := td.token
	test.Tap(c.signOut)
	td.waitIdle()
	if td.choose != nil || td.staff != nil || td.token != "" || td.signIn == nil {
		t.Fatal("leaving Choose your password did not return to Sign in")
	}
	if got := td.signIn.reason.Text; got != app.EndSignedOut.Message() {
		t.Errorf("Sign in says %q", got)
	}
	if _, err := td.svc.Session.Me(app.WithSession(context.Background(), token)); app.ErrorCode(err) != app.ESIGNEDOUT {
		t.Errorf("the session lives on after leaving: %v", err)
	}
}

// Activate account and Set a new password open from Sign in and work with nobody
// signed in.
func TestSignInOpensCodeWindows(t *testing.T) {
	td := newSignInDesk(t, true)
	test.Tap(td.signIn.activate)
	a, ok := td.window("activate")
	if !ok || a.Title() != titleActivate {
		t.Fatal("Activate account did not open")
	}
	f := td.showActivate()
	if f != nil {
		t.Fatal("Activate opened twice")
	}
	test.Tap(td.signIn.setNew)
	if _, ok := td.window("set-password"); !ok {
		t.Fatal("Set a new password did not open")
	}
}

// windowText is the text of every label win shows, a line each.
func windowText(win fyne.Window) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(win.Content()) {
		if l, ok := o.(*widget.Label); ok && o.Visible() {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// The demo gives its password on Sign in.
func TestSignInNote(t *testing.T) {
	td := openTestDesk(t, t.TempDir(), nil)
	td.seedDemo(t)
	td.SetSignInNote("Demo practice: every demo account's password is " + demo.Password + ".")
	if err := td.Start(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(windowText(td.signIn.win), "every demo account's password is "+demo.Password) {
		t.Error("Sign in does not show its note")
	}
}
