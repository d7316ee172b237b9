package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/demo"
)

// signedInAs is the demo practice with login signed in at the desk, their own password
// chosen when the manager's was the one they had.
func signedInAs(t *testing.T, login string) *testDesk {
	t.Helper()
	td := openTestDesk(t, t.TempDir(), nil)
	td.seedDemo(t)
	in, err := td.svc.Session.SignIn(context.Background(), login, demo.Password, "test desk")
	if err != nil {
		t.Fatal(err)
	}
	if in.MustChangePassword {
		ctx := app.WithSession(context.Background(), in.Token)
		if err := td.svc.Session.ChooseOwnPassword(ctx, ownPassword, ownPassword); err != nil {
			t.Fatal(err)
		}
	}
	td.enter(&app.SignedIn{Token: in.Token, Me: in.Me, Landing: in.Landing})
	td.waitIdle()
	return td
}

const ownPassword = "Otter-Lagoon-Crimson-58"

func openMyAccount(t *testing.T, td *testDesk) *myAccount {
	t.Helper()
	a := td.showMyAccount()
	if a == nil {
		t.Fatal("My Account was open already")
	}
	td.waitIdle()
	if !a.loaded {
		t.Fatalf("My Account did not load: %q", a.loadError.Text)
	}
	return a
}

// Everyone sees their own details and PINs, without any permission.
func TestMyAccountShowsOwnAccount(t *testing.T) {
	td := signedInAs(t, "praman") // a Biller at Main Street Clinic
	a := openMyAccount(t, td)
	me, err := td.svc.Session.Me(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string]string{
		"name": "Priya Raman", "username": "praman", "role": "Biller", "permissions": "See staff PINs",
		"offices": "Main Street Clinic", "unlock PIN": me.UnlockPIN, "support PIN": me.SupportPIN,
	} {
		got := map[string]string{"name": a.name.Text, "username": a.user.Text, "role": a.role.Text, "permissions": a.perms.Text,
			"offices": a.offices.Text, "unlock PIN": a.unlockPIN.Text, "support PIN": a.supportPIN.Text}[label]
		if got != want || want == "" {
			t.Errorf("%s: %q; want %q", label, got, want)
		}
	}
	// Enable Email Update is off for Priya: no Change Email, and why.
	if a.emailChange != nil {
		t.Error("Change Email is offered with Enable Email Update off")
	}
	if text := windowText(a.win); !strings.Contains(text, emailUpdateOff) || !strings.Contains(text, me.Email) {
		t.Errorf("the email row does not say why it cannot change:\n%s", text)
	}
	if len(a.sessions.Objects) != 1 || !strings.Contains(windowText(a.win), "This session") {
		t.Errorf("%d sessions listed; want this one", len(a.sessions.Objects))
	}
}

