package app

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fuzz targets for every validator and normaliser of the practice's input. Each
// asserts properties that must hold for any input, not only for the examples in the
// tests: an accepted value is accepted again unchanged (normalising is idempotent),
// it obeys the rule the validator promises, and nothing panics. The seed corpora in
// testdata/fuzz/ hold the look-alikes and edge cases found so far; `make fuzz-short`
// runs each target for a few seconds in CI, `make fuzz` for longer.

// lookAlikeSeeds are the look-alikes of an existing email and a few more.
var lookAlikeSeeds = []string{
	"jörg.café@praxis-müller.example",
	"jo\u0308rg.cafe\u0301@praxis-mu\u0308ller.example",
	"JÖRG.CAFÉ@PRAXIS-MÜLLER.EXAMPLE",
	"jörg.c\u0430fé@praxis-müller.example",
	"jörg.café@pr\u0430xis-müller.example",
	"\uff4a\u00f6\uff52\uff47.café@praxis-müller.example",
	"jörg.café@praxis-müller.example\u3002",
	"jörg\u200b.café@praxis-müller.example",
	"jörg.café@praxis-mül\u00adler.example",
	"\u200ejörg.café@praxis-müller.example\u200f",
	"jörg.café@xn--praxis-mller-klb.example",
	"иван.петров@почта.рф",
	"山田@例え.jp",
	"camilles@email.xyz",
	"Jamie <jamie@example.com>",
	"a@b.c",
	"\"quoted local\"@example.com",
	"user@[127.0.0.1]",
	"user@xn--zz.example",
	"ﬁnance@example.com",
	"𝐣amie@example.com",
}

func FuzzCheckEmail(f *testing.F) {
	for _, s := range lookAlikeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CheckEmail(in)
		if err != nil {
			if ErrorFields(err)[FieldEmail] == "" {
				t.Fatalf("CheckEmail(%+q) refused it without a message under the email: %v", in, err)
			}
			return
		}
		if again, err := CheckEmail(out); err != nil || again != out {
			t.Fatalf("CheckEmail(%+q) = %+q, but CheckEmail of that = %+q, %v", in, out, again, err)
		}
		if !utf8.ValidString(out) || !norm.NFC.IsNormalString(out) || hasHiddenText(out) {
			t.Fatalf("CheckEmail(%+q) = %+q: not NFC or holds hidden characters", in, out)
		}
		at := strings.LastIndexByte(out, '@')
		if at < 1 {
			t.Fatalf("CheckEmail(%+q) = %+q: no local part", in, out)
		}
		if _, _, _, mixed := mixedScripts(out[:at]); mixed {
			t.Fatalf("CheckEmail(%+q) = %+q mixes scripts", in, out)
		}
		key := EmailKey(out)
		if EmailKey(in) != key {
			t.Fatalf("EmailKey(%+q) = %+q, but the key of its normal form %+q is %+q", in, EmailKey(in), out, key)
		}
		if EmailKey(key) != key {
			t.Fatalf("EmailKey is not idempotent: %+q -> %+q -> %+q", out, key, EmailKey(key))
		}
		if isASCII(out) && EmailKey(strings.ToUpper(out)) != key {
			t.Fatalf("the key of %+q in capitals is %+q, not %+q", out, EmailKey(strings.ToUpper(out)), key)
		}
	})
}

