package smtp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/staffdesk/staffdesk/app"
)

// Field names of a Message, for app.Error.Fields.
const (
	FieldTo        = "to"
	FieldSubject   = "subject"
	FieldMessageID = "message_id"
	FieldBody      = "body"
)

// maxHeaderText is the longest name or subject Build takes, in characters: more than
// app's rules allow (two names of app.MaxNameLen and a space; a subject of 200), so that
// every account the rules accept can be mailed. Folding (header.go) makes any length
// fit on lines of 78 octets; the limit only bounds the work. The constant below fails
// to build if the names ever outgrow it.
const maxHeaderText = 500

const _ = uint(maxHeaderText - (2*app.MaxNameLen + 1))

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
// multipart/alternative in quoted-printable. A name or subject that is not plain ASCII
// words becomes RFC 2047 encoded words, and every header is folded to lines of at most
// 78 octets (header.go). Names and a subject holding CR, LF or any other control
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
	body, boundary, err := alternativeBody(m.Text, m.HTML)
	if err != nil {
		return nil, fmt.Errorf("build message %s: %w", id, err)
	}
	var h header
	h.address("From", mail.Address{Name: cfg.FromName, Address: cfg.FromAddress})
	h.address("To", m.To)
	h.text("Subject", m.Subject)
	h.tokens("Date", date.Format(time.RFC1123Z))
	h.tokens("Message-ID", id)
	h.tokens("Auto-Submitted", "auto-generated")
	h.tokens("MIME-Version", "1.0")
	h.tokens("Content-Type", "multipart/alternative;", `boundary="`+boundary+`"`)
	h.b.WriteString("\r\n")
	h.b.Write(body)
	return h.b.Bytes(), nil
}

// alternativeBody returns text and html (each when not empty) as the parts of a
// multipart/alternative body, in UTF-8 and quoted-printable, and its boundary.
func alternativeBody(text, html string) ([]byte, string, error) {
	var body bytes.Buffer
	parts := multipart.NewWriter(&body)
	for _, part := range []struct{ mediaType, text string }{{"text/plain", text}, {"text/html", html}} {
		if part.text == "" {
			continue
		}
		w, err := parts.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.mediaType + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, "", err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(part.text)); err != nil {
			return nil, "", err
		}
		if err := qp.Close(); err != nil {
			return nil, "", err
		}
	}
	if err := parts.Close(); err != nil {
		return nil, "", err
	}
	return body.Bytes(), parts.Boundary(), nil
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
	if n := utf8.RuneCountInString(s); n > maxHeaderText {
		return fmt.Sprintf("The %s is too long: %d characters, at most %d.", what, n, maxHeaderText)
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
