package mail

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jordan-wright/email"

	"github.com/staffdesk/staffdesk/app"
)

// Field names of a Message, for app.Error.Fields.
const (
	FieldTo        = "to"
	FieldSubject   = "subject"
	FieldMessageID = "message_id"
	FieldBody      = "body"
)

// maxHeaderLine is RFC 5322's limit on a line, CRLF excluded. Build writes each
// header on one line, so a longer one is refused rather than folded.
const maxHeaderLine = 998

// Message is one email to one person.
type Message struct {
	// MessageID is the Message-ID header, like <f81d4fae7dec11d0@example.com> (the
	// angle brackets are added when missing). The caller chooses it, keeps it with the
	// message and sends the same one on every retry, so that a copy delivered after an
	// uncertain end can be recognised. NewMessageID makes one.
	MessageID string
	To        mail.Address
	Subject   string
	// Text and HTML are the two versions of the body; at least one is required.
	Text string
	HTML string
	// Date is the Date header; zero means now.
	Date time.Time
}

// NewMessageID returns a new random Message-ID in the domain of fromAddress, like
// <3f2a9c0e8b1d4e6f9a7c5b3d1e0f2a4c@example.com>.
func NewMessageID(fromAddress string) string {
	domain := "staffdesk.invalid"
	if at := strings.LastIndexByte(fromAddress, '@'); at >= 0 && isDotAtom(fromAddress[at+1:]) {
		domain = fromAddress[at+1:]
	}
	return "<" + hex.EncodeToString(randomBytes(16)) + "@" + domain + ">"
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never returns an error (crypto/rand, Go 1.24+)
	return b
}

// Build returns the message as RFC 5322 bytes, From the settings' name and address,
// with the caller's Message-ID, a Date, Auto-Submitted: auto-generated (so that
// vacation responders stay quiet) and the text and HTML bodies as
// multipart/alternative. Names and a subject holding CR, LF or any other control
// character are refused: they could smuggle extra headers in.
func Build(cfg Config, m Message) ([]byte, error) {
	var p app.Problems
	checkFrom(&p, cfg)
	id, err := normalizeMessageID(m.MessageID)
	if err != nil {
		p.Add(FieldMessageID, err.Error())
	}
	checkRecipient(&p, m.To)
	if msg := checkHeaderText("subject", m.Subject); msg != "" {
		p.Add(FieldSubject, msg)
	} else if len("Subject: "+mime.QEncoding.Encode("UTF-8", m.Subject)) > maxHeaderLine {
		p.Add(FieldSubject, "The subject is too long.")
	}
	if strings.TrimSpace(m.Text) == "" && strings.TrimSpace(m.HTML) == "" {
		p.Add(FieldBody, "The message has no text.")
	} else if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		p.Add(FieldBody, "The message text is not valid UTF-8.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}

	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	e := email.NewEmail()
	e.From = emailAddress(mail.Address{Name: cfg.FromName, Address: cfg.FromAddress})
	e.To = []string{emailAddress(m.To)}
	e.Subject = m.Subject
	e.Text = []byte(m.Text)
	e.HTML = []byte(m.HTML)
	// email keeps a caller's Message-ID only under the canonical key "Message-Id"
	// (Set canonicalizes); under any other spelling it would add its own as well.
	e.Headers.Set("Message-ID", id)
	e.Headers.Set("Date", date.Format(time.RFC1123Z))
	e.Headers.Set("Auto-Submitted", "auto-generated")
	raw, err := e.Bytes()
	if err != nil {
		return nil, fmt.Errorf("build message %s: %w", id, err)
	}
	return raw, nil
}

// emailAddress renders a for jordan-wright/email, which splits From and To on commas
// and re-renders each piece with net/mail. A plain name with a comma ("Valley Clinic,
// P.C.") would be cut in two, so such a name is handed over as an RFC 2047 encoded
// word, which has no comma; email decodes it and mail.Address.String quotes it.
func emailAddress(a mail.Address) string {
	if !strings.Contains(a.Name, ",") {
		return a.String()
	}
	word := "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(a.Name)) + "?="
	return word + " " + (&mail.Address{Address: a.Address}).String()
}

func checkRecipient(p *app.Problems, to mail.Address) {
	switch {
	case to.Address == "":
		p.Add(FieldTo, "The message has no recipient address.")
	case !validAddress(to.Address):
		p.Add(FieldTo, "The recipient address is not a valid email address.")
	}
	if msg := checkHeaderText("recipient's name", to.Name); msg != "" {
		p.Add(FieldTo, msg)
	} else if len("To: "+to.String()) > maxHeaderLine {
		p.Add(FieldTo, "The recipient's name is too long.")
	}
}

// checkHeaderText returns a message when s cannot go into a header: a control
// character (CR and LF above all) or invalid UTF-8.
func checkHeaderText(what, s string) string {
	if !utf8.ValidString(s) {
		return fmt.Sprintf("The %s is not valid text.", what)
	}
	if hasControl(s) {
		return fmt.Sprintf("The %s must not contain line breaks or other control characters.", what)
	}
	if len(s) > 500 {
		return fmt.Sprintf("The %s is too long.", what)
	}
	return ""
}

// hasControl reports a control character, including the Unicode line and paragraph
// separators that some programs treat as line breaks.
func hasControl(s string) bool {
	return strings.IndexFunc(s, isControl) >= 0
}

func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// validAddress accepts a bare address that net/mail reads back unchanged and that can
// go into MAIL FROM:<...> or RCPT TO:<...> as it is.
func validAddress(addr string) bool {
	if addr == "" || len(addr) > 254 || hasControl(addr) || strings.ContainsAny(addr, " <>") {
		return false
	}
	a, err := mail.ParseAddress(addr)
	return err == nil && a.Name == "" && a.Address == addr
}

// normalizeMessageID returns id in angle brackets, or an error saying what is wrong.
func normalizeMessageID(id string) (string, error) {
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	left, right, ok := strings.Cut(id, "@")
	switch {
	case id == "":
		return "", fmt.Errorf("the message has no Message-ID")
	case !ok || !isDotAtom(left) || !isDotAtom(right) || len(id) > 250:
		return "", fmt.Errorf("the Message-ID must look like <unique-part@example.com>")
	}
	return "<" + id + ">", nil
}

// isDotAtom reports whether s is RFC 5322 dot-atom text: atoms of letters, digits and
// !#$%&'*+-/=?^_`{|}~ joined by single dots.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", b) >= 0) {
			return false
		}
	}
	return true
}