func FuzzCheckUsername(f *testing.F) {
	for _, s := range []string{"camilles", "jamie.doe", "JAMIE.DOE", "\uff4aamie", "j\u0430mie", "ja\u200bmie", "ab", "a_b-c.d", strings.Repeat("x", 33), "ǅemal"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CheckUsername(in)
		if err != nil {
			if ErrorFields(err)[FieldUsername] == "" {
				t.Fatalf("CheckUsername(%+q): %v", in, err)
			}
			return
		}
		if again, err := CheckUsername(out); err != nil || again != out {
			t.Fatalf("CheckUsername(%+q) = %+q, then %+q, %v", in, out, again, err)
		}
		if len(out) < 3 || len(out) > 32 || strings.IndexFunc(out, func(r rune) bool { return !isUsernameRune(r) }) >= 0 {
			t.Fatalf("CheckUsername(%+q) = %+q breaks the rule", in, out)
		}
		key := UsernameKey(out)
		if key != strings.ToLower(out) || UsernameKey(key) != key || UsernameKey(in) != key {
			t.Fatalf("UsernameKey(%+q) = %+q (of the input %+q, of the key %+q)", out, key, UsernameKey(in), UsernameKey(key))
		}
	})
}

func FuzzUsernameKey(f *testing.F) {
	for _, s := range []string{"Camilles", "ＪＡＭＩＥ", "jamie", "ǅ", "ß", "İstanbul", "\u200b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k := UsernameKey(in)
		if strings.TrimSpace(in) == "" && k != "" {
			t.Fatalf("UsernameKey(%+q) = %+q, want \"\"", in, k)
		}
		if utf8.ValidString(in) && !utf8.ValidString(k) {
			t.Fatalf("UsernameKey(%+q) = %+q: not valid UTF-8", in, k)
		}
	})
}

func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"Camille", "  Jamie  ", "Mary-Ann O'Brien", "José", "Jose\u0301", "\u200b", "Ad\u200bmin",
		"جهان\u200cبخش", "क्\u200dष", "👩\u200d⚕\ufe0f", "Ana 👩\u200d⚕\ufe0f", "\u3164", "—", "\u2800", "evil\u202eeman",
		strings.Repeat("é", 101), "bad\xffutf8", "Cam\tille"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CheckName(FieldFirstName, "first name", in)
		if err != nil {
			if ErrorFields(err)[FieldFirstName] == "" {
				t.Fatalf("CheckName(%+q): %v", in, err)
			}
			return
		}
		if again, err := CheckName(FieldFirstName, "first name", out); err != nil || again != out {
			t.Fatalf("CheckName(%+q) = %+q, then %+q, %v", in, out, again, err)
		}
		switch {
		case !utf8.ValidString(out), !norm.NFC.IsNormalString(out), strings.TrimSpace(out) != out:
			t.Fatalf("CheckName(%+q) = %+q: not trimmed, valid NFC", in, out)
		case hasHiddenText(out):
			t.Fatalf("CheckName(%+q) = %+q holds hidden characters", in, out)
		case strings.IndexFunc(out, isVisibleLetter) < 0:
			t.Fatalf("CheckName(%+q) = %+q has no letter", in, out)
		case utf8.RuneCountInString(out) > MaxNameLen:
			t.Fatalf("CheckName(%+q) = %+q is longer than %d", in, out, MaxNameLen)
		}
	})
}

func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"Main Street Clinic", "MD, FACP", "Jr.\n", "J\nr", "\u200b", "Front\u00adDesk", "42", ""} {
		f.Add(s, 20, false)
	}
	f.Fuzz(func(t *testing.T, in string, max int, required bool) {
		max = 1 + abs(max)%200
		out, err := CheckText(FieldName, "office name", in, max, required)
		if err != nil {
			if ErrorFields(err)[FieldName] == "" {
				t.Fatalf("CheckText(%+q): %v", in, err)
			}
			return
		}
		if out == "" {
			if required || strings.TrimSpace(in) != "" {
				t.Fatalf("CheckText(%+q, required %v) = \"\"", in, required)
			}
			return
		}
		if again, err := CheckText(FieldName, "office name", out, max, required); err != nil || again != out {
			t.Fatalf("CheckText(%+q) = %+q, then %+q, %v", in, out, again, err)
		}
		if hasHiddenText(out) || strings.IndexFunc(out, isVisible) < 0 || utf8.RuneCountInString(out) > max {
			t.Fatalf("CheckText(%+q, %d) = %+q breaks the rule", in, max, out)
		}
	})
}

