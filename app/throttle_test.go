package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// throttleRun fails to sign in as login until the lock, as a person guessing would:
// each time the delay asks to wait, they wait it. It returns what each attempt was
// told, in order.
func throttleRun(t *testing.T, f *accessRig, login string) []string {
	t.Helper()
	var said []string
	for failures := 0; failures < app.LockAfter; {
		err := f.signInErr(login, "Not-The-Password-At-All-42")
		said = append(said, app.ErrorMessage(err))
		if app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("attempt %d: %v", len(said), err)
		}
		if errors.Is(err, app.ErrThrottled) {
			// Refused before the password was looked at: not a failure. Wait, then go on.
			want := app.ThrottleBase << (failures - app.ThrottleAfter)
			if !strings.Contains(app.ErrorMessage(err), fmt.Sprintf("wait %d seconds", int(want/time.Second))) {
				t.Fatalf("after %d failures: %q, want a wait of %s", failures, app.ErrorMessage(err), want)
			}
			f.clock.Advance(want)
			continue
		}
		failures++
		if failures < app.LockAfter && app.ErrorMessage(err) != app.SignInFailed {
			t.Fatalf("failure %d: %q", failures, app.ErrorMessage(err))
		}
		if failures < app.ThrottleAfter {
			continue
		}
		if failures < app.LockAfter {
			// Straight away again: asked to wait.
			err := f.signInErr(login, "Not-The-Password-At-All-42")
			if !errors.Is(err, app.ErrThrottled) {
				t.Fatalf("right after failure %d: %v, want a delay", failures, err)
			}
			said = append(said, app.ErrorMessage(err))
			want := app.ThrottleBase << (failures - app.ThrottleAfter)
			f.clock.Advance(want - time.Second)
			err = f.signInErr(login, "Not-The-Password-At-All-42")
			if !errors.Is(err, app.ErrThrottled) || !strings.Contains(app.ErrorMessage(err), "wait 1 second,") {
				t.Fatalf("a second before the delay is up: %v", err)
			}
			said = append(said, app.ErrorMessage(err))
			f.clock.Advance(time.Second)
			continue
		}
		if !errors.Is(err, app.ErrLocked) {
			t.Fatalf("failure %d: %v, want the lock", failures, err)
		}
	}
	return said
}

