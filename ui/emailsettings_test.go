package ui

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/smtp"
	"github.com/staffdesk/staffdesk/smtp/smtptest"
)

const (
	smtpUser     = "frontdesk"
	smtpPassword = "s3cret-Smtp-Pa55word"
)

// stored is the SMTP password the keychain holds.
func (k *memKeychain) stored() string {
	pw, _ := k.Get("StaffDesk", "smtp")
	return pw
}

// mailDesk is a test desk whose services send mail: a real smtptest server with
// STARTTLS and AUTH, trusted through its certificate pool, and a keychain in memory.
type mailDesk struct {
	*testDesk
	srv      *smtptest.Server
	keychain *memKeychain
}

func newMailDesk(t *testing.T, seed bool, opts smtptest.Options) *mailDesk {
	t.Helper()
	if opts.Username == "" {
		opts.Username, opts.Password = smtpUser, smtpPassword
	}
	opts.STARTTLS = true
	srv := smtptest.NewServer(t, opts)
	timeout := 5 * time.Second
	if opts.NeverGreet {
		timeout = time.Second
	}
	kc := &memKeychain{items: map[string]string{}}
	td := newTestDeskWith(t, seed, &app.MailOptions{
		Postman:  &smtp.Postman{Timeout: timeout, RootCAs: srv.CertPool()},
		Keychain: kc,
	})
	return &mailDesk{testDesk: td, srv: srv, keychain: kc}
}

// settings point at the desk's server.
func (md *mailDesk) settings() app.EmailSettings {
	return app.EmailSettings{Host: md.srv.Host(), Port: md.srv.Port(), Security: app.MailStartTLS,
		Username: smtpUser, Password: smtpPassword, FromName: "Valley Front Desk", FromAddress: "office@valley.example",
		PracticeName: "Valley Family Practice"}
}

func (md *mailDesk) setUp(t *testing.T) {
	t.Helper()
	if err := md.svc.EmailSettings.Save(md.ctx(), md.settings(), app.SaveEmailOptions{}); err != nil {
		t.Fatal(err)
	}
}

func openSettingsWindow(t *testing.T, td *testDesk) *emailSettingsWindow {
	t.Helper()
	w := td.showEmailSettings()
	if w == nil {
		t.Fatal("the Email Settings window was already open")
	}
	td.waitIdle()
	if w.fields == nil {
		t.Fatal("the form was not built")
	}
	return w
}

