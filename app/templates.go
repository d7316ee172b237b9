package app

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	htmltemplate "html/template"
	"net/mail"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/staffdesk/staffdesk/assets"
)

// mailData is what the templates in assets/mail see.
type mailData struct {
	Subject  string // filled in for the HTML <title>
	Practice string
	Name     string // the recipient's full name
	Username string
	Code     string // "ABCDE-FGHJK", or masked in the copy kept for the Outbox window
	// Link is the staffdesk: link that opens the window for the code (links.go): an
	// htmltemplate.URL, as html/template would otherwise refuse a scheme it does not
	// know. BuildLink wrote it, so it holds nothing but the link's own characters.
	Link     htmltemplate.URL
	Expires  string // "Friday, April 10, 2026 at 2:32 PM EDT"
	ValidFor string // "3 days", "72 hours"
	When     string // when something happened, same format as Expires
	NewEmail string
	OldEmail string
	Server   string // the test email: host:port
}

type mailTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

var (
	templatesOnce sync.Once
	templatesErr  error
	templates     map[MailKind]mailTemplates
)

// mailKinds are the kinds with templates.
var mailKinds = []MailKind{MailActivation, MailPasswordReset, MailPasswordChanged,
	MailEmailChangeVerify, MailEmailChangeNotice, MailTest}

func loadTemplates() {
	templates = map[MailKind]mailTemplates{}
	for _, k := range mailKinds {
		t, err := texttemplate.New(string(k)+".txt").Option("missingkey=error").ParseFS(assets.Mail, "mail/"+string(k)+".txt")
		if err != nil {
			templatesErr = err
			return
		}
		h, err := htmltemplate.New("layout.html").Option("missingkey=error").ParseFS(assets.Mail, "mail/layout.html", "mail/"+string(k)+".html")
		if err != nil {
			templatesErr = err
			return
		}
		templates[k] = mailTemplates{text: t, html: h}
	}
}

// renderMail renders the subject and both bodies of an email of kind.
func renderMail(kind MailKind, d mailData) (text, html, subject string, err error) {
	templatesOnce.Do(loadTemplates)
	if templatesErr != nil {
		return "", "", "", templatesErr
	}
	t, ok := templates[kind]
	if !ok {
		return "", "", "", Errorf(EINTERNAL, "There is no email template for %q.", string(kind))
	}
	var b bytes.Buffer
	if err := t.text.ExecuteTemplate(&b, "subject", d); err != nil {
		return "", "", "", err
	}
	subject = strings.Join(strings.Fields(b.String()), " ")
	if msg := headerTextProblem("subject", subject, 200); msg != "" {
		return "", "", "", Errorf(EINVALID, "%s", msg)
	}
	b.Reset()
	if err := t.text.Execute(&b, d); err != nil {
		return "", "", "", err
	}
	text = b.String()
	b.Reset()
	d.Subject = subject
	if err := t.html.ExecuteTemplate(&b, "layout", d); err != nil {
		return "", "", "", err
	}
	return text, b.String(), subject, nil
}

// mailTime is a time as the emails write it, in this computer's time zone:
// "Friday, April 10, 2026 at 2:32 PM EDT".
func mailTime(t time.Time) string {
	return t.Local().Format("Monday, January 2, 2006 at 3:04 PM MST")
}

// newMessageID returns a random Message-ID in the From address's domain, or in
// staffdesk.local when there is none: <3f2a9c0e8b1d4e6f9a7c5b3d1e0f2a4c@example.com>.
func newMessageID(fromAddress string) string {
	domain := "staffdesk.local"
	if at := strings.LastIndexByte(fromAddress, '@'); at >= 0 && isDomain(fromAddress[at+1:]) {
		domain = strings.ToLower(fromAddress[at+1:])
	}
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}

func isDomain(s string) bool {
	if s == "" || len(s) > 253 || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// formatAddress is "Name <address>" as net/mail writes it (quoting or encoding the
// name as needed), or the bare address when there is no name.
func formatAddress(name, address string) string {
	if name == "" {
		return address
	}
	return (&mail.Address{Name: name, Address: address}).String()
}
