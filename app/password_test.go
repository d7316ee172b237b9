package app

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

var camille = PasswordContext{Username: "camilles", FirstName: "Camille", LastName: "Nurse", Email: "cnurse@email.xyz"}

func TestCheckPassword(t *testing.T) {
	const (
		common   = "This is a commonly used password."
		commons  = "This password is made of commonly used passwords. Add a few less common words."
		sequence = "This password is a simple sequence or repetition."
		guess    = "This password is too easy to guess. Add another word or two that aren't common."
	)
	tests := []struct {
		pw, msg string
	}{
		// Accepted: long enough and not guessable, whatever the composition.
		{pw: "correct horse battery staple"},
		{pw: "blue mountain river"},
		{pw: "purple elephant dancing"},
		{pw: "tangerine Walrus 42 oboe"},
		{pw: "x7#kQ9!mP2@vL5zR"},
		{pw: "Pässwörd-ünïcode-ok"},
		{pw: strings.Repeat("quartz vivid ", 9) + "xylophone"},
		// Length, counted in characters.
		{pw: "", msg: "Enter a password of at least 15 characters."},
		{pw: "Tr0ub4dor&3", msg: "Use at least 15 characters — 11 so far."},
		{pw: "camillesecret", msg: "Use at least 15 characters — 13 so far."},
		{pw: "日本語のパスワードです長い", msg: "Use at least 15 characters — 13 so far."}, // 39 bytes
		{pw: "日本語のパスワードで、とても長いです", msg: ""},
		{pw: strings.Repeat("quartz vivid ", 10) + "xylophone", msg: "Use at most 128 characters — this one has 139."},
		{pw: "correct\thorse battery", msg: "The password can't contain tabs, line breaks or other hidden characters."},
		// Common passwords, with trivial padding, repeated or in l33t.
		{pw: "password12345678", msg: common},
		{pw: "Password!!!!!!!!", msg: common},
		{pw: "iloveyou1234567", msg: common},
		{pw: "12345monkey12345", msg: common},
		{pw: "letmeinletmein1", msg: common},
		{pw: "p@ssw0rdp@ssw0rd1", msg: common},
		{pw: "p@ssw0rdp@ssw0rdp@ssw0rdp@ssw0rd!", msg: common}, // longer than the l33t matcher runs
		{pw: "trustno1trustno1trustno1trustno1", msg: common},
		{pw: "qwertyuiopasdfg", msg: commons},
		{pw: "summer vacation", msg: commons},
		// Sequences and repetition.
		{pw: "aaaaaaaaaaaaaaa", msg: sequence},
		{pw: "123456789012345", msg: sequence},
		{pw: "abcdefghijklmno", msg: sequence},
		{pw: "zyxwvutsrqponmlk", msg: sequence},
		{pw: "abababababababab", msg: sequence},
		{pw: strings.Repeat("1234567890", 6) + "ab" + strings.Repeat("0987654321", 6), msg: sequence},
		{pw: "abcdxyzabcdxyzab", msg: sequence},
		{pw: strings.Repeat("12", 31) + "ab" + strings.Repeat("21", 32), msg: sequence},
		// Guessable for other reasons.
		{pw: "Dragon839201746", msg: guess},
		// Personal information, ignoring case and punctuation.
		{pw: "xCAMILLESx-horse-battery", msg: "The password contains the username."},
		{pw: "walrus camille tangerine", msg: "The password contains the first name."},
		{pw: "walrus tangerine NURSE oboe", msg: "The password contains the last name."},
		{pw: "walrus tangerine c-nurse oboe", msg: "The password contains the last name."},
		{pw: "my cnurse walrus tangerine", msg: "The password contains the last name."},
		{pw: "StaffDesk walrus tangerine", msg: "The password contains the name of this app."},
	}
	for _, tt := range tests {
		err := CheckPassword(tt.pw, tt.pw, camille)
		if tt.msg == "" {
			if err != nil {
				t.Errorf("CheckPassword(%q) = %v, want nil", tt.pw, err)
			}
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldPassword); msg != tt.msg {
			t.Errorf("CheckPassword(%q) message = %q, want %q", tt.pw, msg, tt.msg)
		}
		if _, ok := ErrorFields(err)[FieldConfirmPassword]; ok {
			t.Errorf("CheckPassword(%q): confirmation flagged though it matches", tt.pw)
		}
	}
}