func retype(e *entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// fillSettings types s into the form.
func fillSettings(w *emailSettingsWindow, s app.EmailSettings) {
	retype(w.host, s.Host)
	w.security.SetSelected(securityLabel(s.Security))
	retype(w.port, itoa(s.Port))
	retype(w.username, s.Username)
	retype(w.password, s.Password)
	retype(w.fromName, s.FromName)
	retype(w.fromAddress, s.FromAddress)
	retype(w.practice, s.PracticeName)
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func TestEmailSettingsSaveAndLoad(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	w := openSettingsWindow(t, md.testDesk)
	if got := w.win.Title(); got != "Email Settings" {
		t.Errorf("title %q", got)
	}
	if w.outside.Visible() {
		t.Error("the outside banner shows without --smtp")
	}
	if w.passwordState.Text != "No password is stored." || w.forget.Visible() {
		t.Errorf("fresh password state %q, forget shown %v", w.passwordState.Text, w.forget.Visible())
	}

	fillSettings(w, md.settings())
	if !w.changed() {
		t.Fatal("typed settings do not count as a change")
	}
	test.Tap(w.save)
	md.waitIdle()
	if !w.saved.Visible() || w.saved.Text != "Settings saved." {
		t.Errorf("no confirmation after saving: %q", w.saved.Text)
	}
	if w.changed() {
		t.Error("the form still counts as changed after saving")
	}
	if md.keychain.stored() != smtpPassword {
		t.Error("the password is not in the keychain")
	}
	st, err := md.svc.EmailSettings.Load(md.ctx())
	if err != nil {
		t.Fatal(err)
	}
	want := md.settings()
	want.Password = ""
	if st.Settings != want || !st.PasswordStored || st.PasswordInFile {
		t.Fatalf("saved %+v", st)
	}
	if !strings.Contains(w.passwordState.Text, "keychain") || !w.forget.Visible() || w.password.Text != "" {
		t.Errorf("after saving: password state %q, forget %v, password field %q", w.passwordState.Text, w.forget.Visible(), w.password.Text)
	}

	// Enter saves too, and closing and opening again shows what was saved.
	retype(w.practice, "Hill Clinic")
	w.practice.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	md.waitIdle()
	w.win.Close()
	w = openSettingsWindow(t, md.testDesk)
	if w.host.Text != md.srv.Host() || w.port.Text != itoa(md.srv.Port()) || w.security.Selected != "STARTTLS (required)" ||
		w.username.Text != smtpUser || w.password.Text != "" || w.fromAddress.Text != "office@valley.example" || w.practice.Text != "Hill Clinic" {
		t.Errorf("reopened form: host %q port %q security %q user %q from %q practice %q",
			w.host.Text, w.port.Text, w.security.Selected, w.username.Text, w.fromAddress.Text, w.practice.Text)
	}
	if w.password.PlaceHolder != "(unchanged)" {
		t.Errorf("password placeholder %q", w.password.PlaceHolder)
	}

	// Forget password asks, then forgets.
	test.Tap(w.forget)
	if w.forgetAsk == nil {
		t.Fatal("Forget password did not ask")
	}
	w.forgetAsk.Confirm()
	md.waitIdle()
	if md.keychain.stored() != "" || w.forget.Visible() || w.passwordState.Text != "No password is stored." {
		t.Errorf("after Forget: keychain %q, state %q", md.keychain.stored(), w.passwordState.Text)
	}
}

func TestEmailSettingsSecuritySuggestsPort(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	w := openSettingsWindow(t, md.testDesk)
	w.security.SetSelected("TLS on connect (port 465)")
	if w.port.Text != "465" {
		t.Errorf("port %q after TLS on connect", w.port.Text)
	}
	w.security.SetSelected("STARTTLS (required)")
	if w.port.Text != "587" {
		t.Errorf("port %q after STARTTLS", w.port.Text)
	}
	retype(w.port, "2525")
	w.security.SetSelected("TLS on connect (port 465)")
	if w.port.Text != "2525" {
		t.Errorf("a typed port was replaced by %q", w.port.Text)
	}
}

func TestEmailSettingsNoKeychainKeepsPasswordInFile(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	md.keychain.refuse = true
	w := openSettingsWindow(t, md.testDesk)
	fillSettings(w, md.settings())
	test.Tap(w.save)
	md.waitIdle()
	if w.keychainAsk == nil {
		t.Fatal("a keychain that does not answer did not lead to the question")
	}
	path := md.svc.EmailSettings.PasswordFile()
	if text := overlayText(w.win); !strings.Contains(text, path) || !strings.Contains(text, "only you can read") {
		t.Errorf("the question does not name the file: %q", text)
	}
	if st, _ := md.svc.EmailSettings.Load(md.ctx()); st.Configured {
		t.Fatal("something was saved before the answer")
	}
	w.keychainAsk.Confirm()
	md.waitIdle()

	st, err := md.svc.EmailSettings.Load(md.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !st.PasswordInFile || !st.Configured || st.Settings.Host != md.srv.Host() {
		t.Fatalf("after agreeing: %+v", st)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v %v", info, err)
	}
	if !strings.Contains(w.passwordState.Text, "file readable only by you") || !w.saved.Visible() {
		t.Errorf("password state %q", w.passwordState.Text)
	}
	// The password kept in the file signs in.
	retype(w.testTo, "manager@valley.example")
	test.Tap(w.sendTest)
	md.waitIdle()
	if len(md.srv.Messages()) != 1 || !strings.Contains(w.testResult.Text, "was sent") {
		t.Errorf("test email with the password from the file: %q, %d delivered", w.testResult.Text, len(md.srv.Messages()))
	}
}

func TestEmailSettingsDeclinedFileSavesNothing(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	md.keychain.refuse = true
	w := openSettingsWindow(t, md.testDesk)
	fillSettings(w, md.settings())
	test.Tap(w.save)
	md.waitIdle()
	if w.keychainAsk == nil {
		t.Fatal("no question")
	}
	w.keychainAsk.Dismiss()
	md.waitIdle()
	if st, _ := md.svc.EmailSettings.Load(md.ctx()); st.Configured || st.PasswordStored {
		t.Errorf("saved after declining: %+v", st)
	}
	if _, err := os.Stat(md.svc.EmailSettings.PasswordFile()); !os.IsNotExist(err) {
		t.Errorf("a password file exists: %v", err)
	}
	if !w.changed() {
		t.Error("the typed settings were dropped")
	}
}

func TestEmailSettingsFieldErrors(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	w := openSettingsWindow(t, md.testDesk)
	s := md.settings()
	s.Host = "smtp.example.com"
	s.Security = app.MailNone
	fillSettings(w, s)
	retype(w.port, "abc")
	test.Tap(w.save)
	md.waitIdle()

	if got := w.fields.errorOf(app.FieldSMTPSecurity); !strings.Contains(got, "only for a mail server on this computer") {
		t.Errorf("security error %q", got)
	}
	if got := w.fields.errorOf(app.FieldSMTPPort); !strings.Contains(got, "Enter a port from 1 to 65535") {
		t.Errorf("port error %q", got)
	}
	if got := w.fields.errorOf(app.FieldSMTPHost); got != "" {
		t.Errorf("a good host has the error %q", got)
	}
	if st, _ := md.svc.EmailSettings.Load(md.ctx()); st.Configured {
		t.Error("invalid settings were saved")
	}

	retype(w.host, "127.0.0.1")
	retype(w.port, itoa(md.srv.Port()))
	test.Tap(w.save)
	md.waitIdle()
	if got := w.fields.errorOf(app.FieldSMTPSecurity); got != "" || !w.saved.Visible() {
		t.Errorf("security none to this computer refused: %q", got)
	}
}

func TestEmailSettingsSendTestEmail(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	md.setUp(t)
	w := openSettingsWindow(t, md.testDesk)
	if w.testTo.PlaceHolder != "office@valley.example" {
		t.Errorf("the recipient does not default to the From address: %q", w.testTo.PlaceHolder)
	}

	test.Tap(w.sendTest)
	md.waitIdle()
	if w.sendTest.Disabled() || w.activity.Visible() {
		t.Error("still sending after the answer")
	}
	if w.testResult.Text != "The test email was sent to office@valley.example. Check that it arrived." {
		t.Errorf("result %q", w.testResult.Text)
	}
	msgs := md.srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "office@valley.example" {
		t.Fatalf("delivered %+v", msgs)
	}

	// Unsaved changes are saved first, and the recipient typed is used.
	retype(w.practice, "Hill Clinic")
	retype(w.testTo, "manager@valley.example")
	w.testTo.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	md.waitIdle()
	if st, _ := md.svc.EmailSettings.Load(md.ctx()); st.Settings.PracticeName != "Hill Clinic" {
		t.Errorf("the change was not saved before the test: %q", st.Settings.PracticeName)
	}
	msgs = md.srv.Messages()
	if len(msgs) != 2 || msgs[1].To[0] != "manager@valley.example" || !strings.Contains(string(msgs[1].Data), "Hill Clinic") {
		t.Errorf("second test email: %d delivered", len(msgs))
	}

	retype(w.testTo, "not an address")
	test.Tap(w.sendTest)
	md.waitIdle()
	if got := w.fields.errorOf(app.FieldTestEmailTo); !strings.Contains(got, "Enter the address") {
		t.Errorf("bad recipient: %q", got)
	}
}

func TestEmailSettingsTestEmailWrongPassword(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	w := openSettingsWindow(t, md.testDesk)
	s := md.settings()
	s.Password = "wrong"
	fillSettings(w, s)
	test.Tap(w.sendTest) // saves first, then sends
	md.waitIdle()
	if !strings.HasPrefix(w.testResult.Text, "The test email was not sent: ") || !strings.Contains(w.testResult.Text, "535") {
		t.Errorf("result %q; want the server's own words", w.testResult.Text)
	}
	if strings.Contains(w.testResult.Text, "wrong") {
		t.Error("the result quotes the password")
	}
	if len(md.srv.Messages()) != 0 {
		t.Error("delivered with a wrong password")
	}
}

func TestEmailSettingsFromOutside(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	raw := "smtp://" + smtpUser + ":" + smtpPassword + "@127.0.0.1:" + itoa(md.srv.Port()) + "?security=starttls&from=office@valley.example"
	if err := md.svc.EmailSettings.SetOverride(raw); err != nil {
		t.Fatal(err)
	}
	w := openSettingsWindow(t, md.testDesk)
	if !w.outside.Visible() {
		t.Fatal("no banner for settings from outside")
	}
	for name, e := range map[string]*entry{"host": w.host, "port": w.port, "user": w.username, "password": w.password, "from": w.fromAddress} {
		if !e.Disabled() {
			t.Errorf("%s can be edited", name)
		}
	}
	if w.practice.Disabled() {
		t.Error("the practice's own setting cannot be edited")
	}
	if w.host.Text != "127.0.0.1" {
		t.Errorf("host %q", w.host.Text)
	}
	retype(w.practice, "Hill Clinic")
	test.Tap(w.save)
	md.waitIdle()
	if !w.saved.Visible() {
		t.Fatalf("not saved: %q", w.fields.errorOf(app.FieldPracticeName))
	}
	if err := md.svc.EmailSettings.SetOverride(""); err != nil {
		t.Fatal(err)
	}
	st, _ := md.svc.EmailSettings.Load(md.ctx())
	if st.Settings.PracticeName != "Hill Clinic" || st.Settings.Host != "" {
		t.Errorf("saved under outside settings: %+v", st.Settings)
	}

	test.Tap(w.sendTest)
	md.waitIdle()
	if err := md.svc.EmailSettings.SetOverride(raw); err != nil {
		t.Fatal(err)
	}
	test.Tap(w.sendTest)
	md.waitIdle()
	if !strings.Contains(w.testResult.Text, "was sent") {
		t.Errorf("test email with the outside settings: %q", w.testResult.Text)
	}
}

func TestEmailSettingsEscapeAsksBeforeDiscarding(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	w := openSettingsWindow(t, md.testDesk)
	retype(w.host, "smtp.example.com")
	w.host.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.discardAsk == nil {
		t.Fatal("Escape with changes did not ask")
	}
	w.discardAsk.Dismiss()
	if !isOpen(md.testDesk, "email-settings") {
		t.Fatal("Keep editing closed the window")
	}
	w.host.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.discardAsk.Confirm()
	if isOpen(md.testDesk, "email-settings") {
		t.Error("Discard did not close the window")
	}
}

// A server that never answers: the window shows it is sending, stays usable, and then
// says what happened.
func TestEmailSettingsTestEmailServerNeverAnswers(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{NeverGreet: true})
	md.setUp(t)
	w := openSettingsWindow(t, md.testDesk)
	start := time.Now()
	test.Tap(w.sendTest)
	if !w.sendTest.Disabled() || !w.activity.Visible() || !strings.HasPrefix(w.testResult.Text, "Sending a test email to office@valley.example") {
		t.Errorf("while sending: button disabled %v, activity %v, text %q", w.sendTest.Disabled(), w.activity.Visible(), w.testResult.Text)
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Error("tapping Send test email waited on the server")
	}
	test.Tap(w.sendTest) // a second tap while sending does nothing
	retype(w.practice, "Hill Clinic")
	md.waitIdle()
	if w.sendTest.Disabled() || w.activity.Visible() || !strings.HasPrefix(w.testResult.Text, "The test email was not sent: ") {
		t.Errorf("after the timeout: disabled %v, text %q", w.sendTest.Disabled(), w.testResult.Text)
	}
}

// Settings → Email has no Link address any more: the emails carry staffdesk: links.
func TestEmailSettingsHasNoLinkAddress(t *testing.T) {
	md := newMailDesk(t, false, smtptest.Options{})
	w := openSettingsWindow(t, md.testDesk)
	t.Cleanup(w.win.Close)
	if _, ok := w.fields.byName["link_address"]; ok {
		t.Error("the window has a link_address field")
	}
	walk(w.win.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(strings.ToLower(l.Text), "link") {
			t.Errorf("the window says %q", l.Text)
		}
	})
}