func FuzzCheckAddress(f *testing.F) {
	for _, s := range []string{"12 Main St\nSuite 4\nSpringfield, IL 62701", "  12 Main St  \r\n\r\n  Springfield\n", "12 Main\tSt", "Main\u200bSt", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CheckAddress(FieldAddress, in)
		if err != nil {
			return
		}
		if again, err := CheckAddress(FieldAddress, out); err != nil || again != out {
			t.Fatalf("CheckAddress(%+q) = %+q, then %+q, %v", in, out, again, err)
		}
		if strings.Contains(out, "\r") || strings.Contains(out, "\n\n") || utf8.RuneCountInString(out) > maxAddressLen {
			t.Fatalf("CheckAddress(%+q) = %+q", in, out)
		}
	})
}

func FuzzCheckPhone(f *testing.F) {
	for _, s := range []string{"(212) 555-0123", "+44 20 7946 0958", "212-555-0123 x12", "555-FLOWERS", "( ) - -", "12", "+1 212 555 0199", "２１２５５５０１２３", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CheckPhone(FieldCellPhone, in)
		if err != nil {
			if ErrorFields(err)[FieldCellPhone] == "" {
				t.Fatalf("CheckPhone(%+q): %v", in, err)
			}
			return
		}
		if out == "" {
			return
		}
		if out[0] != '+' || !isDigits(out[1:]) {
			t.Fatalf("CheckPhone(%+q) = %+q: not E.164", in, out)
		}
		if again, err := CheckPhone(FieldCellPhone, out); err != nil || again != out {
			t.Fatalf("CheckPhone(%+q) = %+q, then %+q, %v", in, out, again, err)
		}
		if shown := FormatPhone(out); shown == "" {
			t.Fatalf("FormatPhone(%+q) = \"\"", out)
		} else if back, err := CheckPhone(FieldCellPhone, shown); err != nil || back != out {
			t.Fatalf("FormatPhone(%+q) = %+q reads back as %+q, %v", out, shown, back, err)
		}
	})
}

func FuzzCheckNPI(f *testing.F) {
	for _, s := range []string{"1234567893", "1234567890", "2 234 567 891", "0123456789", "12345678", "１２３４５６７８９３", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CheckNPI(FieldNPI, in)
		if err != nil {
			if ValidNPI(strings.Join(strings.Fields(in), "")) {
				t.Fatalf("CheckNPI(%+q) refused a valid NPI: %v", in, err)
			}
			return
		}
		if out == "" {
			return
		}
		if !ValidNPI(out) || len(out) != 10 || !allDigits(out) {
			t.Fatalf("CheckNPI(%+q) = %+q, not a valid NPI", in, out)
		}
		// One digit changed is always caught by the check digit.
		for i := range out {
			for d := byte('0'); d <= '9'; d++ {
				if d != out[i] && ValidNPI(out[:i]+string(d)+out[i+1:]) {
					t.Fatalf("%s and %s are both valid", out, out[:i]+string(d)+out[i+1:])
				}
			}
		}
	})
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"ABCDE-12345", "abcde 12345", "oilOIL-0000", "ABCDE-1234U", "ＡＢＣＤＥ12345", "ABCDE\u00a012345", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := NormalizeCode(in)
		if !ok {
			if out != "" {
				t.Fatalf("NormalizeCode(%+q) = %+q, false", in, out)
			}
			return
		}
		if len(out) != codeLength || strings.Trim(out, crockford) != "" {
			t.Fatalf("NormalizeCode(%+q) = %+q: not %d characters of the alphabet", in, out, codeLength)
		}
		if again, ok := NormalizeCode(out); !ok || again != out {
			t.Fatalf("NormalizeCode(%+q) = %+q, then %+q, %v", in, out, again, ok)
		}
		if lower, ok := NormalizeCode(strings.ToLower(out[:5]) + "-" + out[5:]); !ok || lower != out {
			t.Fatalf("NormalizeCode of %+q as typed in lower case = %+q, %v", out, lower, ok)
		}
	})
}

