package smtp

import (
	"bytes"
	"context"
	"io"
	mathrand "math/rand/v2"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/smtp/smtptest"
)

func testMessage() Message {
	return Message{
		MessageID: "<activation-42.7f3a@valley.example>",
		To:        mail.Address{Name: "Jane Doe", Address: "jane@example.com"},
		Subject:   "Activate your StaffDesk account",
		Text:      "Hello Jane,\n\nYour activation code is 123456.\n",
		HTML:      "<p>Hello Jane,</p><p>Your activation code is <b>123456</b>.</p>",
		Date:      time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC),
	}
}

// parsedMessage is a received message read back with net/mail and mime/multipart.
type parsedMessage struct {
	Header mail.Header
	Parts  map[string]string // media type -> decoded body
}

func parseMessage(t *testing.T, raw []byte) parsedMessage {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, raw)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type: %v", err)
	}
	out := parsedMessage{Header: msg.Header, Parts: map[string]string{}}
	if mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %s, want multipart/alternative", mt)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("next part: %v", err)
		}
		pt, pparams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if !strings.EqualFold(pparams["charset"], "utf-8") {
			t.Errorf("part %s charset = %q, want UTF-8", pt, pparams["charset"])
		}
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		out.Parts[pt] = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	return out
}

func TestBuild(t *testing.T) {
	cfg := validConfig()
	cfg.FromName = "Valley Clinic, P.C."
	m := testMessage()
	raw, err := Build(cfg, m)
	if err != nil {
		t.Fatal(err)
	}
	// jordan-wright/email adds its own Message-Id unless it finds ours under its key.
	if n := bytes.Count(bytes.ToLower(append([]byte("\r\n"), raw...)), []byte("\nmessage-id:")); n != 1 {
		t.Errorf("%d Message-ID headers, want 1:\n%s", n, raw)
	}
	got := parseMessage(t, raw)
	h := got.Header
	if id := h.Get("Message-ID"); id != m.MessageID {
		t.Errorf("Message-ID = %q, want %q", id, m.MessageID)
	}
	if d, err := h.Date(); err != nil || !d.Equal(m.Date) {
		t.Errorf("Date = %v, %v; want %v", d, err, m.Date)
	}
	if s := h.Get("Subject"); s != m.Subject {
		t.Errorf("Subject = %q", s)
	}
	if s := h.Get("Auto-Submitted"); s != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", s)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || *from[0] != (mail.Address{Name: "Valley Clinic, P.C.", Address: "office@example.com"}) {
		t.Errorf("From = %v, %v (raw %q)", from, err, h.Get("From"))
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || *to[0] != m.To {
		t.Errorf("To = %v, %v", to, err)
	}
	if got.Parts["text/plain"] != m.Text {
		t.Errorf("text part = %q, want %q", got.Parts["text/plain"], m.Text)
	}
	if got.Parts["text/html"] != m.HTML {
		t.Errorf("html part = %q, want %q", got.Parts["text/html"], m.HTML)
	}
}

