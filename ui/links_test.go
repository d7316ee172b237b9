package ui

import (
	"bytes"
	"mime"
	"net/mail"
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

// newLinkRig is a desk of the practice without the demo (Pat Admin signed in), its
// email going to a test server.
func newLinkRig(t *testing.T) *codesRig {
	t.Helper()
	td := newTestDeskWith(t, false, &app.MailOptions{Postman: &smtp.Postman{Timeout: 5 * time.Second}})
	r := &codesRig{testDesk: td, srv: smtptest.NewServer(t, smtptest.Options{})}
	err := td.svc.EmailSettings.Save(td.ctx(), app.EmailSettings{Host: r.srv.Host(), Port: r.srv.Port(), Security: app.MailNone,
		FromName: "Front Desk", FromAddress: "office@example.com", PracticeName: "Test Practice"}, app.SaveEmailOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// newLinkStaff creates a Pending account, which queues its activation email.
func (r *codesRig) newLinkStaff(t *testing.T, username string) *app.Staff {
	t.Helper()
	dir, err := r.svc.Directory.Load(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: "Olivia", LastName: "Hart",
		ProviderID: dir.Providers[0].ID, RoleID: dir.Roles[0].ID, Email: username + "@example.com", Username: username,
		UnlockPIN: "8453"}, Password: goodPassword, ConfirmPassword: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// staffNamed reads the account of username with the desk's session.
func (r *codesRig) staffNamed(t *testing.T, username string) *app.Staff {
	t.Helper()
	all, err := r.svc.Staff.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Username == username {
			return s
		}
	}
	t.Fatalf("no account %q", username)
	return nil
}

// linkSentTo is the staffdesk: link in the text part of the last email to address
// whose subject holds subject.
func (r *codesRig) linkSentTo(t *testing.T, address, subject string) string {
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
		if got, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); strings.Contains(got, subject) {
			if l := staffdeskLink.FindString(textPart(t, m)); l != "" {
				return l
			}
			t.Fatalf("the email %q carries no link", got)
		}
	}
	t.Fatalf("no email %q to %s", subject, address)
	return ""
}

// linkForm returns the form open under key.
func openLinkForm[F any](t *testing.T, td *testDesk, key string) F {
	t.Helper()
	w, ok := td.window(key)
	if !ok {
		t.Fatalf("no %s window is open", key)
	}
	lw, ok := w.(linkWindow)
	if !ok {
		t.Fatalf("the %s window is a %T", key, w)
	}
	f, ok := lw.form.(F)
	if !ok {
		t.Fatalf("the %s window's form is a %T", key, lw.form)
	}
	return f
}

// The link in the activation email, opened as StaffDesk starts with it: Activate
// Account opens with the username and code filled in, and Enter activates.
func TestLinkOpensActivateFilledIn(t *testing.T) {
	r := newLinkRig(t)
	r.newLinkStaff(t, "ohart")
	link := r.linkSentTo(t, "ohart@example.com", "Activate your")

	r.OpenLinkText(link)
	r.waitIdle()
	f := openLinkForm[*activateForm](t, r.testDesk, "activate")
	t.Cleanup(f.win.Close)
	if f.win.Title() != titleActivate || f.username.Text != "ohart" || codeInMail.FindString(f.code.Text) == "" {
		t.Fatalf("%q opened with username %q, code %q", f.win.Title(), f.username.Text, f.code.Text)
	}
	if focused := f.win.Canvas().Focused(); focused != f.code {
		t.Errorf("the cursor is in %T, not the code", focused)
	}
	// Nothing happens until the person confirms.
	if s := r.staffNamed(t, "ohart"); s.Status != app.StatusPending {
		t.Fatalf("opening the link made the account %s", s.Status)
	}
	f.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.waitIdle()
	if !strings.Contains(f.banner.Text, "ohart is now active") {
		t.Fatalf("after Enter: banner %q, code error %q", f.banner.Text, f.fields.errorOf(app.FieldCode))
	}
	if s := r.staffNamed(t, "ohart"); s.Status != app.StatusActive {
		t.Fatalf("after Enter the account is %s", s.Status)
	}
}

// A link handed over by a second StaffDesk reaches the running one through
// TakeLinks: the reset link fills Set a New Password, and a second link fills the
// window already open rather than opening another.
func TestHandedLinksFillTheOpenWindow(t *testing.T) {
	r := newLinkRig(t)
	st := r.newLinkStaff(t, "ohart")
	links := make(chan string, 2)
	r.TakeLinks(links)
	t.Cleanup(func() { close(links) })

	links <- "staffdesk://reset-password?user=ohart&code=AAAAA-BBBBB"
	waitFor(t, r.testDesk, func() bool { _, ok := r.window("set-password"); return ok })
	f := openLinkForm[*setPasswordForm](t, r.testDesk, "set-password")
	t.Cleanup(f.win.Close)
	if f.win.Title() != titleSetPassword || f.username.Text != "ohart" || f.code.Text != "AAAAA-BBBBB" {
		t.Fatalf("%q opened with username %q, code %q", f.win.Title(), f.username.Text, f.code.Text)
	}
	if f.win.Canvas().Focused() != f.password {
		t.Error("the cursor is not in New password")
	}

	// The real reset email's link, handed over while the window is open.
	active, err := r.svc.Staff.Get(r.ctx(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), active.ID, active.Version); err != nil {
		t.Fatal(err)
	}
	link := r.linkSentTo(t, "ohart@example.com", "Reset your")
	links <- link
	want, _ := app.ParseLink(link)
	waitFor(t, r.testDesk, func() bool { return f.code.Text == want.Code })
	if again := openLinkForm[*setPasswordForm](t, r.testDesk, "set-password"); again != f {
		t.Error("a second Set a New Password window opened")
	}
}

// The change-email link opens Confirm New Email, which confirms without anyone
// signed in to a manager's account.
func TestLinkOpensConfirmNewEmail(t *testing.T) {
	r := newLinkRig(t)
	st := r.newLinkStaff(t, "ohart")
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), st.ID, "olivia.hart@example.com"); err != nil {
		t.Fatal(err)
	}
	r.OpenLinkText(r.linkSentTo(t, "olivia.hart@example.com", "Confirm your new email"))
	r.waitIdle()
	f := openLinkForm[*activateForm](t, r.testDesk, "confirm-email")
	t.Cleanup(f.win.Close)
	if f.win.Title() != titleConfirmEmail || f.username.Text != "ohart" {
		t.Fatalf("%q opened with username %q", f.win.Title(), f.username.Text)
	}
	test.Tap(f.submit)
	r.waitIdle()
	if s := r.staffNamed(t, "ohart"); s.Email != "olivia.hart@example.com" || !strings.Contains(f.banner.Text, "olivia.hart@example.com") {
		t.Fatalf("after Confirm: email %q, banner %q, error %q", s.Email, f.banner.Text, f.fields.errorOf(app.FieldCode))
	}
}

