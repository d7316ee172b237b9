package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	appmail "github.com/staffdesk/staffdesk/smtp"
)

func TestEmailSettings_SaveAndLoad(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	st, err := r.svc.EmailSettings.Load(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if st.Configured || st.FromOutside || st.PasswordStored {
		t.Fatalf("fresh: %+v", st)
	}
	if summary, _ := r.svc.Outbox.Summary(r.ctx()); summary != "Email is not set up" {
		t.Fatalf("summary %q", summary)
	}
	r.createStaff("camilles", "Camille", "Staff")
	r.createStaff("marcus", "Marcus", "Staff")
	if summary, _ := r.svc.Outbox.Summary(r.ctx()); summary != "Email is not set up — 2 messages waiting" {
		t.Fatalf("summary %q", summary)
	}

	r.setUp(r.settings())
	st, err = r.svc.EmailSettings.Load(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	want := r.settings()
	want.Password = ""
	if st.Settings != want || !st.PasswordStored || st.PasswordInFile || !st.Configured {
		t.Fatalf("loaded %+v", st)
	}
	if pw, _ := r.keychain.Get("StaffDesk", "smtp"); pw != rigSMTPPassword {
		t.Fatalf("keychain holds %q", pw)
	}
	// Saving again without a password keeps the stored one.
	s := r.settings()
	s.Password = ""
	s.PracticeName = "Valley Clinic, P.C."
	r.setUp(s)
	r.sendDue()
	if len(r.srv.Messages()) != 2 {
		t.Fatalf("delivered %d", len(r.srv.Messages()))
	}
}

func TestEmailSettings_Refused(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	for _, c := range []struct {
		field string
		edit  func(*app.EmailSettings)
	}{
		{app.FieldPracticeName, func(s *app.EmailSettings) { s.PracticeName = "Valley\r\nBcc: all@example.com" }},
		{appmail.FieldSecurity, func(s *app.EmailSettings) { s.Host, s.Security = "smtp.valley.example", app.MailNone }},
		{appmail.FieldFromName, func(s *app.EmailSettings) { s.FromName = "Front\nDesk" }},
		{appmail.FieldFromAddress, func(s *app.EmailSettings) { s.FromAddress = "not an address" }},
	} {
		s := r.settings()
		c.edit(&s)
		err := r.svc.EmailSettings.Save(r.ctx(), s, app.SaveEmailOptions{})
		if app.ErrorCode(err) != app.EINVALID || app.ErrorFields(err)[c.field] == "" {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	// Security none is fine for this computer.
	s := r.settings()
	s.Security = app.MailNone
	if err := r.svc.EmailSettings.Save(r.ctx(), s, app.SaveEmailOptions{}); err != nil {
		t.Fatal(err)
	}
}

// A keychain that does not answer: a typed error, nothing saved, and after the person
// agrees the password goes to a file only they can read.
func TestEmailSettings_NoKeychain(t *testing.T) {
	defer app.SetKeychainTimeout(100 * time.Millisecond)()
	r := newMailRig(t, rigOptions{})
	r.keychain.hang = make(chan struct{})
	defer close(r.keychain.hang)

	start := time.Now()
	err := r.svc.EmailSettings.Save(r.ctx(), r.settings(), app.SaveEmailOptions{})
	if !errors.Is(err, app.ErrNoKeychain) || !strings.Contains(app.ErrorMessage(err), r.svc.EmailSettings.PasswordFile()) {
		t.Fatalf("Save with a hung keychain: %v", err)
	}
	if strings.Contains(err.Error(), rigSMTPPassword) {
		t.Fatal("the error holds the password")
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("waited %s on the keychain", time.Since(start))
	}
	if st, _ := r.svc.EmailSettings.Load(r.ctx()); st.Configured {
		t.Fatal("saved despite the error")
	}

	if err := r.svc.EmailSettings.Save(r.ctx(), r.settings(), app.SaveEmailOptions{PasswordInFile: true}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(r.dir, app.PasswordFileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file mode %o", fi.Mode().Perm())
	}
	st, _ := r.svc.EmailSettings.Load(r.ctx())
	if !st.PasswordInFile || !st.PasswordStored {
		t.Fatalf("state %+v", st)
	}
	// A restart reads the password from the file, without the keychain.
	r.reopen()
	if err := r.svc.EmailSettings.SendTestEmail(r.ctx(), "manager@valley.example"); err != nil {
		t.Fatal(err)
	}
	// Forgetting it removes the file.
	s := r.settings()
	s.Password, s.Username = "", ""
	if err := r.svc.EmailSettings.Save(r.ctx(), s, app.SaveEmailOptions{ForgetPassword: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("password file still there: %v", err)
	}
}

// --smtp / STAFFDESK_SMTP wins over the saved settings and says so.
func TestEmailSettings_FromOutside(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	err := r.svc.EmailSettings.SetOverride("smtp://u:p@[bad")
	if app.ErrorCode(err) != app.EINVALID || strings.Contains(err.Error(), "u:p") {
		t.Fatalf("bad URL: %v", err)
	}
	raw := "smtp://" + rigSMTPUser + ":" + rigSMTPPassword + "@127.0.0.1:" + itoa(r.srv.Port()) + "?security=starttls&from=" + rigFrom
	if err := r.svc.EmailSettings.SetOverride(raw); err != nil {
		t.Fatal(err)
	}
	st, err := r.svc.EmailSettings.Load(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !st.FromOutside || !st.Configured || st.Settings.Host != "127.0.0.1" || st.Settings.Password != "" {
		t.Fatalf("state %+v", st)
	}
	r.createStaff("camilles", "Camille", "Staff")
	r.sendDue()
	if len(r.srv.Messages()) != 1 {
		t.Fatalf("delivered %d", len(r.srv.Messages()))
	}
}

// Send test email reports the server's own words.
func TestEmailSettings_TestEmailFailure(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	s := r.settings()
	s.Password = "wrong"
	r.setUp(s)
	err := r.svc.EmailSettings.SendTestEmail(r.ctx(), "manager@valley.example")
	if !strings.Contains(app.ErrorMessage(err), "535") {
		t.Fatalf("test email with a wrong password: %v", err)
	}
	wantCode(t, r.svc.EmailSettings.SendTestEmail(r.ctx(), "not an address"), app.EINVALID, "Enter the address")
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Settings → Email knows the server's fields and securities only from app: they must
// be the very names and values the SMTP package uses.
func TestEmailSettings_FieldsAndSecuritiesAreTheMailPackages(t *testing.T) {
	for _, f := range []struct{ app, mail string }{
		{app.FieldSMTPHost, appmail.FieldHost},
		{app.FieldSMTPPort, appmail.FieldPort},
		{app.FieldSMTPSecurity, appmail.FieldSecurity},
		{app.FieldSMTPUsername, appmail.FieldUsername},
		{app.FieldSMTPPassword, appmail.FieldPassword},
		{app.FieldSMTPFromName, appmail.FieldFromName},
		{app.FieldSMTPFromAddress, appmail.FieldFromAddress},
		{app.FieldTestEmailTo, appmail.FieldTestTo},
	} {
		if f.app != f.mail {
			t.Errorf("app field %q, mail field %q", f.app, f.mail)
		}
	}
	for _, s := range []struct {
		app  app.MailSecurity
		mail appmail.Security
		url  string
	}{
		{app.MailStartTLS, appmail.SecurityStartTLS, "smtp://mail.example.com"},
		{app.MailTLS, appmail.SecurityTLS, "smtps://mail.example.com"},
		{app.MailNone, appmail.SecurityNone, "smtp://localhost?security=none"},
	} {
		if string(s.app) != string(s.mail) {
			t.Errorf("app security %q, mail security %q", s.app, s.mail)
		}
		if s.app.Label() == "" || s.app.Label() == string(s.app) {
			t.Errorf("security %q has no label", s.app)
		}
		if c, err := appmail.ParseURL(s.url); err == nil && c.Security == s.mail && s.mail != appmail.SecurityNone && c.Port != s.app.DefaultPort() {
			t.Errorf("%s: the mail package's default port is %d, app's %d", s.url, c.Port, s.app.DefaultPort())
		}
	}
	if len(app.MailSecurities) != 3 || app.MailSecurities[0] != app.MailStartTLS {
		t.Errorf("the choices are %v; STARTTLS first", app.MailSecurities)
	}
}

// A web address that an older release saved as Settings → Email's Link address is
// ignored: the emails carry staffdesk: links, never it, and the next Save removes it.
func TestEmailSettings_OldLinkAddressIsIgnored(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	const old = "https://staff.valley.example/desk"
	if err := r.db.Write(context.Background(), func(tx app.Tx) error {
		return tx.SetSetting("email.link_address", old)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.EmailSettings.Load(r.ctx()); err != nil {
		t.Fatal(err)
	}
	r.createStaff("camilles", "Camille", "Staff")
	r.sendDue()
	got := r.deliveredTo("camilles@email.xyz")
	if len(got) != 1 {
		t.Fatalf("delivered %d", len(got))
	}
	for _, part := range []string{got[0].text, got[0].html} {
		if strings.Contains(part, "staff.valley.example") || !strings.Contains(part, "staffdesk://activate?user=camilles&") {
			t.Fatalf("the activation email:\n%s", part)
		}
	}
	r.setUp(r.settings())
	err := r.db.Write(context.Background(), func(tx app.Tx) error {
		m, err := tx.Settings("email.link_address")
		if len(m) != 0 {
			t.Errorf("after Save, the settings still hold %v", m)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