func TestBuildEncodesNames(t *testing.T) {
	for _, name := range []string{"Müller, Jürgen", "Jane \"JJ\" O'Brien", "Dr. Smith", "Zoë", "佐藤 花子", "A, B, C"} {
		cfg := validConfig()
		cfg.FromName = name
		m := testMessage()
		m.To.Name = name
		m.Subject = "Willkommen, " + name + " — café ☕"
		raw, err := Build(cfg, m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, line := range strings.Split(string(raw), "\r\n") {
			if line == "" {
				break // end of the header
			}
			for _, r := range line {
				if r > 127 {
					t.Errorf("%s: header line not ASCII: %q", name, line)
					break
				}
			}
		}
		h := parseMessage(t, raw).Header
		from, err := h.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != name {
			t.Errorf("From for %q = %v, %v (raw %q)", name, from, err, h.Get("From"))
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Name != name || to[0].Address != m.To.Address {
			t.Errorf("To for %q = %v, %v (raw %q)", name, to, err, h.Get("To"))
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
		if err != nil || subject != m.Subject {
			t.Errorf("Subject = %q, %v; want %q", subject, err, m.Subject)
		}
	}
}

func TestBuildRefusesHeaderInjection(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Config, *Message)
		field string
	}{
		{"CRLF in subject", func(_ *Config, m *Message) { m.Subject = "Hi\r\nBcc: all@example.com" }, FieldSubject},
		{"LF in subject", func(_ *Config, m *Message) { m.Subject = "Hi\nBcc: all@example.com" }, FieldSubject},
		{"CR in subject", func(_ *Config, m *Message) { m.Subject = "Hi\rBcc: all@example.com" }, FieldSubject},
		{"NUL in subject", func(_ *Config, m *Message) { m.Subject = "Hi\x00" }, FieldSubject},
		{"NEL in subject", func(_ *Config, m *Message) { m.Subject = "Hi\u0085Bcc: x" }, FieldSubject},
		{"line separator in subject", func(_ *Config, m *Message) { m.Subject = "Hi\u2028Bcc: x" }, FieldSubject},
		{"invalid UTF-8 subject", func(_ *Config, m *Message) { m.Subject = "Hi \xff" }, FieldSubject},
		{"subject too long", func(_ *Config, m *Message) { m.Subject = strings.Repeat("é", maxHeaderText+1) }, FieldSubject},
		{"CRLF in recipient name", func(_ *Config, m *Message) { m.To.Name = "Jane\r\nBcc: all@example.com" }, FieldTo},
		{"LF in recipient address", func(_ *Config, m *Message) { m.To.Address = "jane@example.com\nRCPT TO:<x@y>" }, FieldTo},
		{"recipient address with name", func(_ *Config, m *Message) { m.To.Address = "Jane <jane@example.com>" }, FieldTo},
		{"recipient address bad", func(_ *Config, m *Message) { m.To.Address = "jane" }, FieldTo},
		{"CRLF in From name", func(c *Config, _ *Message) { c.FromName = "Clinic\r\nBcc: all@example.com" }, FieldFromName},
		{"no Message-ID", func(_ *Config, m *Message) { m.MessageID = "" }, FieldMessageID},
		{"Message-ID with CRLF", func(_ *Config, m *Message) { m.MessageID = "<a@b>\r\nBcc: x@y" }, FieldMessageID},
		{"Message-ID without @", func(_ *Config, m *Message) { m.MessageID = "<abc>" }, FieldMessageID},
		{"no body", func(_ *Config, m *Message) { m.Text, m.HTML = "", " " }, FieldBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, m := validConfig(), testMessage()
			tt.edit(&cfg, &m)
			raw, err := Build(cfg, m)
			if err == nil {
				t.Fatalf("Build accepted it:\n%s", raw)
			}
			if app.ErrorCode(err) != app.EINVALID {
				t.Errorf("Build() = %v, want EINVALID", err)
			}
			if _, ok := app.ErrorFields(err)[tt.field]; !ok {
				t.Errorf("Build() fields = %v, want %s", app.ErrorFields(err), tt.field)
			}
		})
	}
}

