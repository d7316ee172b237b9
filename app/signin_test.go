package app_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/staffdesk/staffdesk/app"
)

// signInErr is the error of signing in as login with password at the rig.
func (f *accessRig) signInErr(login, password string) error {
	_, err := f.svc.Session.SignIn(context.Background(), login, password, "desk")
	return err
}

// wantSignedOut fails unless c's session has ended for reason.
func wantSignedOut(t *testing.T, f *accessRig, c context.Context, reason app.SessionEnd) {
	t.Helper()
	_, err := f.svc.Session.Me(c)
	if app.ErrorCode(err) != app.ESIGNEDOUT {
		t.Fatalf("after the change: %v, want ESIGNEDOUT", err)
	}
	got, _ := app.SignedOutReason(err)
	if got != reason {
		t.Fatalf("signed out because %q, want %q", got, reason)
	}
	if app.ErrorMessage(err) != reason.Message() {
		t.Fatalf("message %q, want %q", app.ErrorMessage(err), reason.Message())
	}
}

func wantLive(t *testing.T, f *accessRig, c context.Context) {
	t.Helper()
	if _, err := f.svc.Session.Me(c); err != nil {
		t.Fatalf("the session ended: %v", err)
	}
}

// A name that is nobody's, a wrong password, an account not yet activated and an
// inactive one all get the one message: a stranger cannot tell which names exist.
func TestSignIn_OneMessageForEveryFailure(t *testing.T) {
	f := newAccessRig(t)
	active := f.newPerson(f.none)
	pending := f.newAccount(f.none)
	inactive := f.newPerson(f.none)
	if _, err := f.svc.Staff.Deactivate(f.ctx(), inactive.st.ID, inactive.st.Version); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, login, password string }{
		{"unknown username", "nobodyhere", personPassword},
		{"unknown email", "nobody@email.xyz", personPassword},
		{"wrong password", active.st.Username, personPassword + "x"},
		{"wrong password, by email", active.st.Email, "Not-The-Password-At-All-42"},
		{"pending, right password", pending.Username, personPassword},
		{"inactive, right password", inactive.st.Username, personPassword},
		{"inactive, by email", inactive.st.Email, personPassword},
	} {
		err := f.signInErr(tc.login, tc.password)
		if app.ErrorCode(err) != app.EFORBIDDEN || app.ErrorMessage(err) != app.SignInFailed {
			t.Errorf("%s: %v, want the one sign-in message", tc.name, err)
		}
		if app.ErrorFields(err)[app.FieldPassword] != app.SignInFailed {
			t.Errorf("%s: fields %v", tc.name, app.ErrorFields(err))
		}
	}
	// The right details sign in, by username (any case) or email.
	for _, login := range []string{active.st.Username, " " + active.st.Email + " ", "STAFF" + active.st.Username[5:]} {
		in, err := f.svc.Session.SignIn(context.Background(), login, personPassword, "desk")
		if err != nil {
			t.Fatalf("sign in as %q: %v", login, err)
		}
		if in.Me.ID != active.st.ID || in.Token == "" || in.Me.UnlockPIN != "8453" {
			t.Fatalf("signed in as %+v", in.Me)
		}
	}
}

