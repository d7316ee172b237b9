package ui

import (
	"bytes"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/smtp/smtptest"
)

func openOutboxWindow(t *testing.T, td *testDesk) *outboxWindow {
	t.Helper()
	w := td.showOutbox()
	if w == nil {
		t.Fatal("the Outbox was already open")
	}
	td.waitIdle()
	t.Cleanup(func() {
		if isOpen(td, "outbox") {
			w.onClose()
		}
	})
	return w
}

// selectMessage selects the row of the newest message to address.
func selectMessage(t *testing.T, w *outboxWindow, address string) *app.OutboxMessage {
	t.Helper()
	for row, m := range w.messages {
		if m.ToAddress == address {
			w.table.Select(widget.TableCellID{Row: row, Col: 0})
			return m
		}
	}
	t.Fatalf("no message to %s in the outbox", address)
	return nil
}

// waiting counts the messages not yet sent, failed or cancelled.
func waiting(list []*app.OutboxMessage) int {
	n := 0
	for _, m := range list {
		if !m.Status.Final() {
			n++
		}
	}
	return n
}

func TestOutboxListsQueuedActivationEmails(t *testing.T) {
	md := newMailDesk(t, true, smtptest.Options{})
	w := openOutboxWindow(t, md.testDesk)
	if w.win.Title() != "Outbox" {
		t.Errorf("title %q", w.win.Title())
	}
	pending := 0
	list, _ := md.svc.Staff.List(md.ctx())
	for _, s := range list {
		if s.Status == app.StatusPending {
			pending++
		}
	}
	// The demo's settled accounts were activated with their emailed codes: those
	// emails were sent; the Pending accounts' wait.
	if waiting(w.messages) != pending || pending == 0 {
		t.Fatalf("outbox lists %d waiting messages; the practice has %d pending accounts", waiting(w.messages), pending)
	}
	for _, m := range w.messages {
		if m.Kind != app.MailActivation || (m.Status != app.MailQueued && m.Status != app.MailSent) {
			t.Errorf("message %+v", m)
		}
	}
	if !w.table.Visible() || w.empty.Visible() {
		t.Error("the table is not shown")
	}
	if !strings.HasPrefix(w.summary.Text, "Email is not set up — ") {
		t.Errorf("summary %q", w.summary.Text)
	}
	if !w.retry.Disabled() || !w.cancel.Disabled() || !w.view.Disabled() || !w.saveEML.Disabled() {
		t.Error("actions are enabled with nothing selected")
	}

	// A staff member created now appears at the top once the list is read again.
	created := createStaffIn(t, md.testDesk, "zoe")
	w.reload()
	md.waitIdle()
	if waiting(w.messages) != pending+1 || w.messages[0].ToAddress != created.Email {
		t.Fatalf("after creating %s: %d waiting messages, newest to %s", created.Username, waiting(w.messages), w.messages[0].ToAddress)
	}
	m := selectMessage(t, w, created.Email)
	if w.retry.Disabled() || w.cancel.Disabled() || w.view.Disabled() || w.saveEML.Disabled() {
		t.Error("a queued message does not offer Retry now, Cancel, View and Save")
	}
	if !strings.Contains(w.detail.Text, "Activation to "+created.Email+" — Queued") {
		t.Errorf("detail %q", w.detail.Text)
	}
	test.Tap(w.retry)
	md.waitIdle()
	if got, _ := md.svc.Outbox.Get(md.ctx(), m.ID); got.Status != app.MailQueued {
		t.Errorf("status after Retry now %q", got.Status)
	}
}