func TestMessageIDForms(t *testing.T) {
	cfg, m := validConfig(), testMessage()
	m.MessageID = "bare.id-1@valley.example"
	raw, err := Build(cfg, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := parseMessage(t, raw).Header.Get("Message-ID"); got != "<bare.id-1@valley.example>" {
		t.Errorf("Message-ID = %q", got)
	}
	a, b := NewMessageID("office@valley.example"), NewMessageID("office@valley.example")
	if a == b || !strings.HasPrefix(a, "<") || !strings.HasSuffix(a, "@valley.example>") {
		t.Errorf("NewMessageID = %q, %q", a, b)
	}
	if _, err := normalizeMessageID(a); err != nil {
		t.Errorf("NewMessageID %q does not validate: %v", a, err)
	}
	if got := NewMessageID(""); !strings.HasSuffix(got, "@staffdesk.invalid>") {
		t.Errorf("NewMessageID(\"\") = %q", got)
	}
}

// nameOf is n characters of alphabet, over and over.
func nameOf(alphabet string, n int) string {
	letters := []rune(alphabet)
	out := make([]rune, n)
	for i := range out {
		out[i] = letters[i%len(letters)]
	}
	return string(out)
}

// headerNames are the names of every writing system the issue tried, at the lengths
// that failed and at the longest the rules allow (app.MaxNameLen each).
func headerNames() []struct{ what, first, last string } {
	const (
		latin    = "áéíóúàèìòùâêîôûäëïöüçñÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑ"
		cyrillic = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ"
		arabic   = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
		cjk      = "佐藤花子山田太郎鈴木一郎高橋美咲"
		max      = app.MaxNameLen
	)
	return []struct{ what, first, last string }{
		{"25 health workers (emoji with joiners)", strings.Repeat("👩\u200d⚕\ufe0f", 25), "Okafor"},
		{"accented Latin 66+66", nameOf(latin, 66), nameOf(latin, 66)},
		{"accented Latin, the longest", nameOf(latin, max), nameOf(latin, max)},
		{"Latin with combining accents (NFD)", strings.Repeat("e\u0301", max/2), strings.Repeat("n\u0303", max/2)},
		{"Cyrillic 66+66", nameOf(cyrillic, 66), nameOf(cyrillic, 66)},
		{"Cyrillic, the longest", nameOf(cyrillic, max), nameOf(cyrillic, max)},
		{"Arabic 66+66", nameOf(arabic, 66), nameOf(arabic, 66)},
		{"Arabic, the longest", nameOf(arabic, max), nameOf(arabic, max)},
		{"CJK 45+45", nameOf(cjk, 45), nameOf(cjk, 45)},
		{"CJK, the longest", nameOf(cjk, max), nameOf(cjk, max)},
		{"CJK Extension B (4 bytes each), the longest", nameOf("𠀀𠀁𠀂𠀃", max), nameOf("𠀄𠀅𠀆", max)},
		{"Devanagari with viramas and joiners", nameOf("क्\u200dषत्रिय", max), nameOf("देवनागरी", max)},
		{"ASCII, the longest", nameOf("Abcdefghij", max), nameOf("Klmnopqrst", max)},
		{"ASCII with specials", "Mary-Ann \"MA\" O'Brien, Jr.", nameOf("Smith (Dr.) ", max)},
	}
}

// TestBuild_FoldsLongNamesOfEveryScript: the To and From names and the subject are
// RFC 2047 encoded words of at most 75 characters cut between characters, on header
// lines of at most 78 octets; the in-process SMTP server takes each message, and its To
// decodes back to the exact name. Every name the rules accept can be sent.
func TestBuild_FoldsLongNamesOfEveryScript(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true}))
	for _, n := range headerNames() {
		t.Run(n.what, func(t *testing.T) {
			full := n.first + " " + n.last
			if !strings.HasPrefix(n.what, "25 health") { // letterless: the rules refuse it
				for _, part := range []string{n.first, n.last} {
					if _, err := app.CheckName(app.FieldFirstName, "first name", part); err != nil {
						t.Fatalf("the rules refuse %q: %v", part, err)
					}
				}
			}
			cfg := serverConfig(srv, SecurityStartTLS)
			cfg.FromName = full
			m := testMessage()
			m.To = mail.Address{Name: full, Address: "staff@example.com"}
			m.Subject = "Activate your account, " + full
			raw, err := Build(cfg, m)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			checkHeaderLines(t, raw)
			before := len(srv.Messages())
			if err := NewSender(cfg).Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := srv.Messages()
			if len(msgs) != before+1 {
				t.Fatalf("the server has %d messages, want %d", len(msgs), before+1)
			}
			got, err := mail.ReadMessage(bytes.NewReader(msgs[len(msgs)-1].Data))
			if err != nil {
				t.Fatal(err)
			}
			to, err := mail.ParseAddress(got.Header.Get("To"))
			if err != nil || to.Name != full || to.Address != "staff@example.com" {
				t.Errorf("To decodes to %+q, %v; want %+q", to, err, full)
			}
			from, err := got.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != full {
				t.Errorf("From decodes to %v, %v", from, err)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(got.Header.Get("Subject"))
			if err != nil || subject != m.Subject {
				t.Errorf("Subject decodes to %+q, %v", subject, err)
			}
		})
	}
}