// FuzzCheckPassword covers the password rules (not the hash, which is slow on
// purpose): the strength meter and CheckPassword agree, invalid UTF-8 is refused, and
// a refused password is never quoted.
func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"correct horse battery staple", "Password!!!!!!!", "12121212121212121", "Camille-Nurse-Rocks-2026",
		"short", "correct horse \xff battery staple", "correct\thorse battery", "p@ssw0rdp@ssw0rd1", strings.Repeat("ab", 70),
		"Ünïcödé pässwörd wïth ümläüts", "日本語のパスワードはとても長いです"} {
		f.Add(s)
	}
	pc := PasswordContext{Username: "camilles", FirstName: "Camille", LastName: "Nurse", Email: "cnurse@email.xyz"}
	f.Fuzz(func(t *testing.T, pw string) {
		if len(pw) > 4*maxPasswordLen+8 {
			return // longer ones are refused by length before any work
		}
		err := CheckPassword(pw, pw, pc)
		s := PasswordStrength(pw, pc)
		accepted := err == nil
		if accepted != (s.Score >= minPasswordScore && s.Hint == "" && s.Label != "Too short") {
			t.Fatalf("CheckPassword(%+q) = %v but the meter says %+v", pw, err, s)
		}
		if accepted && !utf8.ValidString(pw) {
			t.Fatalf("CheckPassword accepted invalid UTF-8 %+q", pw)
		}
		if !accepted && ErrorFields(err)[FieldPassword] == "" {
			t.Fatalf("CheckPassword(%+q) refused it without a message under the password: %v", pw, err)
		}
		if !accepted && len(pw) >= 6 && strings.ContainsAny(pw, "#$^&*~|<>{}[]\\") && strings.Contains(err.Error(), pw) {
			t.Fatalf("the message quotes the password: %v", err)
		}
		if err := CheckPassword(pw, pw+"x", pc); ErrorFields(err)[FieldConfirmPassword] == "" {
			t.Fatalf("a different confirmation of %+q was not refused: %v", pw, err)
		}
	})
}

// FuzzRenderMail: every email renders for any name, practice and username; the
// subject is one line of valid text; and the HTML escapes what it is given.
func FuzzRenderMail(f *testing.F) {
	f.Add("Camille Staff", "Valley Clinic", "camilles")
	f.Add("<script>alert(1)</script>", "A & B \"Clinic\"", "x")
	f.Add(strings.Repeat("👩\u200d⚕\ufe0f", 25)+" Okafor", strings.Repeat("é", 100), "jamie.doe")
	f.Add("جهان\u200cبخش", "佐藤クリニック", "abc")
	f.Fuzz(func(t *testing.T, name, practice, username string) {
		for _, kind := range mailKinds {
			d := mailData{Practice: practice, Name: name, Username: username, Code: "ABCDE-12345",
				Link: "staffdesk://activate?user=camilles&code=ABCDE-12345", Expires: "Friday, April 10, 2026 at 2:32 PM EDT",
				ValidFor: "3 days", When: "Friday, April 10, 2026 at 2:32 PM EDT", NewEmail: "new@example.com",
				OldEmail: "old@example.com", Server: "smtp.example.com:587"}
			text, html, subject, err := renderMail(kind, d)
			if err != nil {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("%s for %+q: %v", kind, name, err)
				}
				continue
			}
			if text == "" || html == "" || headerTextProblem("subject", subject, 200) != "" {
				t.Fatalf("%s for %+q: text %d bytes, html %d bytes, subject %+q", kind, name, len(text), len(html), subject)
			}
			if strings.Contains(name, "<s") && strings.Contains(html, name) {
				t.Fatalf("%s: the HTML holds the name %+q unescaped", kind, name)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
