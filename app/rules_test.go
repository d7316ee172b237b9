package app

import (
	"strings"
	"testing"
)

// ruleFieldMessage returns the message err carries for field, failing the test when err is
// not an EINVALID *Error about that field.
func ruleFieldMessage(t *testing.T, err error, field string) string {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error about %s, got nil", field)
	}
	if code := ErrorCode(err); code != EINVALID {
		t.Fatalf("code = %q, want %q (%v)", code, EINVALID, err)
	}
	msg, ok := ErrorFields(err)[field]
	if !ok || msg == "" {
		t.Fatalf("no message for field %s in %v", field, err)
	}
	return msg
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		in, want, msg string
	}{
		{in: "Camille", want: "Camille"},
		{in: "  Jamie  ", want: "Jamie"},
		{in: "Mary-Ann O'Brien", want: "Mary-Ann O'Brien"},
		{in: "José Ñúñez", want: "José Ñúñez"},
		{in: strings.Repeat("é", 100), want: strings.Repeat("é", 100)},
		{in: "", msg: "Enter a last name."},
		{in: " \t ", msg: "Enter a last name."},
		{in: strings.Repeat("a", 101), msg: "A last name can be at most 100 characters; this one has 101."},
		{in: "Cam\nille", msg: "A last name can't contain tabs, line breaks or other hidden characters."},
		{in: "Cam\tille", msg: "A last name can't contain tabs, line breaks or other hidden characters."},
		{in: "Cam\rille", msg: "A last name can't contain tabs, line breaks or other hidden characters."},
		{in: "Cam\x00ille", msg: "A last name can't contain tabs, line breaks or other hidden characters."},
		{in: "evil\u202Eeman", msg: "A last name can't contain tabs, line breaks or other hidden characters."},
		{in: "bad\xffutf8", msg: "A last name can't contain tabs, line breaks or other hidden characters."},
	}
	for _, tt := range tests {
		got, err := CheckName(FieldLastName, "last name", tt.in)
		if tt.msg == "" {
			if err != nil || got != tt.want {
				t.Errorf("CheckName(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldLastName); msg != tt.msg {
			t.Errorf("CheckName(%q) message = %q, want %q", tt.in, msg, tt.msg)
		}
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		label, in string
		max       int
		required  bool
		want, msg string
	}{
		{"suffix", "", 20, false, "", ""},
		{"suffix", "  Jr. ", 20, false, "Jr.", ""},
		{"credentials", "MD, FACP", 60, false, "MD, FACP", ""},
		{"office name", "", 100, true, "", "Enter an office name."},
		{"office name", "Main Street Clinic", 100, true, "Main Street Clinic", ""},
		{"suffix", "Jr.\n", 20, false, "Jr.", ""}, // trailing line break is trimmed
		{"suffix", "J\nr", 20, false, "", "A suffix can't contain tabs, line breaks or other hidden characters."},
		{"suffix", strings.Repeat("x", 21), 20, false, "", "A suffix can be at most 20 characters; this one has 21."},
	}
	for _, tt := range tests {
		got, err := CheckText(FieldSuffix, tt.label, tt.in, tt.max, tt.required)
		if tt.msg == "" {
			if err != nil || got != tt.want {
				t.Errorf("CheckText(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldSuffix); msg != tt.msg {
			t.Errorf("CheckText(%q) message = %q, want %q", tt.in, msg, tt.msg)
		}
	}
}

func TestCheckAddress(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "", want: ""},
		{in: " \n \r\n ", want: ""},
		{in: "12 Main St\nSuite 4\nSpringfield, IL 62701", want: "12 Main St\nSuite 4\nSpringfield, IL 62701"},
		{in: "  12 Main St  \r\n\r\n  Springfield, IL 62701\n", want: "12 Main St\nSpringfield, IL 62701"},
		{in: "12 Main St\tSuite 4", bad: true},
		{in: "12 Main St\x07", bad: true},
		{in: strings.Repeat("a", 300), want: strings.Repeat("a", 300)},
		{in: strings.Repeat("a", 301), bad: true},
	}
	for _, tt := range tests {
		got, err := CheckAddress(FieldAddress, tt.in)
		if tt.bad {
			ruleFieldMessage(t, err, FieldAddress)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CheckAddress(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckUsername(t *testing.T) {
	const rule = "Usernames use 3–32 letters, digits, dots, underscores or hyphens."
	tests := []struct {
		in, want, msg string
	}{
		{in: "camilles", want: "camilles"},
		{in: "marcusstaff", want: "marcusstaff"},
		{in: "jamie_demo_staff", want: "jamie_demo_staff"},
		{in: "  J.Doe-2 ", want: "J.Doe-2"},
		{in: "abc", want: "abc"},
		{in: strings.Repeat("a", 32), want: strings.Repeat("a", 32)},
		{in: "", msg: "Enter a username."},
		{in: "ab", msg: rule},
		{in: strings.Repeat("a", 33), msg: rule},
		{in: "jamie doe", msg: rule},
		{in: "jamie@example.com", msg: rule},
		{in: "josé", msg: rule},
		{in: "cam\tilles", msg: rule},
	}
	for _, tt := range tests {
		got, err := CheckUsername(tt.in)
		if tt.msg == "" {
			if err != nil || got != tt.want {
				t.Errorf("CheckUsername(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldUsername); msg != tt.msg {
			t.Errorf("CheckUsername(%q) message = %q, want %q", tt.in, msg, tt.msg)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	good := []struct{ in, want string }{
		{"camilles@email.xyz", "camilles@email.xyz"},
		{"cnurse@email.xyz", "cnurse@email.xyz"},
		{"jamie_demo_staff@example.com", "jamie_demo_staff@example.com"},
		{"  Jamie.Doe+billing@Example.COM ", "Jamie.Doe+billing@example.com"},
		{"a@mail.example.co.uk", "a@mail.example.co.uk"},
	}
	for _, tt := range good {
		got, err := CheckEmail(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"",
		"jamie",
		"jamie@",
		"@example.com",
		"jamie@localhost",
		"jamie@.example.com",
		"jamie@example.com.",
		"jamie@example..com",
		"jamie@[192.168.0.1]",
		"Jamie Doe <jamie@example.com>",
		"<jamie@example.com>",
		"jamie@example.com, pat@example.com",
		"jamie@example.com (Jamie)",
		`"jamie doe"@example.com`,
		"ja mie@example.com",
		"jamie@exa\nmple.com",
		"jamie\t@example.com",
		"...@...",
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com", // 255 characters
	}
	for _, in := range bad {
		got, err := CheckEmail(in)
		msg := ruleFieldMessage(t, err, FieldEmail)
		if got != "" {
			t.Errorf("CheckEmail(%q) returned %q with %q", in, got, msg)
		}
	}
	if msg := ruleFieldMessage(t, func() error { _, err := CheckEmail(""); return err }(), FieldEmail); msg != "Enter an email address." {
		t.Errorf("empty email message = %q", msg)
	}
}

func TestEmailLocalPart(t *testing.T) {
	for in, want := range map[string]string{
		"camilles@email.xyz":   "camilles",
		" jamie.doe@x.org ":    "jamie.doe",
		"no-at-sign":           "",
		"":                     "",
		"odd@part@example.com": "odd@part",
	} {
		if got := EmailLocalPart(in); got != want {
			t.Errorf("EmailLocalPart(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckName_InvisibleNames: a name that is only a zero-width space, or hides one
// ("Ad\u200bmin" reads as "Admin"), is refused, and so is a name with no letter; the
// joiners Persian and the Indic scripts spell with are kept.
func TestCheckName_InvisibleNames(t *testing.T) {
	const hidden = "A first name can't contain tabs, line breaks or other hidden characters."
	const noLetter = "A first name must contain at least one letter."
	tests := []struct{ in, want, msg string }{
		{in: "\u200b", msg: hidden},
		{in: "Ad\u200bmin", msg: hidden},
		{in: "Ad\u200dmin", msg: hidden},
		{in: "Ad\u200cmin", msg: hidden},
		{in: "Ad\u00admin", msg: hidden},
		{in: "\u200eAdmin", msg: hidden},
		{in: "Admin\u200f", msg: hidden},
		{in: "\ufeffAdmin", msg: hidden},
		{in: "Ad\u2060min", msg: hidden},
		{in: "Ad\u034fmin", msg: hidden},     // combining grapheme joiner
		{in: "\u3164", msg: hidden},          // Hangul filler: a "letter" that shows nothing
		{in: "Admin\ufe0f", msg: hidden},     // a variation selector on a letter
		{in: "Ad\U000E0041min", msg: hidden}, // a tag character
		{in: "\u2800", msg: noLetter},        // braille blank
		{in: "—", msg: noLetter},
		{in: "\u0301", msg: noLetter},
		{in: "123", msg: noLetter},
		{in: strings.Repeat("👩\u200d⚕\ufe0f", 25), msg: noLetter},
		{in: "Jose\u0301", want: "José"},             // NFD is stored as NFC
		{in: "جهان\u200cبخش", want: "جهان\u200cبخش"}, // Persian spells with ZWNJ
		{in: "क्\u200dष", want: "क्\u200dष"},         // Devanagari half form
		{in: "Ana 👩\u200d⚕\ufe0f", want: "Ana 👩\u200d⚕\ufe0f"},
	}
	for _, tt := range tests {
		got, err := CheckName(FieldFirstName, "first name", tt.in)
		if tt.msg == "" {
			if err != nil || got != tt.want {
				t.Errorf("CheckName(%+q) = %+q, %v; want %+q", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckName(%+q) accepted %+q", tt.in, got)
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldFirstName); msg != tt.msg {
			t.Errorf("CheckName(%+q) message = %q, want %q", tt.in, msg, tt.msg)
		}
	}
	// The same for the directory's names, checked by CheckText.
	for _, in := range []string{"\u200b", "Main\u200b Street", "Front\u00adDesk"} {
		if _, err := CheckText(FieldName, "office name", in, 100, true); err == nil {
			t.Errorf("CheckText(%+q) accepted it", in)
		}
	}
}