// After 5 failures in a row, growing delays; after 10, a 15-minute lock: for an
// account and for a name that is nobody's alike, word for word, so that probing for
// names tells nothing. The lock holds against the right password, and runs out.
func TestThrottle_DelaysThenLock(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	start := f.clock.Now()
	account := throttleRun(t, f, p.st.Username)
	took := f.clock.Now().Sub(start)
	f.clock.now = start // the unknown name's run at the same clock times, for the same "until"
	unknown := throttleRun(t, f, "nobodyhere")
	if strings.Join(account, "\n") != strings.Join(unknown, "\n") {
		t.Fatalf("an account and an unknown name are told different things:\n%q\n%q", account, unknown)
	}
	t.Logf("to the lock: %d attempts over %s", len(account), took)

	// Locked: the right password too, at once and a minute before the end.
	for _, wait := range []time.Duration{0, app.LockFor - time.Minute} {
		f.clock.now = start.Add(took + wait)
		err := f.signInErr(p.st.Username, p.password)
		if !errors.Is(err, app.ErrLocked) || app.ErrorMessage(err) != account[len(account)-1] {
			t.Fatalf("the right password %s into the lock: %v", wait, err)
		}
		if err := f.signInErr("nobodyhere", p.password); !errors.Is(err, app.ErrLocked) {
			t.Fatalf("the unknown name %s into the lock: %v", wait, err)
		}
	}
	// Managers see it locked, with the failures.
	st, err := f.svc.Staff.Get(f.ctx(), p.st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Locked(f.clock.Now()) || st.SignIn.Failures != app.LockAfter {
		t.Fatalf("View of the locked account: %+v", st.SignIn)
	}
	d, err := f.svc.Dashboard.Summary(f.ctx())
	if err != nil || d.All.Locked != 1 {
		t.Fatalf("dashboard: %+v, %v", d, err)
	}
	// The lock runs out after 15 minutes.
	f.clock.now = start.Add(took + app.LockFor)
	if err := f.signInErr(p.st.Username, p.password); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	st, _ = f.svc.Staff.Get(f.ctx(), p.st.ID)
	if st.Locked(f.clock.Now()) || st.SignIn.Failures != 0 {
		t.Fatalf("after signing in: %+v", st.SignIn)
	}
}

// A success ends the run of failures: the count starts again.
func TestThrottle_SuccessResets(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	for round := 0; round < 3; round++ {
		for i := 0; i < app.ThrottleAfter-1; i++ {
			if err := f.signInErr(p.st.Username, "Not-The-Password-At-All-42"); app.ErrorMessage(err) != app.SignInFailed {
				t.Fatalf("round %d failure %d: %v", round, i+1, err)
			}
		}
		if err := f.signInErr(p.st.Username, p.password); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	// 12 failures in all, never 5 in a row: no delay.
	if err := f.signInErr(p.st.Username, "Not-The-Password-At-All-42"); app.ErrorMessage(err) != app.SignInFailed {
		t.Fatal(err)
	}
	if err := f.signInErr(p.st.Username, p.password); err != nil {
		t.Fatal(err)
	}
}

// A manager with Manage Accounts unlocks a locked account; a person without it cannot.
func TestThrottle_ManagerUnlocks(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	throttleRun(t, f, p.st.Username)
	_, err := f.svc.Staff.Unlock(f.holders[app.PermSeePINs].ctx, p.st.ID)
	wantCode(t, err, app.EFORBIDDEN, "Manage Accounts")
	st, err := f.svc.Staff.Unlock(f.holders[app.PermManageAccounts].ctx, p.st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Locked(f.clock.Now()) || st.SignIn.Failures != 0 {
		t.Fatalf("after Unlock: %+v", st.SignIn)
	}
	if err := f.signInErr(p.st.Username, p.password); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
}

// A password reset by code ends the lock: the person proved who they are.
func TestThrottle_PasswordResetUnlocks(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	throttleRun(t, f, p.st.Username)
	st, _ := f.svc.Staff.Get(f.ctx(), p.st.ID)
	if err := f.svc.Accounts.RequestPasswordReset(f.ctx(), st.ID, st.Version); err != nil {
		t.Fatal(err)
	}
	code := f.peekCode(f.message(app.MailPasswordReset, st.Email))
	const pw = "Reset-Harbour-Lights-Phrase-3"
	if err := f.svc.Accounts.ResetPassword(context.Background(), st.Username, code, pw, pw); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, f, p.ctx, app.EndPasswordReset)
	in, err := f.svc.Session.SignIn(context.Background(), st.Username, pw, "desk")
	if err != nil {
		t.Fatalf("after the reset: %v", err)
	}
	if in.MustChangePassword {
		t.Fatal("a password the person chose by reset is asked for again")
	}
}

// Failures at two desks at once are each counted: the count is read again in the
// transaction that raises it.
func TestThrottle_FailuresAtTwoDesksAllCount(t *testing.T) {
	f := newAccessRig(t)
	p := f.newPerson(f.none)
	_, other := f.openDesk(f.logs)
	other.SetPasswordHash(app.CheapPasswordHash)
	const each = 2 // four in all, below ThrottleAfter: none is refused unchecked
	errs := make(chan error, 2*each)
	start := make(chan struct{})
	for _, svc := range []*app.Services{f.svc, other} {
		for i := 0; i < each; i++ {
			go func() {
				<-start
				_, err := svc.Session.SignIn(context.Background(), p.st.Username, "Not-The-Password-At-All-42", "desk")
				errs <- err
			}()
		}
	}
	close(start)
	for i := 0; i < 2*each; i++ {
		if err := <-errs; app.ErrorMessage(err) != app.SignInFailed {
			t.Fatalf("attempt: %v", err)
		}
	}
	if st := f.get(f.ctx(), p.st.ID); st.SignIn.Failures != 2*each {
		t.Fatalf("failures counted: %d, want %d", st.SignIn.Failures, 2*each)
	}
}
