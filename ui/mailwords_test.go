package ui

import (
	"bytes"
	stdhtml "html"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// sentEmail is one delivered email as its reader sees it.
type sentEmail struct {
	subject, text, html string
}

// deliverEveryKind sends one email of every kind through the services to the rig's
// SMTP server and returns them as delivered, in order. The account is "owords".
func deliverEveryKind(t *testing.T, r *codesRig) []sentEmail {
	t.Helper()
	ctx := r.ctx()
	st := r.newStaff(t, "owords")
	code := r.codeSentTo(t, st.Email, "Activate")
	active, err := r.svc.Accounts.Activate(ctx, st.Username, code)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts.RequestPasswordReset(ctx, active.ID, active.Version); err != nil {
		t.Fatal(err)
	}
	code = r.codeSentTo(t, st.Email, "Reset")
	if err := r.svc.Accounts.ResetPassword(ctx, st.Username, code, "Another-Long-Passphrase-77", "Another-Long-Passphrase-77"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts.RequestEmailChange(ctx, st.ID, "owords.new@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.EmailSettings.SendTestEmail(ctx, "manager@example.com"); err != nil {
		t.Fatal(err)
	}
	r.svc.Courier.SendDue(ctx)
	var out []sentEmail
	for _, m := range r.srv.Messages() {
		if len(m.To) != 1 || !strings.HasPrefix(m.To[0], "owords") && m.To[0] != "manager@example.com" {
			continue // the demo practice's own activation emails
		}
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		text, html := bodies(t, msg)
		out = append(out, sentEmail{subject: subject, text: text, html: html})
	}
	if len(out) != 6 {
		t.Fatalf("%d emails delivered, want one of each of the 6 kinds", len(out))
	}
	return out
}

// bodies are the decoded text/plain and text/html parts of a message.
func bodies(t *testing.T, m *mail.Message) (text, html string) {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(mr *multipart.Reader)
	walk = func(mr *multipart.Reader) {
		for {
			p, err := mr.NextPart() // decodes quoted-printable
			if err != nil {
				return
			}
			mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			b, _ := io.ReadAll(p)
			switch {
			case strings.HasPrefix(mt, "multipart/"):
				walk(multipart.NewReader(bytes.NewReader(b), params["boundary"]))
			case mt == "text/plain":
				text = string(b)
			case mt == "text/html":
				html = string(b)
			}
		}
	}
	walk(multipart.NewReader(m.Body, params["boundary"]))
	return text, html
}

var (
	tags     = regexp.MustCompile(`<[^>]*>`)
	linkWord = regexp.MustCompile(`(?i)\blinks?\b`)
	// A place in the app as the emails name it: "Email → Activate Account".
	menuPath = regexp.MustCompile(`([A-Z][A-Za-z]*) → ([A-Z][A-Za-z ]*[A-Za-z])`)
	// staffdeskLink is a link as the emails write it, up to the end of its line.
	staffdeskLink = regexp.MustCompile(`staffdesk://\S+`)
	staffdeskHref = regexp.MustCompile(`href="(staffdesk://[^"]+)"`)
)

// htmlText is what a reader of the HTML part reads.
func htmlText(h string) string {
	for _, e := range [][2]string{{"&ldquo;", "\""}, {"&rdquo;", "\""}, {"&amp;", "&"}, {"&#39;", "'"}} {
		h = strings.ReplaceAll(h, e[0], e[1])
	}
	return tags.ReplaceAllString(h, "")
}

// Emails that carry a code carry the staffdesk: link that opens its window, and
// say, for the mail program that does not open such links, where the username and
// code are typed, in the words of the button or window that takes them; every menu item they send the reader to is in the
// app's menus; the change-email code names the button and dialog that take it, which
// exist.
func TestAccountEmailsSayWhatIsSentAndWhereToEnterIt(t *testing.T) {
	r := newCodesRig(t, true)
	r.ShowMain()
	r.waitIdle()
	t.Cleanup(r.staff.win.Close)

	menu := map[string]bool{}
	for _, m := range r.staff.win.MainMenu().Items {
		for _, it := range m.Items {
			menu[m.Label+" → "+strings.TrimSuffix(it.Label, "…")] = it.Action != nil
		}
	}
	emails := deliverEveryKind(t, r)
	// Activation and reset send the reader to the Sign in window's buttons (they are not
	// signed in), the change of address to Confirm New Email.
	signIn := r.showSignIn("")
	t.Cleanup(signIn.win.Close)
	window := map[app.LinkAction]string{
		app.LinkActivate:      "choose " + strings.TrimSuffix(signIn.activate.Text, "…") + " on the Sign in window",
		app.LinkResetPassword: "choose " + strings.TrimSuffix(signIn.setNew.Text, "…") + " on the Sign in window",
		app.LinkConfirmEmail:  titleConfirmEmail}
	linked := map[app.LinkAction]bool{}
	for _, e := range emails {
		links := map[string]string{"text": staffdeskLink.FindString(e.text)}
		if m := staffdeskHref.FindStringSubmatch(e.html); m != nil {
			links["HTML"] = stdhtml.UnescapeString(m[1])
		}
		for part, body := range map[string]string{"text": e.text, "HTML": htmlText(e.html)} {
			if code := codeInMail.FindString(body); code != "" {
				raw := links[part]
				l, err := app.ParseLink(raw)
				if err != nil || l.Username != "owords" || l.Code != code {
					t.Errorf("%q (%s) carries the code and the link %q, read as %v, %v", e.subject, part, raw, l, err)
					continue
				}
				linked[l.Action] = true
				if !strings.Contains(body, "If the link does not open StaffDesk") || !strings.Contains(body, window[l.Action]) {
					t.Errorf("%q (%s) does not say where to type the code when the link does not open:\n%s", e.subject, part, body)
				}
			}
			for _, m := range menuPath.FindAllStringSubmatch(body, -1) {
				if !menu[m[1]+" → "+m[2]] {
					t.Errorf("%q (%s) names %q, which is no menu item", e.subject, part, m[0])
				}
			}
		}
	}
	if len(linked) != len(app.LinkActions) {
		t.Errorf("the emails link to %v; want every action", linked)
	}

	// The change-email code: the Edit window has "Enter code", which opens "Confirm New Email".
	var verify sentEmail
	for _, e := range emails {
		if strings.HasPrefix(e.subject, "Confirm your new email") {
			verify = e
		}
	}
	st := staffByUsername(t, r.testDesk, "owords")
	f := openForm(t, r.testDesk, st.ID)
	if !f.emailChange.enterCode.Visible() {
		t.Fatal("the Edit window offers no Enter code while a change is pending")
	}
	test.Tap(f.emailChange.enterCode)
	for _, want := range []string{`"` + f.emailChange.enterCode.Text + `"`, `"` + titleConfirmEmail + `"`, "Edit"} {
		for part, body := range map[string]string{"text": verify.text, "HTML": htmlText(verify.html)} {
			if !strings.Contains(body, want) {
				t.Errorf("the change-email email (%s) does not name %s:\n%s", part, want, body)
			}
		}
	}
	if got := overlayText(f.win); !strings.Contains(got, titleConfirmEmail) {
		t.Errorf("Enter code opened %q, not %q", got, titleConfirmEmail)
	}
}

// The plain-text part keeps each paragraph on one line (the message's
// quoted-printable encoding keeps its lines short): a line ends mid-sentence only in
// a list of "Label: value" lines or before a link.
func TestAccountEmailsTextHasNoBreakInASentence(t *testing.T) {
	r := newCodesRig(t, true)
	err := r.svc.EmailSettings.Save(r.ctx(), app.EmailSettings{Host: r.srv.Host(), Port: r.srv.Port(), Security: app.MailNone,
		FromName: "Valley Front Desk", FromAddress: "office@valley.example", PracticeName: "Valley Family Practice"},
		app.SaveEmailOptions{})
	if err != nil {
		t.Fatal(err)
	}
	labelValue := regexp.MustCompile(`^[A-Z][A-Za-z ]*: \S`)
	for _, e := range deliverEveryKind(t, r) {
		lines := strings.Split(strings.ReplaceAll(e.text, "\r\n", "\n"), "\n")
		for i := 0; i+1 < len(lines); i++ {
			line, next := strings.TrimSpace(lines[i]), strings.TrimSpace(lines[i+1])
			if line == "" || next == "" || labelValue.MatchString(line) && labelValue.MatchString(next) ||
				strings.HasSuffix(line, ":") || strings.HasPrefix(line, "staffdesk://") {
				continue
			}
			t.Errorf("%q: a line break in a paragraph after %q (before %q)", e.subject, line, next)
		}
	}
}

// The windows that send a code call it a code, keep the seed's terms (3 days for
// activation, 72 hours for a reset) and say where the code is entered.
func TestCodeWordsInWindows(t *testing.T) {
	td := newTestDesk(t, true)
	td.ShowMain()
	td.waitIdle()
	t.Cleanup(td.staff.win.Close)
	var said []string
	f := openForm(t, td, 0)
	walk(f.win.Content(), func(o fyne.CanvasObject) {
		if rt, ok := o.(*widget.RichText); ok {
			said = append(said, rt.String())
		}
	})
	if got := strings.Join(said, " "); !strings.Contains(got, "3 days") || !strings.Contains(got, "Email → Activate Account") {
		t.Errorf("New Office Staff says %q", got)
	}
	f.close()
	camille := staffByUsername(t, td, "camilles")
	e := openForm(t, td, camille.ID)
	hint := e.fields.byName[app.FieldPassword].hint.Text
	test.Tap(e.resetPassword)
	ask := overlayText(e.win)
	for _, s := range []string{hint, ask} {
		if !strings.Contains(s, "72 hours") || !strings.Contains(s, "Email → Set a New Password") {
			t.Errorf("Reset Password says %q", s)
		}
	}
	said = append(said, hint, ask)
	for _, s := range said {
		if w := linkWord.FindString(s); w != "" {
			t.Errorf("%q says %q where a code is sent", s, w)
		}
	}
}
