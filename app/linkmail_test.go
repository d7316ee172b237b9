package app_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// Each email with a code carries the staffdesk: link that opens its window with the
// username and code filled in, always (no setting), and the code as text for the mail
// program that does not open such links. The copy kept for the Outbox window links
// with the code masked.
func TestAccountEmails_CarryTheirStaffDeskLink(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	camille := r.createStaff("camilles", "Camille", "Staff")
	r.sendDue()

	check := func(to, subject string, action app.LinkAction, window string) string {
		t.Helper()
		var m *received
		for _, got := range r.deliveredTo(to) {
			if got.subject == subject {
				m = &got
			}
		}
		if m == nil {
			t.Fatalf("no email %q to %s", subject, to)
		}
		code := codeIn(m.text)
		want := "staffdesk://" + string(action) + "?user=camilles&code=" + code
		text := strings.ReplaceAll(m.text, "\r\n", "\n")
		if code == "" || !strings.Contains(text, "\n"+want+"\n") {
			t.Fatalf("%q: the text part has no line %q:\n%s", subject, want, m.text)
		}
		if !strings.Contains(m.html, `href="`+strings.ReplaceAll(want, "&", "&amp;")+`"`) {
			t.Fatalf("%q: the HTML part does not link to %q:\n%s", subject, want, m.html)
		}
		l, err := app.ParseLink(want)
		if err != nil || l.Action != action || l.Username != "camilles" || l.Code != code {
			t.Fatalf("%q: the link reads as %v, %v", subject, l, err)
		}
		for _, part := range []string{text, regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m.html, "")} {
			if !strings.Contains(part, "If the link does not open StaffDesk") || !strings.Contains(part, window) {
				t.Fatalf("%q: a part does not say what to do when the link does not open StaffDesk:\n%s", subject, part)
			}
		}
		if action != app.LinkConfirmEmail && !strings.Contains(text, "type your username, camilles, and the code "+code+".") {
			t.Fatalf("%q: the text part does not give the username and code to type:\n%s", subject, m.text)
		}
		kept := false
		for _, o := range r.outbox() {
			if o.Subject != subject || o.ToAddress != to {
				continue
			}
			kept = true
			v, err := r.svc.Outbox.View(r.ctx(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(v.Text+v.HTML, code) {
				t.Fatalf("%q: the Outbox copy holds the code", subject)
			}
			if masked := "staffdesk://" + string(action) + "?user=camilles&code=•••••-•••••"; !strings.Contains(v.Text, masked) {
				t.Fatalf("%q: the Outbox copy does not link with the code masked:\n%s", subject, v.Text)
			}
		}
		if !kept {
			t.Fatalf("%q: no copy in the outbox", subject)
		}
		return code
	}

	code := check("camilles@email.xyz", "Activate your Valley Family Practice staff account", app.LinkActivate, "choose Activate account on the Sign in window")
	active, err := r.svc.Accounts.Activate(r.ctx(), "camilles", code)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), active.ID, active.Version); err != nil {
		t.Fatal(err)
	}
	r.sendDue()
	check("camilles@email.xyz", "Reset your Valley Family Practice staff password", app.LinkResetPassword, "choose Set a new password on the Sign in window")
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "camille.new@email.xyz"); err != nil {
		t.Fatal(err)
	}
	r.sendDue()
	code = check("camille.new@email.xyz", "Confirm your new email address for Valley Family Practice", app.LinkConfirmEmail, "Confirm New Email")
	if _, err := r.svc.Accounts.ConfirmEmailChange(r.ctx(), "camilles", code); err != nil {
		t.Fatal(err)
	}
}