// A link StaffDesk cannot open says so in a window of its own and changes nothing: the
// form the person is typing in keeps what they typed.
func TestMalformedLinkSaysSoAndChangesNothing(t *testing.T) {
	td := newTestDesk(t, false)
	f := td.showActivate()
	t.Cleanup(f.win.Close)
	test.Type(f.username, "someone")
	for _, raw := range []string{
		"staffdesk://activate?user=ohart&code=AAAAA-BBBBB&next=x",
		"staffdesk://delete-account?user=ohart&code=AAAAA-BBBBB",
		"https://staff.example.com/activate?username=ohart&code=AAAAA-BBBBB",
		"staffdesk://activate?user=ohart",
	} {
		td.OpenLinkText(raw)
		td.waitIdle()
		w, ok := td.window("link-refused")
		if !ok {
			t.Fatalf("%q: no window says the link cannot be opened", raw)
		}
		said := ""
		walk(w.Content(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				said += l.Text
			}
		})
		if !strings.Contains(said, "not a StaffDesk link it can open") || strings.Contains(said, "AAAAA") {
			t.Errorf("%q: the window says %q", raw, said)
		}
		// A few lines, not a column of one word each.
		if min := w.Content().MinSize(); min.Height > 200 || min.Width < 300 {
			t.Errorf("the window needs %v", min)
		}
		if f.username.Text != "someone" || f.code.Text != "" {
			t.Errorf("%q changed the open form: %q, %q", raw, f.username.Text, f.code.Text)
		}
	}
	if _, ok := td.window("set-password"); ok {
		t.Error("a refused link opened Set a New Password")
	}
	// A Link value that ParseLink would not return is refused the same way.
	td.OpenLink(app.Link{Action: "unlock", Username: "ohart", Code: "AAAAA-BBBBB"})
	if f.username.Text != "someone" {
		t.Error("an unknown action changed the open form")
	}
	if w, ok := td.window("link-refused"); ok {
		w.Close()
	}
}

// waitFor runs the desk's queued UI changes until cond holds.
func waitFor(t *testing.T, td *testDesk, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		td.waitIdle()
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("timed out")
}

// StaffDesk started with the activation link, as main starts it: nobody signed in,
// Sign in open, then the link. Activate Account opens in front of Sign in, filled in,
// and activates without anyone signing in.
func TestFreshStartWithALinkActivatesWithNobodySignedIn(t *testing.T) {
	r := newLinkRig(t)
	r.newLinkStaff(t, "ohart")
	link := r.linkSentTo(t, "ohart@example.com", "Activate your")

	fresh := openTestDesk(t, r.dir, nil)
	if err := fresh.Start(); err != nil {
		t.Fatal(err)
	}
	if fresh.signIn == nil {
		t.Fatal("the fresh start did not open Sign in")
	}
	t.Cleanup(fresh.signIn.win.Close)
	fresh.OpenLinkText(link)
	fresh.waitIdle()
	f := openLinkForm[*activateForm](t, fresh, "activate")
	t.Cleanup(f.win.Close)
	if f.username.Text != "ohart" || codeInMail.FindString(f.code.Text) == "" {
		t.Fatalf("opened with username %q, code %q", f.username.Text, f.code.Text)
	}
	test.Tap(f.submit)
	fresh.waitIdle()
	if !strings.Contains(f.banner.Text, "ohart is now active") {
		t.Fatalf("after Activate: banner %q, code error %q", f.banner.Text, f.fields.errorOf(app.FieldCode))
	}
	if s := r.staffNamed(t, "ohart"); s.Status != app.StatusActive {
		t.Fatalf("the account is %s", s.Status)
	}
}
