package app

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// maxNameLen is the longest first name, last name or other name StaffDesk keeps, in
// characters.
const maxNameLen = 100

// maxAddressLen is the longest office address, in characters, line breaks included.
const maxAddressLen = 300

// maxEmailLen is the longest address SMTP can carry (RFC 5321 path limit less the brackets).
const maxEmailLen = 254

// MaxNameLen is the longest first name, last name or other name StaffDesk keeps, in
// characters. The email builder (package smtp) encodes and folds a To header for any two of
// them, whatever the writing system.
const MaxNameLen = maxNameLen

// CheckName checks a required one-line name such as a first or last name and returns it
// trimmed, in NFC. label names the field in messages ("first name"). Beyond CheckText's
// rules a name must hold at least one letter: "\u200b" or "—" is not a name.
func CheckName(field, label, v string) (string, error) {
	return checkText(field, label, v, maxNameLen, true, "letter", isVisibleLetter)
}

// CheckText checks a one-line free-text field (a suffix, credentials, an office name)
// and returns it trimmed and in NFC: at most max characters, no tabs, line breaks or
// invisible characters (format characters such as the zero-width space, soft hyphen
// or direction marks; a zero-width joiner or non-joiner only where a script like
// Persian or Devanagari spells with it), and something visible. An empty optional
// field is returned as "".
func CheckText(field, label, v string, max int, required bool) (string, error) {
	return checkText(field, label, v, max, required, "letter or digit", isVisible)
}

// checkText is CheckText with what a field must show at least one of.
func checkText(field, label, v string, max int, required bool, what string, visible func(rune) bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return "", FieldError(field, "Enter %s %s.", article(label), label)
		}
		return "", nil
	}
	if !utf8.ValidString(v) || hasHiddenText(v) {
		return "", FieldError(field, "%s can't contain tabs, line breaks or other hidden characters.", capitalize(article(label)+" "+label))
	}
	v = norm.NFC.String(v)
	if strings.IndexFunc(v, visible) < 0 {
		return "", FieldError(field, "%s must contain at least one %s.", capitalize(article(label)+" "+label), what)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", FieldError(field, "%s can be at most %d characters; this one has %d.", capitalize(article(label)+" "+label), max, n)
	}
	return v, nil
}

// hasHiddenText reports a character of s a person can't see or type into a one-line
// field (isHiddenRune, isInvisibleRune), but for a joiner a script spells with.
func hasHiddenText(s string) bool {
	if strings.IndexFunc(s, func(r rune) bool { return isHiddenRune(r) || isInvisibleRune(r) }) < 0 {
		return false
	}
	runes := []rune(s)
	for i, r := range runes {
		if !isHiddenRune(r) && !isInvisibleRune(r) {
			continue
		}
		if (r == '\u200c' || r == '\u200d') && joinerAllowed(runes, i) || inEmoji(runes, i) {
			continue
		}
		return true
	}
	return false
}

// isVisible reports a letter or digit of any script: what makes a field show
// something.
func isVisible(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsNumber(r)) && !isInvisibleRune(r)
}

func isVisibleLetter(r rune) bool { return unicode.IsLetter(r) && !isInvisibleRune(r) }

// CheckAddress checks an optional postal address. Line breaks are kept (Windows line
// ends become plain ones); each line is trimmed and blank lines are dropped.
func CheckAddress(field, v string) (string, error) {
	v = strings.ReplaceAll(v, "\r\n", "\n")
	v = strings.ReplaceAll(v, "\r", "\n")
	var lines []string
	for line := range strings.SplitSeq(v, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	v = strings.Join(lines, "\n")
	if v == "" {
		return "", nil
	}
	if !utf8.ValidString(v) || hasHiddenText(strings.ReplaceAll(v, "\n", " ")) {
		return "", FieldError(field, "An address can't contain tabs or other hidden characters.")
	}
	if n := utf8.RuneCountInString(v); n > maxAddressLen {
		return "", FieldError(field, "An address can be at most %d characters; this one has %d.", maxAddressLen, n)
	}
	return v, nil
}

// CheckUsername checks a username's form and returns it trimmed. Whether it is taken
// (by UsernameKey) is for the service to find out. Usernames are ASCII: a person signs
// in by typing one, and no look-alike of another script or width can hide in it.
func CheckUsername(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", FieldError(FieldUsername, "Enter a username.")
	}
	if len(v) < 3 || len(v) > 32 || strings.IndexFunc(v, func(r rune) bool { return !isUsernameRune(r) }) >= 0 {
		return "", FieldError(FieldUsername, "Usernames use 3–32 letters, digits, dots, underscores or hyphens.")
	}
	return v, nil
}

func isUsernameRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '_' || r == '-'
}

// CheckEmail checks that v is exactly one plain email address (no name, no angle
// brackets) and returns it trimmed, in NFC, with its domain in lower case. Activation
// and reset codes are sent to it, so a typo here locks the staff member out; and an
// address that only looks like another account's would let someone pass for its owner,
// so it refuses invisible characters, full-width and other compatibility forms (not
// mapped: mail goes to exactly the address typed), ideographic full stops, a domain
// that is not a valid internationalised domain name, and a part (the local part, each
// label of the domain) that mixes alphabets, like a Cyrillic "а" among Latin letters.
// EmailKey finds the addresses that differ only in ways a reader can't see.
func CheckEmail(v string) (string, error) {
	const example = "Enter an email address such as jamie@example.com."
	v = strings.TrimSpace(v)
	if v == "" {
		return "", FieldError(FieldEmail, "Enter an email address.")
	}
	if !utf8.ValidString(v) || strings.IndexFunc(v, func(r rune) bool { return isHiddenRune(r) || isInvisibleRune(r) }) >= 0 {
		return "", FieldError(FieldEmail, "An email address can't contain tabs, line breaks or other hidden characters (such as zero-width spaces, soft hyphens or direction marks).")
	}
	v = norm.NFC.String(v)
	if i := strings.IndexFunc(v, isDotLookAlike); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return "", FieldError(FieldEmail, "Use an ordinary dot (.) in an email address, not “%c”.", r)
	}
	if isCompatibilityForm(v) {
		return "", FieldError(FieldEmail, "Type the email address in ordinary letters: “%s” is a full-width or other special form of a character.", firstCompatibilityForm(v))
	}
	if n := utf8.RuneCountInString(v); n > maxEmailLen {
		return "", FieldError(FieldEmail, "An email address can be at most %d characters; this one has %d.", maxEmailLen, n)
	}
	if strings.ContainsAny(v, "<>,;") {
		return "", FieldError(FieldEmail, "Enter just one email address, such as jamie@example.com, without a name or brackets.")
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Name != "" || addr.Address != v {
		return "", FieldError(FieldEmail, example)
	}
	at := strings.LastIndexByte(v, '@')
	local, domain := v[:at], strings.ToLower(v[at+1:])
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.HasPrefix(domain, "[") {
		return "", FieldError(FieldEmail, "The part after the @ must be a domain such as example.com.")
	}
	if a, err := idna.Lookup.ToASCII(domain); err != nil || len(a) > 253 {
		return "", FieldError(FieldEmail, "The part after the @ is not a valid domain name; check its spelling.")
	}
	if odd, oddScript, mainScript, mixed := mixedScripts(local); mixed {
		return "", FieldError(FieldEmail, "The part before the @ mixes %s and %s letters (“%s” is %s), so it would look like another address. Type it in one alphabet.", mainScript, oddScript, odd, oddScript)
	}
	for label := range strings.SplitSeq(domain, ".") {
		if odd, oddScript, mainScript, mixed := mixedScripts(label); mixed {
			return "", FieldError(FieldEmail, "The domain mixes %s and %s letters in “%s” (“%s” is %s), so it would look like another domain. Type it in one alphabet.", mainScript, oddScript, label, odd, oddScript)
		}
	}
	return local + "@" + domain, nil
}

// EmailLocalPart returns the part of an email address before the @, or "" when there
// is no @.
func EmailLocalPart(email string) string {
	email = strings.TrimSpace(email)
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return email[:at]
}

// isHiddenRune reports runes a person can't see or type into a one-line field: control
// characters (tab, CR, LF included), line and paragraph separators, and the bidi
// embedding, override and isolate marks that make a name display as something other
// than what it holds.
func isHiddenRune(r rune) bool {
	switch {
	case unicode.IsControl(r), unicode.In(r, unicode.Zl, unicode.Zp):
		return true
	case 0x202A <= r && r <= 0x202E, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}

// article returns "an" before a label that starts with a vowel sound, otherwise "a".
func article(label string) string {
	if label != "" && strings.ContainsRune("aeiouAEIOU", rune(label[0])) {
		return "an"
	}
	return "a"
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