// With Enable Email Update on, the verified Change Email flow is there for one's own
// address.
func TestMyAccountChangeEmail(t *testing.T) {
	td := signedInAs(t, "camilles")
	a := openMyAccount(t, td)
	if a.emailChange == nil || !a.emailChange.change.Visible() {
		t.Fatal("no Change Email with Enable Email Update on")
	}
	if a.offices.Text != "All offices" {
		t.Errorf("offices %q", a.offices.Text)
	}
	test.Tap(a.emailChange.change)
	ask := a.emailChange.ask
	test.Type(ask.input, "camille.new@example.com")
	test.Tap(ask.submit)
	td.waitIdle()
	if !ask.closed {
		t.Fatalf("the request was refused: %q %q", ask.fields.errorOf(app.FieldEmail), ask.banner.Text)
	}
	me, err := td.svc.Session.Me(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if me.PendingEmail != "camille.new@example.com" || !a.emailChange.pendingRow.Visible() {
		t.Errorf("pending %q, shown %v", me.PendingEmail, a.emailChange.pendingRow.Visible())
	}
}

func TestMyAccountChooseUnlockPIN(t *testing.T) {
	td := signedInAs(t, "lortega") // a Medical Assistant: no permissions
	a := openMyAccount(t, td)
	test.Tap(a.choosePIN)
	ask := a.pinAsk
	if ask == nil {
		t.Fatal("no dialog")
	}
	test.Type(ask.input, "12")
	test.Tap(ask.submit)
	td.waitIdle()
	if ask.closed || ask.fields.errorOf(app.FieldUnlockPIN) == "" {
		t.Fatal("a 2-digit PIN was not refused next to the field")
	}
	ask.input.SetText("")
	test.Type(ask.input, "4827")
	test.Tap(ask.submit)
	td.waitIdle()
	if !ask.closed {
		t.Fatalf("refused: %q", ask.fields.errorOf(app.FieldUnlockPIN))
	}
	if a.unlockPIN.Text != "4827" {
		t.Errorf("the window shows %q", a.unlockPIN.Text)
	}
	me, err := td.svc.Session.Me(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if me.UnlockPIN != "4827" {
		t.Errorf("saved %q", me.UnlockPIN)
	}
}

// Change password: the current one is required; the other sessions end; the new one
// signs in.
func TestMyAccountChangePassword(t *testing.T) {
	td := signedInAs(t, "abello")
	svc, other := td.otherSession(t, "abello", ownPassword)
	a := openMyAccount(t, td)
	if len(a.sessions.Objects) != 2 {
		t.Fatalf("%d sessions listed; want this one and the other desk's", len(a.sessions.Objects))
	}
	const next = "Meadow-Cobalt-Finch-71"
	test.Type(a.current, "Not-My-Password-12")
	test.Type(a.password, next)
	test.Type(a.confirm, next)
	test.Tap(a.changePw)
	td.waitIdle()
	if a.fields.errorOf(app.FieldCurrentPassword) == "" {
		t.Fatal("a wrong current password was not refused next to it")
	}
	a.current.SetText("")
	test.Type(a.current, ownPassword)
	test.Tap(a.changePw)
	td.waitIdle()
	if !a.pwBanner.Visible() || !strings.Contains(a.pwBanner.Text, "other sessions were signed out") {
		t.Fatalf("banner %q; fields %q %q", a.pwBanner.Text, a.fields.errorOf(app.FieldPassword), a.fields.errorOf(app.FieldCurrentPassword))
	}
	if a.current.Text != "" || a.password.Text != "" {
		t.Error("the passwords stay typed")
	}
	if _, err := svc.Session.Me(other); app.ErrorCode(err) != app.ESIGNEDOUT {
		t.Errorf("the other session lives on: %v", err)
	}
	if len(a.sessions.Objects) != 1 {
		t.Errorf("%d sessions listed after the change", len(a.sessions.Objects))
	}
	if td.token == "" || td.signIn != nil {
		t.Fatal("this session ended too")
	}
	td.signOut()
	td.waitIdle()
	td.signInAs(t, "abello", next)
	if td.staff == nil {
		t.Fatal("the new password does not sign in")
	}
}

// End another of one's sessions: that desk returns to Sign in at its next action.
func TestMyAccountEndSession(t *testing.T) {
	td := signedInAs(t, "marcusstaff")
	svc, other := td.otherSession(t, "marcusstaff", ownPassword)
	a := openMyAccount(t, td)
	var end *button
	for _, row := range test.LaidOutObjects(a.sessions) {
		if b, ok := row.(*button); ok && b.Text == "End" {
			end = b
		}
	}
	if end == nil {
		t.Fatal("no End on the other session")
	}
	test.Tap(end)
	td.waitIdle()
	if len(a.sessions.Objects) != 1 {
		t.Errorf("%d sessions listed after End", len(a.sessions.Objects))
	}
	_, err := svc.Session.Me(other)
	if reason, _ := app.SignedOutReason(err); reason != app.EndEndedElsewhere {
		t.Errorf("the other session: %v", err)
	}
}