func TestCheckPasswordEmailLocalPart(t *testing.T) {
	pc := PasswordContext{Username: "jamie_demo_staff", FirstName: "Jamie", LastName: "Tester", Email: "jdt.front@example.com"}
	err := CheckPassword("walrus jdtfront tangerine", "walrus jdtfront tangerine", pc)
	if msg := ruleFieldMessage(t, err, FieldPassword); msg != "The password contains the first part of the email address." {
		t.Errorf("message = %q", msg)
	}
	// Separators are ignored only where the account's own value has them.
	pc = PasswordContext{Username: "mchen", FirstName: "Mei", LastName: "Chen", Email: "mei.chen@example.com"}
	for pw, want := range map[string]string{
		"time in the meadow":        "",
		"walrus MeiChen tangerine":  "The password contains the first name.",
		"walrus mei_chen tangerine": "The password contains the first name.",
		"walrus m-chen tangerine":   "The password contains the last name.",
		"walrus mei chen tangerine": "The password contains the first name.",
	} {
		if got := ErrorFields(CheckPassword(pw, pw, pc))[FieldPassword]; got != want {
			t.Errorf("CheckPassword(%q) = %q, want %q", pw, got, want)
		}
	}
	if got := personalProblem("walrus m e i c h e n", pc); got != "The password contains the first part of the email address." {
		t.Errorf("spaced-out email name: %q", got)
	}
	// Short names don't count: "Al" may be part of any word.
	pc = PasswordContext{Username: "alw", FirstName: "Al", LastName: "Li", Email: "al@example.com"}
	if err := CheckPassword("Valiant walrus tangerine", "Valiant walrus tangerine", pc); err != nil {
		t.Errorf("two-letter names: %v", err)
	}
}

func TestCheckPasswordConfirm(t *testing.T) {
	const good = "correct horse battery staple"
	if err := CheckPassword(good, good, camille); err != nil {
		t.Fatalf("matching: %v", err)
	}
	err := CheckPassword(good, good+" ", camille)
	if msg := ruleFieldMessage(t, err, FieldConfirmPassword); msg != "The passwords don't match." {
		t.Errorf("mismatch message = %q", msg)
	}
	if ErrorFields(err)[FieldPassword] != "" {
		t.Errorf("a good password was flagged: %v", err)
	}
	err = CheckPassword(good, "", camille)
	if msg := ruleFieldMessage(t, err, FieldConfirmPassword); msg != "Enter the password again to confirm it." {
		t.Errorf("empty confirmation message = %q", msg)
	}
	// Both fields wrong: both reported.
	err = CheckPassword("short", "shorter", camille)
	ruleFieldMessage(t, err, FieldPassword)
	ruleFieldMessage(t, err, FieldConfirmPassword)
	if err := CheckPassword("", "", camille); ErrorFields(err)[FieldConfirmPassword] != "" {
		t.Errorf("empty form: confirmation flagged: %v", err)
	}
}

// TestPasswordNotInErrors makes sure no message quotes the password or its confirmation.
func TestPasswordNotInErrors(t *testing.T) {
	for _, pw := range []string{
		"Tr0ub4dor&3", "password12345678", "aaaaaaaaaaaaaaa", "xCAMILLESx-horse-battery",
		"Dragon839201746", "summer vacation", strings.Repeat("zebra", 30), "walrus\tsecret stuff",
	} {
		for _, confirm := range []string{pw, "mismatch-" + pw, ""} {
			err := CheckPassword(pw, confirm, camille)
			if err == nil {
				continue
			}
			text := err.Error() + ErrorMessage(err)
			for _, m := range ErrorFields(err) {
				text += m
			}
			if strings.Contains(text, pw) || confirm != "" && strings.Contains(text, confirm) {
				t.Errorf("error for %q quotes it: %s", pw, text)
			}
		}
		if s := PasswordStrength(pw, camille); strings.Contains(s.Hint, pw) {
			t.Errorf("hint for %q quotes it: %s", pw, s.Hint)
		}
	}
}

