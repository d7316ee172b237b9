package smtp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
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
	return build(nil, cfg, m)
}

// build is Build writing into buf's space (a Session reuses one buffer for all its
// messages); the result is valid until buf is used again.
func build(buf []byte, cfg Config, m Message) ([]byte, error) {
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
	// One buffer, sized for the headers and the bodies in quoted-printable, so that
	// the message is written once and never copied while it grows.
	var h header
	h.b = *bytes.NewBuffer(buf[:0])
	h.b.Grow(2048 + quotedPrintableSize(m.Text) + quotedPrintableSize(m.HTML))
	boundary := hex.EncodeToString(randomBytes(30)) // as mime/multipart makes one
	h.address("From", mail.Address{Name: cfg.FromName, Address: cfg.FromAddress})
	h.address("To", m.To)
	h.text("Subject", m.Subject)
	h.tokens("Date", date.Format(time.RFC1123Z))
	h.tokens("Message-ID", id)
	h.tokens("Auto-Submitted", "auto-generated")
	h.tokens("MIME-Version", "1.0")
	h.tokens("Content-Type", "multipart/alternative;", `boundary="`+boundary+`"`)
	h.b.WriteString("\r\n")
	alternativeBody(&h.b, boundary, m.Text, m.HTML)
	return h.b.Bytes(), nil
}

// alternativeBody writes text and html (each when not empty) to b as the parts of a
// multipart/alternative body with boundary, in UTF-8 and quoted-printable, framed as
// mime/multipart.Writer frames them (its part headers in their sorted order).
func alternativeBody(b *bytes.Buffer, boundary, text, html string) {
	first := true
	for _, part := range []struct{ mediaType, text string }{{"text/plain", text}, {"text/html", html}} {
		if part.text == "" {
			continue
		}
		if !first {
			b.WriteString("\r\n")
		}
		first = false
		b.WriteString("--")
		b.WriteString(boundary)
		b.WriteString("\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: ")
		b.WriteString(part.mediaType)
		b.WriteString("; charset=UTF-8\r\n\r\n")
		b.Write(appendQuotedPrintable(b.AvailableBuffer(), part.text)) // encoded in b's free space
	}
	b.WriteString("\r\n--")
	b.WriteString(boundary)
	b.WriteString("--\r\n")
}

// quotedPrintableSize is about the size of s in quoted-printable, for mostly ASCII
// text: a little more, and a soft line break every 73 characters.
func quotedPrintableSize(s string) int {
	return len(s) + len(s)/8 + 3*(len(s)/73+1)
}

// qpLineMax is the longest quoted-printable line, CRLF excluded (RFC 2045 6.7).
const qpLineMax = 76

// appendQuotedPrintable appends s to dst in quoted-printable exactly as
// mime/quotedprintable.Writer writes it (lines of at most 76 characters, CR, LF and
// CRLF as CRLF, a space or tab before a line end encoded), copying runs of plain
// characters whole: that Writer spends calls on every byte, and encoding the bodies is
// most of the time it takes to build a message.
func appendQuotedPrintable(dst []byte, s string) []byte {
	line := 0   // octets on the current line
	cr := false // the last line end written was a CR (a LF right after it is the same end)
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case qpLiteral(c):
			room := qpLineMax - 1 - line
			if room == 0 {
				dst = append(dst, '=', '\r', '\n')
				line, room = 0, qpLineMax-1
			}
			j := i + 1
			for j < len(s) && j-i < room && qpLiteral(s[j]) {
				j++
			}
			dst = append(dst, s[i:j]...)
			line += j - i
			cr = false
			i = j
			continue
		case c == '\n' || c == '\r':
			if !(cr && c == '\n') {
				cr = c == '\r'
				dst, line = qpEndLine(dst, line)
				dst = append(dst, '\r', '\n')
				line = 0
			} else {
				cr = false
			}
		default:
			dst, line = qpEncode(dst, line, c)
		}
		i++
	}
	dst, _ = qpEndLine(dst, line)
	return dst
}

// qpLiteral reports a byte quoted-printable writes as it is (a space or tab too, until
// it would end a line).
func qpLiteral(c byte) bool { return c >= '!' && c <= '~' && c != '=' || c == ' ' || c == '\t' }

// qpEncode appends c as =XX, after a soft line break when it would not fit.
func qpEncode(dst []byte, line int, c byte) ([]byte, int) {
	const upperhex = "0123456789ABCDEF"
	if qpLineMax-1-line < 3 {
		dst = append(dst, '=', '\r', '\n')
		line = 0
	}
	return append(dst, '=', upperhex[c>>4], upperhex[c&0x0f]), line + 3
}

// qpEndLine encodes a space or tab that would end the line.
func qpEndLine(dst []byte, line int) ([]byte, int) {
	if line > 0 {
		if c := dst[len(dst)-1]; c == ' ' || c == '\t' {
			return qpEncode(dst[:len(dst)-1], line-1, c)
		}
	}
	return dst, line
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

// validAddress accepts a bare address that net/mail reads back unchanged, that can go
// into MAIL FROM:<...> or RCPT TO:<...> as it is, and whose domain, when beyond ASCII,
// has the IDNA ASCII form the header writes (headerAddress).
func validAddress(addr string) bool {
	if addr == "" || len(addr) > 254 || hasControl(addr) || strings.ContainsAny(addr, " <>") {
		return false
	}
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		if _, ok := asciiDomain(addr[at+1:]); !ok {
			return false
		}
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