// createStaffIn creates a Pending account through the service, as New Office Staff does.
func createStaffIn(t *testing.T, td *testDesk, username string) *app.Staff {
	t.Helper()
	dir, err := td.svc.Directory.Load(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	var provider, role int64
	for _, p := range dir.Providers {
		if p.Active {
			provider = p.ID
		}
	}
	for _, r := range dir.Roles {
		if r.Active {
			role = r.ID
		}
	}
	const pw = "Correct-Horse-Battery-Staple-42"
	st, err := td.svc.Staff.Create(td.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: "Zoe", LastName: "Quinn",
		ProviderID: provider, RoleID: role, Email: username + "@email.xyz", Username: username, UnlockPIN: "8453"},
		Password: pw, ConfirmPassword: pw})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestOutboxEmptyState(t *testing.T) {
	td := newTestDesk(t, false)
	w := openOutboxWindow(t, td)
	if !w.empty.Visible() || w.table.Visible() || w.empty.Text != outboxEmptyText {
		t.Errorf("empty outbox: %q shown %v", w.empty.Text, w.empty.Visible())
	}
	w.keys.handle(&fyne.KeyEvent{Name: fyne.KeyEscape}, false)
	if isOpen(td, "outbox") {
		t.Error("Escape does not close the Outbox")
	}
}

func TestOutboxCancel(t *testing.T) {
	md := newMailDesk(t, true, smtptest.Options{})
	w := openOutboxWindow(t, md.testDesk)
	m := selectMessage(t, w, "jamie_demo_staff@example.com")
	test.Tap(w.cancel)
	if w.confirm == nil {
		t.Fatal("Cancel did not ask")
	}
	w.confirm.Confirm()
	md.waitIdle()
	got, _ := md.svc.Outbox.Get(md.ctx(), m.ID)
	if got.Status != app.MailCancelled {
		t.Fatalf("status %q after Cancel", got.Status)
	}
	if sel := w.selectedMessage(); sel == nil || sel.Status != app.MailCancelled || !w.retry.Disabled() || !w.cancel.Disabled() || w.view.Disabled() {
		t.Errorf("after Cancel the buttons do not follow the status %+v", sel)
	}
	if !strings.Contains(w.detail.Text, "Cancelled") {
		t.Errorf("detail %q", w.detail.Text)
	}
}

func TestOutboxViewAndSaveAsEML(t *testing.T) {
	md := newMailDesk(t, true, smtptest.Options{})
	md.setUp(t)
	created := createStaffIn(t, md.testDesk, "zoe")
	w := openOutboxWindow(t, md.testDesk)
	m := selectMessage(t, w, created.Email)

	test.Tap(w.view)
	md.waitIdle()
	win, ok := md.window("mail:" + itoa(int(m.ID)))
	if !ok {
		t.Fatal("View opened no window")
	}
	if md.openMailView(m.ID) != nil {
		t.Fatal("View opened a second window for the same email")
	}
	win.Close()
	v := md.openMailView(m.ID) // the same window again, to look inside
	md.waitIdle()
	if v.view == nil {
		t.Fatal("the email did not load")
	}
	if !strings.Contains(v.win.Title(), "Activate your Valley Family Practice staff account") {
		t.Errorf("title %q", v.win.Title())
	}
	if !strings.Contains(v.view.From, "Valley Front Desk") || !strings.Contains(v.view.From, "<office@valley.example>") || !strings.Contains(v.view.To, created.Email) {
		t.Errorf("from %q to %q", v.view.From, v.view.To)
	}
	if !strings.Contains(v.text.Text, "•••••-•••••") || !strings.Contains(v.text.Text, "zoe") {
		t.Errorf("the text part does not show the username and the masked code:\n%s", v.text.Text)
	}
	if !strings.Contains(v.html.Text, "<") || len(v.tabs.Items) != 2 {
		t.Errorf("HTML source tab: %q", v.html.Text)
	}
	v.keys.handle(&fyne.KeyEvent{Name: fyne.KeyEscape}, false)

	// Save as .eml: the bytes, written where the person chose, parse as a message.
	test.Tap(w.saveEML)
	md.waitIdle()
	if w.win.Canvas().Overlays().Top() == nil {
		t.Error("Save as .eml shows no file dialog")
	}
	raw, err := md.svc.Outbox.EML(md.ctx(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), emlFileName(m.Subject))
	out, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	writeEML(md.Desk, w.win, raw, out, nil)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the .eml does not parse: %v", err)
	}
	if msg.Header.Get("Subject") != m.Subject || !strings.Contains(msg.Header.Get("To"), created.Email) || msg.Header.Get("Message-Id") == "" {
		t.Errorf("headers %v", msg.Header)
	}
	if emlFileName(m.Subject) != "activate-your-valley-family-practice-staff-account.eml" {
		t.Errorf("file name %q", emlFileName(m.Subject))
	}
}

