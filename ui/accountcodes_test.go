package ui

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
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

// codesRig is the demo practice with the account emails wired: a real SMTP server in
// the test (smtptest) and the courier's SendDue to deliver to it. The codes are read
// only where a staff member would read them: in the delivered emails.
type codesRig struct {
	*testDesk
	srv *smtptest.Server
}

// newCodesRig builds the desk; with setUp, Settings → Email points at the test server.
func newCodesRig(t *testing.T, setUp bool) *codesRig {
	t.Helper()
	td := newTestDeskWith(t, true, &app.MailOptions{Postman: &smtp.Postman{Timeout: 5 * time.Second}})
	svc := td.svc
	ctx := td.ctx()
	r := &codesRig{testDesk: td, srv: smtptest.NewServer(t, smtptest.Options{})}
	if setUp {
		err := svc.EmailSettings.Save(ctx, app.EmailSettings{Host: r.srv.Host(), Port: r.srv.Port(), Security: app.MailNone,
			FromName: "Valley Front Desk", FromAddress: "office@valley.example", PracticeName: "Valley Family Practice"},
			app.SaveEmailOptions{})
		if err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// newStaff creates a Pending account, which queues its activation email.
func (r *codesRig) newStaff(t *testing.T, username string) *app.Staff {
	t.Helper()
	like := staffByUsername(t, r.testDesk, "camilles")
	st, err := r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: "Olivia", LastName: "Hart",
		ProviderID: like.ProviderID, RoleID: like.RoleID, Email: username + "@example.com", Username: username,
		UnlockPIN: "8453"}, Password: goodPassword, ConfirmPassword: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

var codeInMail = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b`)

// codeSentTo delivers what is due and returns the code of the newest email to address
// whose subject contains subject, as its text part shows it.
func (r *codesRig) codeSentTo(t *testing.T, address, subject string) string {
	t.Helper()
	r.svc.Courier.SendDue(r.ctx())
	msgs := r.srv.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].To) != 1 || !strings.EqualFold(msgs[i].To[0], address) {
			continue
		}
		m, err := mail.ReadMessage(bytes.NewReader(msgs[i].Data))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); !strings.Contains(got, subject) {
			continue
		}
		if code := codeInMail.FindString(textPart(t, m)); code != "" {
			return code
		}
		t.Fatalf("no code in %q to %s", subject, address)
	}
	t.Fatalf("no email %q to %s among %d delivered", subject, address, len(msgs))
	return ""
}

// textPart is the decoded text/plain part of a multipart message.
func textPart(t *testing.T, m *mail.Message) string {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(mr *multipart.Reader) string
	walk = func(mr *multipart.Reader) string {
		for {
			p, err := mr.NextPart() // decodes quoted-printable
			if err != nil {
				return ""
			}
			mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if strings.HasPrefix(mt, "multipart/") {
				if s := walk(multipart.NewReader(p, params["boundary"])); s != "" {
					return s
				}
			} else if mt == "text/plain" {
				b, _ := io.ReadAll(p)
				return string(b)
			}
		}
	}
	return walk(multipart.NewReader(m.Body, params["boundary"]))
}

// outboxTo returns the outbox messages of kind to address.
func (r *codesRig) outboxTo(t *testing.T, kind app.MailKind, address string) []*app.OutboxMessage {
	t.Helper()
	list, err := r.svc.Outbox.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	var out []*app.OutboxMessage
	for _, m := range list {
		if m.Kind == kind && m.ToAddress == address {
			out = append(out, m)
		}
	}
	return out
}

// humanize types a code the way people do: lower case, in two groups, spaced.
func humanize(code string) string {
	return strings.ToLower(strings.Replace(code, "-", " ", 1))
}

func gridStatus(t *testing.T, td *testDesk, id int64) app.StaffStatus {
	t.Helper()
	i := td.staff.roster.IndexOf(id)
	if i < 0 {
		t.Fatalf("account %d is not in the grid", id)
	}
	return td.staff.roster.Row(i).Status
}

func TestActivateAccount(t *testing.T) {
	r := newCodesRig(t, true)
	r.ShowMain()
	r.waitIdle()
	olivia := r.newStaff(t, "ohart")
	code := r.codeSentTo(t, "ohart@example.com", "Activate your")

	f := r.showActivate()
	if f == nil {
		t.Fatal("the window did not open")
	}
	if f.win.Title() != "Activate Account" {
		t.Errorf("title = %q", f.win.Title())
	}
	if r.showActivate() != nil {
		t.Error("a second Activate Account window opened")
	}

	// A wrong code: the message sits under the code, and the account stays pending.
	test.Type(f.username, "ohart")
	test.Type(f.code, "abcde-fghjk")
	f.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter activates
	r.waitIdle()
	if msg := f.fields.errorOf(app.FieldCode); !strings.Contains(msg, "not right") {
		t.Errorf("code says %q", msg)
	}
	if f.banner.Visible() {
		t.Errorf("banner shows %q for a field problem", f.banner.Text)
	}
	if s := staffByUsername(t, r.testDesk, "ohart"); s.Status != app.StatusPending {
		t.Fatalf("a wrong code made the account %s", s.Status)
	}

	// The right code, typed as people type it.
	f.username.SetText("OHart")
	f.code.SetText(humanize(code))
	test.Tap(f.submit)
	r.waitIdle()
	if msg := f.fields.errorOf(app.FieldCode); msg != "" {
		t.Fatalf("code says %q", msg)
	}
	if !f.banner.Visible() || f.banner.Text != "ohart is now active." || f.banner.Importance != widget.SuccessImportance {
		t.Errorf("banner = %q (visible %v, importance %v)", f.banner.Text, f.banner.Visible(), f.banner.Importance)
	}
	if f.code.Text != "" || f.username.Text != "" {
		t.Errorf("fields keep %q / %q after success", f.username.Text, f.code.Text)
	}
	if s := staffByUsername(t, r.testDesk, "ohart"); s.Status != app.StatusActive {
		t.Errorf("status = %s, want active", s.Status)
	}
	if got := gridStatus(t, r.testDesk, olivia.ID); got != app.StatusActive {
		t.Errorf("the grid shows %s", got)
	}
	if r.staff.selected != olivia.ID {
		t.Errorf("the grid selects %d, not the activated account", r.staff.selected)
	}

	// The code is single use.
	f.username.SetText("ohart")
	f.code.SetText(code)
	test.Tap(f.submit)
	r.waitIdle()
	if msg := f.fields.errorOf(app.FieldCode) + f.banner.Text; !strings.Contains(msg, "already") {
		t.Errorf("a used code says %q", msg)
	}

	// Escape closes.
	f.username.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if isOpen(r.testDesk, "activate") {
		t.Error("Escape does not close the window")
	}
}

func TestActivateTooManyWrongCodes(t *testing.T) {
	r := newCodesRig(t, false)
	r.newStaff(t, "ohart")
	f := r.showActivate()
	f.username.SetText("ohart")
	for i := range app.MaxWrongCodes {
		f.code.SetText("ABCDE-FGHJ" + strconv.Itoa(i))
		test.Tap(f.submit)
		r.waitIdle()
		if f.fields.errorOf(app.FieldCode) == "" {
			t.Fatalf("wrong code %d: no message under the code", i+1)
		}
	}
	f.code.SetText("ABCDE-FGHJK")
	test.Tap(f.submit)
	r.waitIdle()
	if !f.banner.Visible() || !strings.HasPrefix(f.banner.Text, "Too many wrong codes; try again after ") || f.banner.Importance != widget.DangerImportance {
		t.Errorf("banner = %q (visible %v)", f.banner.Text, f.banner.Visible())
	}
	if msg := f.fields.errorOf(app.FieldCode); msg != "" {
		t.Errorf("the code still says %q", msg)
	}
	if f.submit.Disabled() {
		t.Error("Activate stays disabled")
	}
}

func TestResetPasswordFromEditThenSetNewPassword(t *testing.T) {
	r := newCodesRig(t, true)
	camille := staffByUsername(t, r.testDesk, "camilles")
	e := openForm(t, r.testDesk, camille.ID)
	test.Tap(e.resetPassword)
	if e.reset == nil || e.reset.confirm == nil {
		t.Fatal("Reset Password did not ask")
	}
	if n := len(r.outboxTo(t, app.MailPasswordReset, camille.Email)); n != 0 {
		t.Fatalf("%d reset emails queued before the answer", n)
	}
	e.reset.confirm.Confirm()
	r.waitIdle()
	if n := len(r.outboxTo(t, app.MailPasswordReset, camille.Email)); n != 1 {
		t.Fatalf("%d password reset emails to %s, want 1", n, camille.Email)
	}
	if want := "A password reset email is on its way to camilles@email.xyz."; e.reset.told != want {
		t.Errorf("told %q", e.reset.told)
	}
	code := r.codeSentTo(t, camille.Email, "Reset your")

	f := r.showSetPassword()
	if f.win.Title() != "Set a New Password" {
		t.Errorf("title = %q", f.win.Title())
	}
	// A weak password is refused under the password and does not use up the code.
	test.Type(f.username, "camilles")
	test.Type(f.code, humanize(code))
	test.Type(f.password, "password123")
	if f.strength.score() < 0 {
		t.Error("the meter does not follow the password")
	}
	test.Type(f.confirm, "password123")
	test.Tap(f.submit)
	r.waitIdle()
	if msg := f.fields.errorOf(app.FieldPassword); msg == "" {
		t.Error("no message under a weak password")
	}
	if f.fields.errorOf(app.FieldCode) != "" || f.banner.Visible() {
		t.Errorf("code %q, banner %q", f.fields.errorOf(app.FieldCode), f.banner.Text)
	}

	// Mismatch is said as it is typed.
	f.password.SetText(goodPassword)
	f.confirm.SetText(goodPassword + "x")
	if f.fields.errorOf(app.FieldConfirmPassword) != mismatchMessage {
		t.Errorf("confirm says %q", f.fields.errorOf(app.FieldConfirmPassword))
	}
	f.confirm.SetText(goodPassword)
	f.confirm.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.waitIdle()
	if want := "The password was changed. camilles must sign in again with the new password."; f.banner.Text != want || !f.banner.Visible() {
		t.Fatalf("banner = %q; fields: code %q password %q", f.banner.Text, f.fields.errorOf(app.FieldCode), f.fields.errorOf(app.FieldPassword))
	}
	if f.password.Text != "" || f.confirm.Text != "" || f.code.Text != "" {
		t.Error("the password stays in the window after success")
	}
	if n := len(r.outboxTo(t, app.MailPasswordChanged, camille.Email)); n != 1 {
		t.Errorf("%d password-changed emails", n)
	}

	// The code worked once: the service took it.
	f.username.SetText("camilles")
	f.code.SetText(code)
	f.password.SetText(goodPassword + "!")
	f.confirm.SetText(goodPassword + "!")
	test.Tap(f.submit)
	r.waitIdle()
	if msg := f.fields.errorOf(app.FieldCode); !strings.Contains(msg, "already used") {
		t.Errorf("a second use says %q", msg)
	}
}

func TestResetPasswordFromViewWithoutEmailSetUp(t *testing.T) {
	r := newCodesRig(t, false)
	marcus := staffByUsername(t, r.testDesk, "marcusstaff")
	v := openTestView(t, r.testDesk, marcus.ID)
	if v.reset.Disabled() {
		t.Fatal("Reset Password is disabled")
	}
	test.Tap(v.reset)
	if v.asked == nil {
		t.Fatal("Reset Password did not ask")
	}
	v.asked.confirm.Dismiss() // Cancel
	r.waitIdle()
	if n := len(r.outboxTo(t, app.MailPasswordReset, marcus.Email)); n != 0 {
		t.Fatalf("Cancel queued %d emails", n)
	}
	test.Tap(v.reset)
	v.asked.confirm.Confirm()
	r.waitIdle()
	if n := len(r.outboxTo(t, app.MailPasswordReset, marcus.Email)); n != 1 {
		t.Fatalf("%d password reset emails to %s, want 1", n, marcus.Email)
	}
	if !strings.Contains(v.asked.told, marcus.Email) || !strings.Contains(v.asked.told, "It will be sent once email is set up") {
		t.Errorf("told %q", v.asked.told)
	}
}

func TestChangeEmailThenEnterCode(t *testing.T) {
	r := newCodesRig(t, true)
	r.ShowMain()
	r.waitIdle()
	camille := staffByUsername(t, r.testDesk, "camilles")
	marcus := staffByUsername(t, r.testDesk, "marcusstaff")
	f := openForm(t, r.testDesk, camille.ID)
	c := f.emailChange
	if c.address.Text != camille.Email || c.pendingRow.Visible() {
		t.Fatalf("row shows %q, pending %v", c.address.Text, c.pendingRow.Visible())
	}

	test.Tap(c.change)
	d := c.ask
	if d == nil {
		t.Fatal("Change Email did not ask for the address")
	}
	// The service's checks come back under the field.
	test.Type(d.input, strings.ToUpper(marcus.Email))
	test.Tap(d.submit)
	r.waitIdle()
	if msg := d.fields.errorOf(app.FieldEmail); !strings.Contains(msg, "already used by marcusstaff") {
		t.Errorf("email says %q", msg)
	}
	d.input.SetText("not an address")
	d.input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.waitIdle()
	if d.fields.errorOf(app.FieldEmail) == "" {
		t.Error("no message for a malformed address")
	}
	d.input.SetText("camille.new@example.com")
	test.Tap(d.submit)
	r.waitIdle()
	if !d.closed {
		t.Fatalf("the dialog stays open: %q %q", d.fields.errorOf(app.FieldEmail), d.banner.Text)
	}
	if !c.pendingRow.Visible() || c.pending.Text != "Change to camille.new@example.com pending — waiting for the code" {
		t.Errorf("pending row %v %q", c.pendingRow.Visible(), c.pending.Text)
	}
	if s := staffByUsername(t, r.testDesk, "camilles"); s.Email != camille.Email || s.PendingEmail != "camille.new@example.com" {
		t.Errorf("stored %q, pending %q", s.Email, s.PendingEmail)
	}
	if f.changed() {
		t.Error("starting an email change counts as an unsaved edit")
	}
	code := r.codeSentTo(t, "camille.new@example.com", "Confirm your new email")

	test.Tap(c.enterCode)
	d = c.ask
	d.input.SetText("zzzzz-zzzzz")
	test.Tap(d.submit)
	r.waitIdle()
	if msg := d.fields.errorOf(app.FieldCode); !strings.Contains(msg, "not right") {
		t.Errorf("code says %q", msg)
	}
	d.input.SetText(humanize(code))
	test.Tap(d.submit)
	r.waitIdle()
	if !d.closed {
		t.Fatalf("the dialog stays open: %q %q", d.fields.errorOf(app.FieldCode), d.banner.Text)
	}
	if c.address.Text != "camille.new@example.com" || c.pendingRow.Visible() {
		t.Errorf("row shows %q, pending %v", c.address.Text, c.pendingRow.Visible())
	}
	if s := staffByUsername(t, r.testDesk, "camilles"); s.Email != "camille.new@example.com" || s.PendingEmail != "" {
		t.Errorf("stored %q, pending %q", s.Email, s.PendingEmail)
	}

	// Saving the form afterwards keeps the new address.
	f.lastName.SetText("Nurse")
	submit(r.testDesk, f)
	if s := staffByUsername(t, r.testDesk, "camilles"); s.Email != "camille.new@example.com" || s.LastName != "Nurse" {
		t.Errorf("after saving: %q %q", s.Email, s.LastName)
	}
}

func TestChangeEmailCancel(t *testing.T) {
	r := newCodesRig(t, false)
	camille := staffByUsername(t, r.testDesk, "camilles")
	f := openForm(t, r.testDesk, camille.ID)
	c := f.emailChange
	test.Tap(c.change)
	c.ask.input.SetText("camille.new@example.com")
	test.Tap(c.ask.submit)
	r.waitIdle()
	if !c.pendingRow.Visible() {
		t.Fatal("no pending change shown")
	}
	n := len(r.outboxTo(t, app.MailEmailChangeVerify, "camille.new@example.com"))

	// The pending change shows when the window is opened again.
	f.close()
	f = openForm(t, r.testDesk, camille.ID)
	c = f.emailChange
	if !c.pendingRow.Visible() || !strings.Contains(c.pending.Text, "camille.new@example.com") {
		t.Fatalf("reopened: pending %v %q", c.pendingRow.Visible(), c.pending.Text)
	}
	test.Tap(c.cancelChange)
	r.waitIdle()
	if c.pendingRow.Visible() || c.address.Text != camille.Email {
		t.Errorf("after cancelling: pending %v, address %q", c.pendingRow.Visible(), c.address.Text)
	}
	if s := staffByUsername(t, r.testDesk, "camilles"); s.PendingEmail != "" || s.Email != camille.Email {
		t.Errorf("stored %q, pending %q", s.Email, s.PendingEmail)
	}
	if n != 1 {
		t.Errorf("%d verification emails queued", n)
	}
	// Escape closes the Change Email dialog without sending, with or without focus,
	// and leaves the form's own keys as they were.
	test.Tap(c.change)
	c.ask.input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !c.ask.closed {
		t.Error("Escape does not close the dialog")
	}
	test.Tap(c.change)
	f.win.Canvas().Unfocus()
	f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !c.ask.closed || f.discard != nil {
		t.Errorf("Escape with nothing focused: dialog closed %v, form asks to discard %v", c.ask.closed, f.discard != nil)
	}
	f.lastName.SetText("Other")
	f.win.Canvas().Unfocus()
	f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.discard == nil {
		t.Error("after the dialog, Escape no longer reaches the form")
	}
}

func TestSetPasswordFitsSmallWindow(t *testing.T) {
	td := newTestDesk(t, true)
	for _, w := range []fyne.Window{td.showSetPassword().win, td.showActivate().win} {
		if min := w.Content().MinSize(); min.Width > 600 || min.Height > 450 {
			t.Errorf("%s needs %v, more than a 600x450 window", w.Title(), min)
		}
	}
}