// checkHeaderLines fails when a header line of raw is longer than 78 octets, holds
// anything but ASCII, or an encoded word is longer than 75 characters or cuts a UTF-8
// sequence.
func checkHeaderLines(t *testing.T, raw []byte) {
	t.Helper()
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("no end of header in\n%s", raw)
	}
	for _, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d octets: %q", len(line), line)
		}
		for i := 0; i < len(line); i++ {
			if line[i] > 127 {
				t.Errorf("header line not ASCII: %q", line)
				break
			}
		}
		for _, word := range strings.Fields(line) {
			if !strings.HasPrefix(word, "=?") {
				continue
			}
			if len(word) > 75 {
				t.Errorf("encoded word of %d characters: %q", len(word), word)
			}
			dec, err := new(mime.WordDecoder).Decode(word)
			if err != nil || !utf8.ValidString(dec) {
				t.Errorf("encoded word %q decodes to %+q, %v: a cut character", word, dec, err)
			}
		}
	}
}

// TestBuild_InternationalDomainInASCII: an address's internationalised domain goes
// into the header in its IDNA ASCII form, so that the header stays ASCII when the local
// part is.
func TestBuild_InternationalDomainInASCII(t *testing.T) {
	m := testMessage()
	m.To = mail.Address{Name: "Jörg", Address: "joerg@praxis-müller.example"}
	raw, err := Build(validConfig(), m)
	if err != nil {
		t.Fatal(err)
	}
	checkHeaderLines(t, raw)
	to, err := parseMessage(t, raw).Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "joerg@xn--praxis-mller-klb.example" || to[0].Name != "Jörg" {
		t.Errorf("To = %v, %v", to, err)
	}
}

// TestEncodeWords_CutsBetweenCharacters: encoded words are cut between user-perceived
// characters, so a reader that shows each word on its own never shows a lone accent,
// half an emoji or half a flag.
func TestEncodeWords_CutsBetweenCharacters(t *testing.T) {
	// continues reports a character that cannot start a user-perceived character.
	continues := func(r rune) bool {
		return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Variation_Selector) || r == '\u200d' ||
			0x1F3FB <= r && r <= 0x1F3FF || 0x1160 <= r && r <= 0x11FF
	}
	for _, s := range []string{
		strings.Repeat("e\u0301", 80),            // e + combining acute
		strings.Repeat("👩\u200d⚕\ufe0f", 25),     // emoji ZWJ sequences
		strings.Repeat("🇩🇪", 40),                 // flags: regional indicator pairs
		strings.Repeat("क्\u200dष", 40),          // Devanagari conjunct
		strings.Repeat("\u1100\u1161\u11a8", 40), // Hangul jamo L V T
		strings.Repeat("👍🏽", 40),                 // emoji with a skin tone
	} {
		var got strings.Builder
		for i, w := range encodeWords(s, 60) {
			if len(w) > maxEncodedWord || i == 0 && len(w) > 60 {
				t.Errorf("word %d of %d characters: %q", i, len(w), w)
			}
			dec, err := new(mime.WordDecoder).Decode(w)
			if err != nil || !utf8.ValidString(dec) {
				t.Fatalf("word %q: %+q, %v", w, dec, err)
			}
			first, _ := utf8.DecodeRuneInString(dec)
			flags := strings.Count(got.String(), "") - 1 // runes so far
			if continues(first) || first == '\U0001F1EA' && flags%2 == 1 || strings.HasSuffix(got.String(), "\u200d") || strings.HasSuffix(got.String(), "\u094d") {
				t.Errorf("word %d starts inside a character: %+q after %+q", i, dec, got.String())
			}
			got.WriteString(dec)
		}
		if got.String() != s {
			t.Errorf("words decode to %+q, want %+q", got.String(), s)
		}
	}
	// One character longer than any word is cut between its code points, never
	// inside one.
	long := "a" + strings.Repeat("\u0301", 100) + "bcdef"
	var got strings.Builder
	for _, w := range encodeWords(long, 60) {
		dec, err := new(mime.WordDecoder).Decode(w)
		if err != nil || !utf8.ValidString(dec) || len(w) > maxEncodedWord {
			t.Fatalf("word %q: %+q, %v", w, dec, err)
		}
		got.WriteString(dec)
	}
	if got.String() != long {
		t.Errorf("words decode to %+q", got.String())
	}
}