func TestPasswordStrength(t *testing.T) {
	tests := []struct {
		pw    string
		score int
		label string
		hint  bool
	}{
		{"", 0, "Too short", true},
		{"correct horse", 0, "Too short", true},
		{"aaaaaaaaaaaaaaa", 0, "Very weak", true},
		{"summer vacation", 1, "Weak", true},
		{"Dragon839201746", 2, "Fair", true},
		{"walrus camille tangerine", 0, "Very weak", true}, // refused: capped whatever zxcvbn says
		{"blue mountain river", 3, "Strong", false},
		{"correct horse battery staple", 4, "Very strong", false},
	}
	for _, tt := range tests {
		s := PasswordStrength(tt.pw, camille)
		if s.Score != tt.score || s.Label != tt.label || (s.Hint != "") != tt.hint {
			t.Errorf("PasswordStrength(%q) = %+v, want score %d %q hint %v", tt.pw, s, tt.score, tt.label, tt.hint)
		}
	}
	// The meter and the check agree: Strong or better exactly when accepted.
	for _, tt := range tests {
		s := PasswordStrength(tt.pw, camille)
		accepted := CheckPassword(tt.pw, tt.pw, camille) == nil
		if accepted != (s.Score >= 3) {
			t.Errorf("%q: accepted %v but score %d", tt.pw, accepted, s.Score)
		}
	}
	// Fast enough for every keystroke, in the worst cases: the l33t matcher at its
	// longest, and the longest password allowed. (About 15 ms each on an idle machine;
	// the bound leaves room for a busy test run.)
	l33t := strings.Repeat("4@8(3610!|1!7+$5%2", 10)
	for _, pw := range []string{
		l33t[:maxL33tLen], l33t[:maxPasswordLen],
		strings.Repeat("!", 60) + "password" + strings.Repeat("!", 60),  // longest padding
		strings.Repeat("!", 60) + "dragonfly" + strings.Repeat("?", 59), // and not common
	} {
		start := time.Now()
		PasswordStrength(pw, camille)
		if d := time.Since(start); d > 250*time.Millisecond {
			t.Errorf("PasswordStrength on %d characters took %v", len(pw), d)
		}
	}
	if s := PasswordStrength(l33t, camille); s.Score != 0 || !strings.Contains(s.Hint, "at most 128") {
		t.Errorf("too long: %+v", s)
	}
}

func TestHashPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not in the expected PHC form", h1)
	}
	if strings.Contains(h1, pw) {
		t.Error("hash contains the password")
	}
	hp, err := ParseHashParams(h1)
	if err != nil {
		t.Fatal(err)
	}
	if want := (HashParams{Memory: 19456, Iterations: 2, Threads: 1, SaltLen: 16, KeyLen: 32}); hp != want {
		t.Errorf("params = %+v, want %+v", hp, want)
	}

	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Error("two hashes of the same password are equal: the salt is not random")
	}

	for _, tt := range []struct {
		hash, pw string
		want     bool
	}{
		{h1, pw, true},
		{h2, pw, true},
		{h1, "Correct horse battery staple", false},
	} {
		ok, err := VerifyPassword(tt.hash, tt.pw)
		if err != nil || ok != tt.want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
		}
	}
}

func TestHashPasswordNormalizes(t *testing.T) {
	composed, decomposed := "caf\u00e9 walrus tangerine", "cafe\u0301 walrus tangerine"
	h, err := HashPassword(composed)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(h, decomposed); err != nil || !ok {
		t.Errorf("decomposed é does not verify: %v, %v", ok, err)
	}
}

