package app_test

import (
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// TestEmailSettings_OutsideServerUsesStoredPassword: --smtp names the server and the
// user but no password (a command line is readable by every user of the computer):
// the password is the one kept in the keychain by Settings → Email.
func TestEmailSettings_OutsideServerUsesStoredPassword(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings()) // the password goes to the keychain
	raw := "smtp://" + rigSMTPUser + "@127.0.0.1:" + itoa(r.srv.Port()) + "?security=starttls&from=" + rigFrom
	if err := r.svc.EmailSettings.SetOverride(raw); err != nil {
		t.Fatal(err)
	}
	st, err := r.svc.EmailSettings.Load(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !st.FromOutside || !st.PasswordStored {
		t.Fatalf("state %+v", st)
	}
	r.createStaff("camilles", "Camille", "Staff")
	r.sendDue()
	if len(r.srv.Messages()) != 1 {
		t.Fatalf("delivered %d, want 1 (outbox: %v)", len(r.srv.Messages()), r.outbox()[0].LastError)
	}
	if err := r.svc.EmailSettings.SendTestEmail(r.ctx(), "me@valley.example"); err != nil {
		t.Fatalf("test email: %v", app.ErrorMessage(err))
	}
}