func TestMailBanner(t *testing.T) {
	md := newMailDesk(t, true, smtptest.Options{})
	md.ShowMain()
	md.waitIdle()
	w := md.staff
	t.Cleanup(w.win.Close)
	list, _ := md.svc.Outbox.List(md.ctx())
	want := "Email is not set up — " + itoa(waiting(list)) + " messages waiting"
	if !w.mailBanner.Visible() || w.mailText.Text != want || w.mailAction.Text != "Set up email" {
		t.Fatalf("banner %v %q / %q; want %q", w.mailBanner.Visible(), w.mailText.Text, w.mailAction.Text, want)
	}
	test.Tap(w.mailAction)
	md.waitIdle()
	if !isOpen(md.testDesk, "email-settings") {
		t.Error("Set up email does not open Email Settings")
	}

	// Set up through the window, then the courier sends: the banner goes.
	es := openSettingsWindowAgain(t, md)
	fillSettings(es, md.settings())
	test.Tap(es.save)
	md.waitIdle()
	if w.mailBanner.Visible() {
		t.Errorf("set up, nothing failed, but the banner says %q", w.mailText.Text)
	}
	md.svc.Courier.SendDue(md.ctx())
	md.mailChanged()
	md.waitIdle()
	if w.mailBanner.Visible() || len(md.srv.Messages()) != waiting(list) {
		t.Errorf("after sending: banner %q, %d delivered", w.mailText.Text, len(md.srv.Messages()))
	}
}

// openSettingsWindowAgain returns the Email Settings window opened by the banner.
func openSettingsWindowAgain(t *testing.T, md *mailDesk) *emailSettingsWindow {
	t.Helper()
	win, ok := md.window("email-settings")
	if !ok {
		t.Fatal("Email Settings is not open")
	}
	win.Close()
	return openSettingsWindow(t, md.testDesk)
}

func TestMailBannerFailedMessage(t *testing.T) {
	md := newMailDesk(t, true, smtptest.Options{DataReplies: []smtptest.Reply{{Code: 550, Enhanced: "5.1.1", Text: "mailbox unavailable"}}})
	md.setUp(t)
	md.svc.Courier.SendDue(md.ctx())
	var failed *app.OutboxMessage
	list, _ := md.svc.Outbox.List(md.ctx())
	for _, m := range list {
		if m.Status == app.MailFailed {
			failed = m
		}
	}
	if failed == nil {
		t.Fatal("no message failed")
	}
	md.ShowMain()
	md.waitIdle()
	w := md.staff
	t.Cleanup(w.win.Close)
	if !w.mailBanner.Visible() || w.mailText.Text != "1 message failed" || w.mailAction.Text != "Open outbox" {
		t.Fatalf("banner %v %q / %q", w.mailBanner.Visible(), w.mailText.Text, w.mailAction.Text)
	}
	test.Tap(w.mailAction)
	md.waitIdle()
	if !isOpen(md.testDesk, "outbox") {
		t.Fatal("Open outbox does not open the Outbox")
	}
	win, _ := md.window("outbox")
	win.Close()
	ow := openOutboxWindow(t, md.testDesk)
	m := selectMessage(t, ow, failed.ToAddress)
	if m.Status != app.MailFailed || !ow.retry.Disabled() || ow.cancel.Disabled() || !strings.Contains(ow.detail.Text, "550") {
		t.Errorf("failed message: %q, retry enabled %v", ow.detail.Text, !ow.retry.Disabled())
	}
	test.Tap(ow.cancel)
	ow.confirm.Confirm()
	md.waitIdle()
	if w.mailBanner.Visible() {
		t.Errorf("after cancelling the failed message the banner says %q", w.mailText.Text)
	}
}