// The first password is the manager's choice: the person chooses their own at their
// first sign-in, and it must differ from it.
func TestSignIn_MustChooseOwnPassword(t *testing.T) {
	f := newAccessRig(t)
	st := f.newAccount(f.none)
	if !st.SignIn.MustChangePassword {
		t.Fatalf("a new account: %+v", st.SignIn)
	}
	f.activate(st)
	in, err := f.svc.Session.SignIn(context.Background(), st.Username, personPassword, "desk")
	if err != nil {
		t.Fatal(err)
	}
	if !in.MustChangePassword {
		t.Fatal("the first sign-in does not ask for the person's own password")
	}
	c := app.WithSession(context.Background(), in.Token)
	err = f.svc.Session.ChooseOwnPassword(c, personPassword, personPassword)
	if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err)[app.FieldPassword] == "" {
		t.Fatalf("the manager's password again: %v", err)
	}
	const own = "My-Own-Secret-Harbour-Lights-5"
	if err := f.svc.Session.ChooseOwnPassword(c, own, own); err != nil {
		t.Fatal(err)
	}
	wantLive(t, f, c) // the session it was chosen in goes on
	if err := f.signInErr(st.Username, personPassword); app.ErrorMessage(err) != app.SignInFailed {
		t.Fatalf("the manager's password after choosing one's own: %v", err)
	}
	in, err = f.svc.Session.SignIn(context.Background(), st.Username, own, "desk")
	if err != nil || in.MustChangePassword {
		t.Fatalf("signing in with one's own password: %+v, %v", in, err)
	}
	err = f.svc.Session.ChooseOwnPassword(app.WithSession(context.Background(), in.Token), "Yet-Another-Secret-Phrase-66", "Yet-Another-Secret-Phrase-66")
	wantCode(t, err, app.EFORBIDDEN, "already your own")
}

// Changing one's password needs the current one and ends one's other sessions, not
// the one it was changed in.
func TestChangePassword_EndsOtherSessions(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	other := f.signIn(p)
	err := f.svc.Session.ChangePassword(p.ctx, "Wrong-Current-Password-00", "New-Harbour-Lights-Phrase-7", "New-Harbour-Lights-Phrase-7")
	if app.ErrorFields(err)[app.FieldCurrentPassword] == "" {
		t.Fatalf("a wrong current password: %v", err)
	}
	wantLive(t, f, other)
	if err := f.svc.Session.ChangePassword(p.ctx, personPassword, "New-Harbour-Lights-Phrase-7", "New-Harbour-Lights-Phrase-7"); err != nil {
		t.Fatal(err)
	}
	wantLive(t, f, p.ctx)
	wantSignedOut(t, f, other, app.EndPasswordChanged)
	if err := f.signInErr(p.st.Username, "New-Harbour-Lights-Phrase-7"); err != nil {
		t.Fatal(err)
	}
	f.message(app.MailPasswordChanged, p.st.Email)
}

// A person sees their open sessions and ends another one; its window is told so.
func TestSessions_ListAndEnd(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	other := f.signIn(p)
	list, err := f.svc.Session.Sessions(p.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || !list[0].Current || list[1].Current || list[0].TokenDigest != nil {
		t.Fatalf("sessions: %+v", list)
	}
	// Someone else's session cannot be ended through one's own list.
	admin, err := f.svc.Session.Sessions(f.ctx())
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.Session.EndSession(p.ctx, admin[0].ID), app.ENOTFOUND, "already ended")
	wantLive(t, f, f.ctx())
	if err := f.svc.Session.EndSession(p.ctx, list[1].ID); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, other, app.EndEndedElsewhere)
	if err := f.svc.Session.SignOut(p.ctx); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, p.ctx, app.EndSignedOut)
}

