package smtp

import (
	"bytes"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// Fuzz targets for the message builder and the SMTP URL parser. `make fuzz-short`
// runs each for a few seconds in CI, `make fuzz` for longer; the seed corpora are in
// testdata/fuzz/.

// FuzzBuild: any names and subject Build accepts come out as an ASCII header whose
// lines are at most 78 octets (only an address or a Message-ID too long to cut may
// make one longer, never past 998), with no header smuggled in, and read back with
// net/mail and mime to exactly what went in.
func FuzzBuild(f *testing.F) {
	f.Add("Jane Doe", "Valley Clinic, P.C.", "Activate your StaffDesk account", "jane@example.com")
	f.Add(strings.Repeat("👩\u200d⚕\ufe0f", 25)+" Okafor", "Front Desk", "Willkommen, Jörg — café ☕", "staff@example.com")
	f.Add(strings.Repeat("佐藤花子", 50), strings.Repeat("é", 200), strings.Repeat("مرحبا ", 30), "x@example.com")
	f.Add("Jane\r\nBcc: all@example.com", "Clinic", "Hi\nBcc: x", "jane@example.com")
	f.Add("=?UTF-8?Q?not_encoded?=", "\"quoted\" \\ name", "  two  spaces  ", "a@b.example")
	f.Add("e\u0301e\u0301e\u0301", "🇩🇪🇫🇷", "क्\u200dषत्रिय", "a@b.example")
	f.Fuzz(func(t *testing.T, name, fromName, subject, address string) {
		cfg := validConfig()
		cfg.FromName = fromName
		m := testMessage()
		m.To = mail.Address{Name: name, Address: address}
		m.Subject = subject
		raw, err := Build(cfg, m)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID || len(app.ErrorFields(err)) == 0 {
				t.Fatalf("Build refused it without a field: %v", err)
			}
			return
		}
		head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
		if !ok {
			t.Fatal("no end of header")
		}
		fields := 0
		for _, line := range strings.Split(string(head), "\r\n") {
			if line == "" || strings.ContainsAny(line, "\r\n") {
				t.Fatalf("an empty or broken header line in\n%s", head)
			}
			if line[0] != ' ' {
				fields++
			}
			// Only an address's local part may be beyond ASCII (RFC 6532).
			outside := angleAddr.ReplaceAllStringFunc(line, func(a string) string {
				if at := strings.LastIndexByte(a, '@'); at >= 0 && isASCII(a[at:]) {
					return "<>"
				}
				return a
			})
			for i := 0; i < len(outside); i++ {
				if outside[i] < ' ' || outside[i] > '~' {
					t.Fatalf("header line not printable ASCII: %q", line)
				}
			}
			if len(line) > 998 || len(line) > maxHeaderLine && !isUncuttable(line) {
				t.Fatalf("header line of %d octets: %q", len(line), line)
			}
		}
		if fields != 8 { // From To Subject Date Message-ID Auto-Submitted MIME-Version Content-Type
			t.Fatalf("%d header fields, want 8 (one smuggled in?):\n%s", fields, head)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, head)
		}
		to, err := mail.ParseAddress(msg.Header.Get("To"))
		if err != nil || to.Name != name || to.Address != headerAddress(address) {
			t.Fatalf("To reads back as %+q, %v; want %+q <%s>\n%s", to, err, name, headerAddress(address), head)
		}
		from, err := mail.ParseAddress(msg.Header.Get("From"))
		if err != nil || from.Name != fromName {
			t.Fatalf("From reads back as %+q, %v; want %+q\n%s", from, err, fromName, head)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || got != subject {
			t.Fatalf("Subject reads back as %+q, %v; want %+q\n%s", got, err, subject, head)
		}
	})
}

var angleAddr = regexp.MustCompile(`<[^<>]*>`)

// isUncuttable reports a header line that is longer than 78 octets only because of a
// token folding cannot cut: an address in angle brackets or a Message-ID, alone on its
// line or after the field name.
func isUncuttable(line string) bool {
	toks := strings.Fields(line)
	last := toks[len(toks)-1]
	return strings.HasPrefix(last, "<") && strings.HasSuffix(last, ">") &&
		(len(toks) == 1 || len(toks) == 2 && strings.HasSuffix(toks[0], ":"))
}

// quoted finds what a message quotes: "…", “…” or '…'.
var quoted = regexp.MustCompile(`"([^"]+)"|“([^”]+)”|'([^']+)'`)

// messageWords are what ParseURL's and Validate's own messages quote (Security "none").
var messageWords = map[string]bool{"none": true, "starttls": true, "tls": true}

// FuzzParseURL: ParseURL never panics, what it accepts is a valid Config, and its
// errors never quote anything after the URL's // — that part holds the user name and
// password, and a password with an unencoded ? or # spills into the server, the port
// or the settings.
func FuzzParseURL(f *testing.F) {
	f.Add("smtp://office%40example.com:s3cret@smtp.example.com:587?from=office@example.com")
	f.Add("smtps://user:pass@smtp.example.com:465?from=Front+Desk+%3Coffice@example.com%3E")
	f.Add("smtp://user:pass@localhost:25?security=none&from=a@b.example&from_name=Desk")
	f.Add("smtp://user:Winter%21%3F@mail.example.com:587?from=a@b.example")
	f.Add("smtp://user:Wi/nter@mail.example.com:587")
	f.Add("smtp://user:Wi#nter@mail.example.com:587")
	f.Add("http://user:pass@mail.example.com")
	f.Add("smtp://mail.example.com:port")
	f.Add("smtp://user:pass@mail.example.com:587?security=ssl")
	f.Add("smtps://user:pass@mail.example.com?security=starttls")
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := ParseURL(raw)
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("ParseURL(%q) accepted what Validate refuses: %v", raw, verr)
			}
			// What a Config prints must not depend on its password: the same Config with
			// another password prints the same. (A password of "0" is a substring of any
			// port; looking for it in the text would find what is not there.)
			other := c
			other.Password = c.Password + "-another"
			if c.Password != "" && c.String() != other.String() {
				t.Fatalf("the Config prints its password: %s", c)
			}
			return
		}
		_, secret, ok := strings.Cut(strings.TrimSpace(raw), "//")
		if !ok {
			return
		}
		for _, text := range []string{err.Error(), app.ErrorMessage(err)} {
			for _, m := range quoted.FindAllStringSubmatch(text, -1) {
				q := m[1] + m[2] + m[3]
				if strings.Contains(secret, q) && !messageWords[q] {
					t.Fatalf("ParseURL(%q) quotes %q, a part of the URL after //: %s", raw, q, text)
				}
			}
		}
	})
}
