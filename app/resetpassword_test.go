package app_test

import (
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// TestResetPassword_NoProbingWithoutACode: Set a New Password checks the code before
// the password. A wrong code with a real username and a password holding the last name
// answers "That code is not right", the same as for any other wrong code, and counts
// as a wrong code; so the password rules cannot be used to learn about an account.
func TestResetPassword_NoProbingWithoutACode(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staffordshire")
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), camille.ID, camille.Version); err != nil {
		t.Fatal(err)
	}
	code := r.peekCode(r.message(app.MailPasswordReset, "camilles@email.xyz"))
	wrong := "ABCDE-12345"
	if strings.EqualFold(wrong, code) {
		wrong = "ABCDE-12346"
	}
	const personal = "Staffordshire-Blue-Horses-42"
	const notRight = "That code is not right"
	probes := []struct{ username, password, confirm string }{
		{"camilles", personal, personal}, // a real username, the last name in the password
		{"camilles", "short", "short"},   // a password the rules refuse
		{"camilles", personal, "other"},  // a confirmation that differs
		{"nobody", personal, personal},   // no such username
	}
	for i, p := range probes {
		err := r.svc.Accounts.ResetPassword(r.ctx(), p.username, wrong, p.password, p.confirm)
		msg := app.ErrorFields(err)[app.FieldCode]
		if !strings.HasPrefix(msg, notRight) || len(app.ErrorFields(err)) != 1 {
			t.Errorf("probe %d (%s): %v; want only %q under the code", i, p.username, err, notRight)
		}
	}
	// The three wrong codes for camilles counted: the next two are the last ones.
	err := r.svc.Accounts.ResetPassword(r.ctx(), "camilles", wrong, personal, personal)
	if msg := app.ErrorMessage(err); !strings.HasPrefix(msg, notRight) || strings.Contains(msg, "last try") {
		t.Errorf("4th wrong code: %v", err)
	}
	err = r.svc.Accounts.ResetPassword(r.ctx(), "camilles", wrong, personal, personal)
	if msg := app.ErrorMessage(err); !strings.Contains(msg, "last try") {
		t.Errorf("5th wrong code: %v; the probes were not counted", err)
	}
	err = r.svc.Accounts.ResetPassword(r.ctx(), "camilles", code, personal, personal)
	if !strings.Contains(app.ErrorMessage(err), "Too many wrong codes") {
		t.Errorf("after 5 wrong codes: %v", err)
	}
}

// TestResetPassword_RightCodeThenRules: with the right code the password rules speak,
// and a refused password does not use the code up.
func TestResetPassword_RightCodeThenRules(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staffordshire")
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), camille.ID, camille.Version); err != nil {
		t.Fatal(err)
	}
	code := r.peekCode(r.message(app.MailPasswordReset, "camilles@email.xyz"))
	err := r.svc.Accounts.ResetPassword(r.ctx(), "camilles", code, "Staffordshire-Blue-Horses-42", "Staffordshire-Blue-Horses-42")
	if msg := app.ErrorFields(err)[app.FieldPassword]; !strings.Contains(msg, "last name") {
		t.Fatalf("right code, personal password: %v", err)
	}
	if err := r.svc.Accounts.ResetPassword(r.ctx(), "camilles", code, "Another-Long-Passphrase-77", "Another-Long-Passphrase-77"); err != nil {
		t.Fatalf("the refused password used the code up: %v", err)
	}
}