func TestStaffGridResendActivation(t *testing.T) {
	md := newMailDesk(t, true, smtptest.Options{})
	md.ShowMain()
	md.waitIdle()
	w := md.staff
	t.Cleanup(w.win.Close)
	jamie := staffByUsername(t, md.testDesk, "jamie_demo_staff")
	before, _ := md.svc.Outbox.List(md.ctx())

	if rowMenuItem(t, w, "camilles", "Resend activation email…") != nil {
		t.Error("an active account offers Resend activation")
	}
	w.menu.Hide()
	chooseRowMenu(t, w, "jamie_demo_staff", "Resend activation email…")
	if w.confirm == nil {
		t.Fatal("Resend activation did not ask")
	}
	if text := overlayText(w.win); !strings.Contains(text, "Send a new activation email to "+jamie.Email+"? The code in the previous one stops working.") {
		t.Errorf("question %q", text)
	}
	w.confirm.Confirm()
	md.waitIdle()
	after, _ := md.svc.Outbox.List(md.ctx())
	if len(after) != len(before)+1 || after[0].ToAddress != jamie.Email || after[0].Kind != app.MailActivation || after[0].Status != app.MailQueued {
		t.Fatalf("outbox after Resend: %d messages (was %d), newest %+v", len(after), len(before), after[0])
	}
	for _, m := range after[1:] {
		if m.ToAddress == jamie.Email && m.Status == app.MailQueued {
			t.Error("the previous activation email is still waiting")
		}
	}
	if !strings.Contains(w.mailText.Text, itoa(waiting(before))+" messages waiting") {
		t.Errorf("banner %q", w.mailText.Text)
	}
}

func TestStaffGridEmailMenu(t *testing.T) {
	td, w := showStaffGrid(t, true)
	items := map[string]*fyne.MenuItem{}
	for _, m := range w.win.MainMenu().Items {
		for _, it := range m.Items {
			items[m.Label+"/"+it.Label] = it
		}
	}
	for _, name := range []string{"Email/Email Settings…", "Email/Outbox…", "Email/Activate Account…", "Email/Set a New Password…"} {
		if it := items[name]; it == nil || it.Action == nil {
			t.Errorf("menu item %s is missing or does nothing", name)
		}
	}
	items["Email/Outbox…"].Action()
	items["Email/Email Settings…"].Action()
	td.waitIdle()
	for _, key := range []string{"outbox", "email-settings"} {
		if _, ok := w.d.window(key); !ok {
			t.Errorf("%s did not open", key)
		}
	}
	if win, ok := w.d.window("outbox"); ok {
		win.Close()
	}
}

// TestMailBannerAtRest: the banner's look every few seconds, with the outbox as it
// was, changes nothing on the screen, so it redraws nothing: its words are not set
// again (which would repaint the window) when they would be the same.
func TestMailBannerAtRest(t *testing.T) {
	md := newMailDesk(t, true, smtptest.Options{})
	md.ShowMain()
	md.waitIdle()
	w := md.staff
	t.Cleanup(w.win.Close)
	if !w.mailBanner.Visible() {
		t.Fatal("no banner with email not set up")
	}
	// Words set by hand, without a refresh: a tick that sets the banner's words again
	// puts the outbox's back.
	w.mailText.Text, w.mailAction.Text = "as the person last saw it", "unchanged"
	for range 3 {
		w.loadMailBanner()
		md.waitIdle()
	}
	if w.mailText.Text != "as the person last saw it" || w.mailAction.Text != "unchanged" || !w.mailBanner.Visible() {
		t.Errorf("the outbox did not change, but the banner was set again: %q / %q", w.mailText.Text, w.mailAction.Text)
	}
}