// The builder's own quoted-printable encoder writes what mime/quotedprintable.Writer
// writes, byte for byte: line ends in every form, spaces and tabs before them, '=',
// non-ASCII, and lines cut at every position near 76.
func TestAppendQuotedPrintableMatchesStdlib(t *testing.T) {
	pieces := []string{"a", "Z", " ", "\t", "=", "é", "👩‍⚕️", "\r", "\n", "\r\n", "\n\r", "<p>", "x=y", "~", "\x00", "\xff"}
	rng := mathrand.New(mathrand.NewPCG(1, 2))
	inputs := []string{"", " ", "\t\r\n", "a \r\nb\t\nc \rd", strings.Repeat("a", 75) + " ", strings.Repeat("é", 40),
		strings.Repeat("Hello Camille, a staff account has been created. ", 20)}
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := rng.IntN(200); k > 0; k-- {
			if rng.IntN(3) == 0 {
				b.WriteString(strings.Repeat("w", rng.IntN(90)))
			}
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		var want bytes.Buffer
		qp := quotedprintable.NewWriter(&want)
		qp.Write([]byte(in))
		qp.Close()
		if got := appendQuotedPrintable([]byte("prefix"), in); string(got) != "prefix"+want.String() {
			t.Fatalf("input %q:\n got %q\nwant %q", in, got[len("prefix"):], want.String())
		}
	}
}

// The message body is framed as mime/multipart.Writer frames it, for one part or both.
func TestAlternativeBodyMatchesMultipartWriter(t *testing.T) {
	const boundary = "3f2a9c0e8b1d4e6f9a7c5b3d1e0f2a4c"
	for _, tt := range []struct{ text, html string }{{"Hello\r\nthere = ", "<p>Hello</p>"}, {"only text", ""}, {"", "<b>only html</b>"}} {
		var want bytes.Buffer
		parts := multipart.NewWriter(&want)
		parts.SetBoundary(boundary)
		for _, p := range []struct{ mediaType, text string }{{"text/plain", tt.text}, {"text/html", tt.html}} {
			if p.text == "" {
				continue
			}
			w, _ := parts.CreatePart(map[string][]string{"Content-Type": {p.mediaType + "; charset=UTF-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
			qp := quotedprintable.NewWriter(w)
			qp.Write([]byte(p.text))
			qp.Close()
		}
		parts.Close()
		var got bytes.Buffer
		alternativeBody(&got, boundary, tt.text, tt.html)
		if got.String() != want.String() {
			t.Errorf("text %q, html %q:\n got %q\nwant %q", tt.text, tt.html, got.String(), want.String())
		}
	}
}

// BenchmarkBuild builds an activation-sized message into a reused buffer, as a
// Session does: go test -run '^$' -bench Build ./smtp/
func BenchmarkBuild(b *testing.B) {
	text := strings.Repeat("Hello Camille, a staff account has been created for you at Valley Family Practice. ", 20)
	m := Message{MessageID: "<bench@valley.example>", To: mail.Address{Name: "Camille Staff", Address: "camilles@email.xyz"},
		Subject: "Activate your Valley Family Practice staff account", Text: text, HTML: "<p>" + text + "</p>", Date: time.Now()}
	cfg := validConfig()
	b.ReportAllocs()
	var buf []byte
	for i := 0; i < b.N; i++ {
		raw, err := build(buf, cfg, m)
		if err != nil {
			b.Fatal(err)
		}
		buf = raw
	}
}