// What ends a person's sessions, and the reason their window is given.
func TestSessions_EndWhenAccessChanges(t *testing.T) {
	f := newAccessRig(t)
	c := f.ctx()

	p := f.newPerson(f.none)
	st, err := f.svc.Staff.Get(c, p.st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Staff.Deactivate(c, st.ID, st.Version); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, p.ctx, app.EndDeactivated)
	if err := f.signInErr(p.st.Username, p.password); app.ErrorMessage(err) != app.SignInFailed {
		t.Fatalf("an inactive account signs in: %v", err)
	}

	p = f.newPerson(f.none)
	st, _ = f.svc.Staff.Get(c, p.st.ID)
	if _, err := f.svc.Staff.Delete(c, st.ID, st.Version, st.Username); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, p.ctx, app.EndDeleted)

	// Another role.
	p = f.newPerson(f.none)
	st, _ = f.svc.Staff.Get(c, p.st.ID)
	st.RoleID = f.only[app.PermSeePINs].ID
	if _, err := f.svc.Staff.Update(c, st); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, p.ctx, app.EndRoleChanged)
	// An edit that leaves the role alone leaves the sessions alone.
	p = f.newPerson(f.none)
	st, _ = f.svc.Staff.Get(c, p.st.ID)
	st.LastName = "Renamed"
	if _, err := f.svc.Staff.Update(c, st); err != nil {
		t.Fatal(err)
	}
	wantLive(t, f, p.ctx)

	// The role's permissions: every holder's sessions end, nobody else's.
	role := f.newRole("Scribe")
	a, b := f.newPerson(role), f.newPerson(role)
	if _, err := f.svc.Permissions.SetRolePermission(c, role.ID, role.Version, app.PermSeePINs, true); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, a.ctx, app.EndPermissionsChanged)
	wantSignedOut(t, f, b.ctx, app.EndPermissionsChanged)
	wantLive(t, f, p.ctx)
	wantLive(t, f, c)

	// A password reset by code, at any desk: every session ends.
	p = f.newPerson(f.none)
	other := f.signIn(p)
	st, _ = f.svc.Staff.Get(c, p.st.ID)
	if err := f.svc.Accounts.RequestPasswordReset(c, st.ID, st.Version); err != nil {
		t.Fatal(err)
	}
	code := f.peekCode(f.message(app.MailPasswordReset, st.Email))
	wantLive(t, f, p.ctx) // asking for it changes nothing yet
	if err := f.svc.Accounts.ResetPassword(context.Background(), st.Username, code, "Reset-Harbour-Lights-Phrase-3", "Reset-Harbour-Lights-Phrase-3"); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, p.ctx, app.EndPasswordReset)
	wantSignedOut(t, f, other, app.EndPasswordReset)
	if err := f.signInErr(p.st.Username, "Reset-Harbour-Lights-Phrase-3"); err != nil {
		t.Fatal(err)
	}
}

// Landing follows Use new dashboard?.
func TestSignIn_LandingByFlag(t *testing.T) {
	f := newAccessRig(t)
	on := f.activate(f.newAccount(f.none, func(n *app.NewStaff) { n.UseNewDashboard = true }))
	off := f.activate(f.newAccount(f.none))
	for _, tc := range []struct {
		st   *app.Staff
		want app.Landing
	}{{on, app.LandDashboard}, {off, app.LandStaff}} {
		in, err := f.svc.Session.SignIn(context.Background(), tc.st.Username, personPassword, "desk")
		if err != nil {
			t.Fatal(err)
		}
		if in.Landing != tc.want {
			t.Errorf("%s lands on %v, want %v", tc.st.Username, in.Landing, tc.want)
		}
	}
}

// Signing in records when; the grid and View show it.
func TestSignIn_RecordsLastSignIn(t *testing.T) {
	f := newAccessRig(t)
	st := f.activate(f.newAccount(f.none))
	got, _ := f.svc.Staff.Get(f.ctx(), st.ID)
	if !got.NeverSignedIn() {
		t.Fatalf("before signing in: %+v", got.SignIn)
	}
	f.clock.Advance(time.Hour)
	if err := f.signInErr(st.Username, personPassword); err != nil {
		t.Fatal(err)
	}
	got, _ = f.svc.Staff.Get(f.ctx(), st.ID)
	if got.NeverSignedIn() || !got.SignIn.LastSignInAt.Equal(f.clock.Now()) {
		t.Fatalf("after signing in: %+v", got.SignIn)
	}
}

// The desk's name is kept to 100 bytes without cutting a character in two: the
// sessions list shows it.
func TestSignIn_LongDeskNameKeptWhole(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	desk := "x" + strings.Repeat("é", 60) // 121 bytes: the 100th is half of an é
	in, err := f.svc.Session.SignIn(context.Background(), p.st.Username, p.password, desk)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.Session.Sessions(app.WithSession(context.Background(), in.Token))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Current && (!utf8.ValidString(s.Desk) || s.Desk != "x"+strings.Repeat("é", 49)) {
			t.Fatalf("desk kept as %q", s.Desk)
		}
	}
}