func TestVerifyPasswordUsesStoredParams(t *testing.T) {
	// A hash made with other parameters (m=8192, t=3, p=2) for "walrus".
	salt := []byte("0123456789abcdef")
	encoded := "$argon2id$v=19$m=8192,t=3,p=2$" + hashTestB64(salt) + "$" + hashTestB64(argon2.IDKey([]byte("walrus"), salt, 3, 8192, 2, 24))
	hp, err := ParseHashParams(encoded)
	if err != nil {
		t.Fatal(err)
	}
	if hp != (HashParams{Memory: 8192, Iterations: 3, Threads: 2, SaltLen: 16, KeyLen: 24}) {
		t.Errorf("params = %+v", hp)
	}
	if ok, err := VerifyPassword(encoded, "walrus"); err != nil || !ok {
		t.Errorf("VerifyPassword with stored params = %v, %v", ok, err)
	}
}

func TestParseHashParamsRefuses(t *testing.T) {
	s := hashTestB64([]byte("0123456789abcdef"))
	k := hashTestB64(make([]byte, 32))
	for _, bad := range []string{
		"",
		"correct horse battery staple",
		"$2a$10$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui", // bcrypt
		"$argon2i$v=19$m=19456,t=2,p=1$" + s + "$" + k,
		"$argon2id$v=16$m=19456,t=2,p=1$" + s + "$" + k,
		"$argon2id$v=19$m=19456,t=2$" + s + "$" + k,
		"$argon2id$v=19$t=2,m=19456,p=1$" + s + "$" + k,
		"$argon2id$v=19$m=19456,t=0,p=1$" + s + "$" + k,
		"$argon2id$v=19$m=19456,t=2,p=0$" + s + "$" + k,
		"$argon2id$v=19$m=4294967295,t=2,p=1$" + s + "$" + k, // 4 TiB
		"$argon2id$v=19$m=19456,t=2,p=1$" + s + "==$" + k,
		"$argon2id$v=19$m=19456,t=2,p=1$" + s + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$" + s + "$" + k + "$",
	} {
		if _, err := ParseHashParams(bad); err == nil {
			t.Errorf("ParseHashParams(%q) accepted", bad)
		}
		if ok, err := VerifyPassword(bad, "walrus"); err == nil || ok {
			t.Errorf("VerifyPassword(%q) = %v, %v", bad, ok, err)
		}
	}
}

func TestPaddedCommonPassword(t *testing.T) {
	for pw, want := range map[string]bool{
		"password12345678":     true,
		"!!!!!!!monkey!!!!!!!": true,
		"2024dragon2024":       true,
		"Sunshine123123123":    true,
		"4dmin4dmin4dmin":      true,
		"dragon839201746":      false, // random digits are no trivial padding
		"dragonfly meadow":     false,
		"123456789012345":      false,
	} {
		if got := isPaddedCommonPassword(pw); got != want {
			t.Errorf("isPaddedCommonPassword(%q) = %v, want %v", pw, got, want)
		}
	}
}

func hashTestB64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }

// TestCheckPassword_InvalidUTF8: a password that is not valid text is refused with a
// message under the password field (it could not be typed again the same way, and
// NFKC would change it before hashing), and the message does not quote it.
func TestCheckPassword_InvalidUTF8(t *testing.T) {
	for _, pw := range []string{"correct horse \xff battery staple", "\xc3\x28 violet tractor morning lamp", strings.Repeat("\x80", 20)} {
		err := CheckPassword(pw, pw, PasswordContext{Username: "camilles"})
		msg := ErrorFields(err)[FieldPassword]
		if msg == "" {
			t.Errorf("CheckPassword(%q) = %v; want a message under the password", pw, err)
		} else if strings.Contains(err.Error(), pw) {
			t.Errorf("the message quotes the password: %v", err)
		}
		if s := PasswordStrength(pw, PasswordContext{}); s.Score > 0 || s.Hint == "" {
			t.Errorf("PasswordStrength(%q) = %+v", pw, s)
		}
	}
}
