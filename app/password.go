package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ccojocar/zxcvbn-go"
	"github.com/ccojocar/zxcvbn-go/frequency"
	"github.com/ccojocar/zxcvbn-go/match"
	"github.com/ccojocar/zxcvbn-go/matching"
	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Password rules follow NIST SP 800-63B-4 for a password used on its own: long enough,
// not on a list of common or guessable ones, nothing about composition.
const (
	minPasswordLen = 15
	maxPasswordLen = 128

	// zxcvbn's l33t matcher grows exponentially with the number of substitutable
	// characters (about 90 ms at 48 characters, 400 ms at 128); above this length it is
	// skipped, and the common-password check below undoes l33t spelling itself.
	maxL33tLen = 32

	// minPasswordScore is the lowest zxcvbn score (0–4) accepted: about 10^8 guesses.
	minPasswordScore = 3
)

// PasswordContext is what is known about the account a password is for; a password
// that contains any of it is refused.
type PasswordContext struct{ Username, FirstName, LastName, Email string }

// CheckPassword checks a new password and its confirmation. Problems are reported
// under FieldPassword and FieldConfirmPassword; no message ever quotes the password.
func CheckPassword(pw, confirm string, pc PasswordContext) error {
	var p Problems
	if _, problem := assessPassword(pw, pc); problem != "" {
		p.Add(FieldPassword, problem)
	}
	if confirm != pw {
		if confirm == "" {
			p.Add(FieldConfirmPassword, "Enter the password again to confirm it.")
		} else {
			p.Add(FieldConfirmPassword, "The passwords don't match.")
		}
	}
	return p.Err()
}

// Strength is what the strength meter shows while a password is typed. Score runs from
// 0 to 4; a password CheckPassword accepts scores 3 or 4, one it refuses at most 2.
// Hint says what is wrong, or is "" when nothing is.
type Strength struct {
	Score int
	Label string
	Hint  string
}

var strengthLabels = [...]string{"Very weak", "Weak", "Fair", "Strong", "Very strong"}

// PasswordStrength rates pw for the strength meter, by the same rules as CheckPassword.
// It takes a few milliseconds (about 15 at worst), so it can run on every keystroke.
func PasswordStrength(pw string, pc PasswordContext) Strength {
	score, problem := assessPassword(pw, pc)
	if utf8.RuneCountInString(pw) < minPasswordLen {
		return Strength{Score: 0, Label: "Too short", Hint: problem}
	}
	return Strength{Score: score, Label: strengthLabels[score], Hint: problem}
}

// assessPassword returns pw's score (0–4) and, when pw must be refused, the reason.
// A password refused for a rule of ours (too long, personal, common) scores 0; one
// refused as guessable keeps zxcvbn's score, which is then at most 2. A password
// longer than allowed is scored on its first maxPasswordLen characters.
func assessPassword(pw string, pc PasswordContext) (score int, problem string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n == 0:
		return 0, fmt.Sprintf("Enter a password of at least %d characters.", minPasswordLen)
	case !utf8.ValidString(pw):
		// Bytes that are no character could not be typed again, and the hash's NFKC
		// would replace them.
		return 0, "The password contains something that is not a character; type it again."
	case n < minPasswordLen:
		return 0, fmt.Sprintf("Use at least %d characters — %d so far.", minPasswordLen, n)
	case strings.IndexFunc(pw, isHiddenRune) >= 0:
		return 0, "The password can't contain tabs, line breaks or other hidden characters."
	case n > maxPasswordLen:
		return 0, fmt.Sprintf("Use at most %d characters — this one has %d.", maxPasswordLen, n)
	}
	if problem = personalProblem(pw, pc); problem != "" {
		return 0, problem
	}
	if isPaddedCommonPassword(pw) {
		return 0, "This is a commonly used password."
	}
	// zxcvbn-go sees neither "12121212…" nor runs that wrap from 9 to 0; no memorable
	// password of this length has fewer than five different characters, or mostly
	// steps of one (or none) from each character to the next.
	if distinctRunes(pw) < 5 || mostlySteps(pw) {
		return 0, "This password is a simple sequence or repetition."
	}

	var filters []func(match.Matcher) bool
	if n > maxL33tLen {
		filters = append(filters, matching.FilterL33tMatcher)
	}
	res := zxcvbn.PasswordStrength(pw, contextWords(pc), filters...)
	score = max(0, min(res.Score, len(strengthLabels)-1))
	if score < minPasswordScore {
		return score, explainWeak(res.MatchSequence)
	}
	return score, ""
}

// contextWords are the account's own words, which zxcvbn treats as a dictionary.
func contextWords(pc PasswordContext) []string {
	var words []string
	for _, w := range []string{pc.Username, pc.FirstName, pc.LastName, EmailLocalPart(pc.Email), "staffdesk"} {
		if w = strings.TrimSpace(w); w != "" {
			words = append(words, w)
		}
	}
	return words
}

// personalProblem says which part of the account pw contains, comparing without
// regard to case, or returns "".
func personalProblem(pw string, pc PasswordContext) string {
	lower := strings.ToLower(pw)
	squeezed := strings.ToLower(onlyLettersDigits(pw))
	for _, c := range []struct{ value, msg string }{
		{pc.Username, "The password contains the username."},
		{pc.FirstName, "The password contains the first name."},
		{pc.LastName, "The password contains the last name."},
		{EmailLocalPart(pc.Email), "The password contains the first part of the email address."},
		{"staffdesk", "The password contains the name of this app."},
	} {
		v := strings.ToLower(strings.TrimSpace(c.value))
		if utf8.RuneCountInString(v) >= 3 && strings.Contains(lower, v) {
			return c.msg
		}
		// "mei.chen" or "Mary Ann" written without or with other separators. Only
		// values that have separators are compared this way: squeezing the password
		// alone would find "Mei" in "time in the meadow".
		if sq := onlyLettersDigits(v); sq != v && utf8.RuneCountInString(sq) >= 3 && strings.Contains(squeezed, sq) {
			return c.msg
		}
	}
	return ""
}

// explainWeak says why zxcvbn rated a password guessable, from the pieces it found.
func explainWeak(seq []match.Match) string {
	var total, common, words, personal, pattern int
	commonTokens := map[string]bool{}
	for _, m := range seq {
		size := max(1, m.J-m.I+1)
		total += size
		switch {
		case m.Pattern == "dictionary" && strings.HasPrefix(m.DictionaryName, "user_inputs"):
			personal += size
		case m.Pattern == "dictionary" && strings.HasPrefix(m.DictionaryName, "Passwords"):
			common += size
			if strings.IndexFunc(m.Token, unicode.IsLetter) >= 0 {
				commonTokens[strings.ToLower(m.Token)] = true
			}
		case m.Pattern == "dictionary":
			words += size
		case m.Pattern != "bruteforce":
			pattern += size // sequence, repeat, spatial (keyboard), date
		}
	}
	random := total - common - words - personal - pattern
	switch {
	case personal > 0:
		return "The password contains a name or word from this account."
	case pattern*3 >= total*2 && random <= 2:
		return "This password is a simple sequence or repetition."
	case common > 0 && words == 0 && random <= 2 && len(commonTokens) <= 1:
		return "This is a commonly used password."
	case common > 0 && words == 0 && random <= 2:
		return "This password is made of commonly used passwords. Add a few less common words."
	}
	return "This password is too easy to guess. Add another word or two that aren't common."
}

// commonPasswords holds the 1,000 most used passwords of zxcvbn's list (most used
// first), lower-cased; maxCommonLen is the length of the longest, in characters.
var commonPasswords, maxCommonLen = func() (map[string]bool, int) {
	list := frequency.Lists["Passwords"].List
	m := make(map[string]bool, 1000)
	longest := 0
	for _, w := range list[:min(1000, len(list))] {
		w = strings.ToLower(w)
		m[w] = true
		longest = max(longest, utf8.RuneCountInString(w))
	}
	return m, longest
}()

// isPaddedCommonPassword reports whether pw is a common password, perhaps repeated or
// spelt in l33t, with only trivial padding before and after it ("Password!!!!!!!",
// "12345monkey12345", "p@ssw0rdp@ssw0rd1"). Every 15-character password is longer
// than the common ones, so this is how they are found.
func isPaddedCommonPassword(pw string) bool {
	r := []rune(strings.ToLower(pw))
	if !slices.ContainsFunc(r, unicode.IsLetter) {
		return false // digits and symbols alone are zxcvbn's to judge
	}
	// Padding is what comes before the first letter and after the last one.
	lead := slices.IndexFunc(r, unicode.IsLetter)
	last := len(r) - 1
	for !unicode.IsLetter(r[last]) {
		last--
	}
	trail := len(r) - 1 - last
	var trailOK []int // suffix lengths that are trivial padding, longest first
	for k := trail; k >= 0; k-- {
		if trivialPadding(r[len(r)-k:]) {
			trailOK = append(trailOK, k)
		}
	}
	for i := lead; i >= 0; i-- {
		if !trivialPadding(r[:i]) {
			continue
		}
		for _, k := range trailOK {
			unit := smallestUnit(r[i : len(r)-k])
			if len(unit) < 3 || len(unit) > maxCommonLen {
				continue
			}
			for _, v := range unl33t(unit) {
				if commonPasswords[v] {
					return true
				}
			}
		}
	}
	return false
}

// mostlySteps reports whether at least 60% of the neighbouring characters in s differ
// by one or not at all, ignoring case and reading 9 and 0 as neighbours: "abcdabcd",
// "1234567890123", "ababab". A passphrase or a random string is far below that.
func mostlySteps(s string) bool {
	r := []rune(strings.ToLower(s))
	steps := 0
	for i := 1; i < len(r); i++ {
		d := r[i] - r[i-1]
		if d >= -1 && d <= 1 || r[i-1] == '9' && r[i] == '0' || r[i-1] == '0' && r[i] == '9' {
			steps++
		}
	}
	return len(r) > 1 && steps*10 >= (len(r)-1)*6
}

// distinctRunes counts the different characters in s, ignoring case.
func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range strings.ToLower(s) {
		seen[r] = true
	}
	return len(seen)
}

// trivialPadding reports whether s, a run without letters, adds next to nothing to a
// password: at most four characters, one character repeated, a run such as 12345 or
// !@#$%, a short unit repeated (121212), or a common password itself (696969).
func trivialPadding(s []rune) bool {
	if len(s) <= 4 || commonPasswords[string(s)] || len(smallestUnit(s)) <= 4 {
		return true
	}
	const shifted, digits = "!@#$%^&*()", "1234567890"
	d := make([]rune, len(s))
	for i, c := range s {
		if j := strings.IndexRune(shifted, c); j >= 0 {
			c = rune(digits[j])
		}
		d[i] = c
	}
	up, down := true, true
	for i := 1; i < len(d); i++ {
		step := d[i] - d[i-1]
		up = up && (step == 1 || d[i-1] == '9' && d[i] == '0')
		down = down && (step == -1 || d[i-1] == '0' && d[i] == '9')
	}
	return up || down
}

// smallestUnit returns the shortest u such that s is u repeated, using the KMP failure
// function.
func smallestUnit(s []rune) []rune {
	if len(s) == 0 {
		return s
	}
	fail := make([]int, len(s))
	for i, k := 1, 0; i < len(s); i++ {
		for k > 0 && s[i] != s[k] {
			k = fail[k-1]
		}
		if s[i] == s[k] {
			k++
		}
		fail[i] = k
	}
	if p := len(s) - fail[len(s)-1]; len(s)%p == 0 {
		return s[:p]
	}
	return s
}

// unl33t returns s as written and with l33t substitutions undone, once reading the
// ambiguous 1, 7 and | as i and t, once as l.
func unl33t(s []rune) []string {
	a := make([]rune, len(s))
	b := make([]rune, len(s))
	for i, c := range s {
		a[i], b[i] = c, c
		if j := strings.IndexRune(l33tFrom, c); j >= 0 {
			a[i], b[i] = rune(l33tToI[j]), rune(l33tToL[j])
		}
	}
	return []string{string(s), string(a), string(b)}
}

// The l33t spellings zxcvbn knows, each with the letter it stands for.
const (
	l33tFrom = "4@8(<{[3691!|0$5+7%2"
	l33tToI  = "aabcccceggiiiossttxz"
	l33tToL  = "aabccccegglllosstlxz"
)

func onlyLettersDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// Argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32

	// Limits on a stored hash's parameters, so that a damaged or tampered record can't
	// make a sign-in allocate gigabytes or run for minutes.
	maxArgonMemory  = 1 << 20 // KiB: 1 GiB
	maxArgonTime    = 64
	maxArgonThreads = 64
)

// HashPassword returns pw's Argon2id hash in PHC string form:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, base64 without padding. The password
// is put in Unicode NFKC form first, so that an accented letter typed either way
// signs in.
func HashPassword(pw string) (string, error) { return argonHash(pw, argonMemory, argonTime) }

// CheapPasswordHash is HashPassword at Argon2id's lowest cost (8 KiB, one pass), which
// VerifyPassword reads like any other hash. It is for tests and benchmarks that seed
// many accounts (Services.SetPasswordHash), never for a real desk.
func CheapPasswordHash(pw string) (string, error) { return argonHash(pw, 8*argonThreads, 1) }

func argonHash(pw string, memory, time uint32) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, time, memory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, time, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// HashParams are the Argon2id parameters a stored hash was made with.
type HashParams struct {
	Memory     uint32 // KiB
	Iterations uint32
	Threads    uint8
	SaltLen    int // bytes
	KeyLen     int // bytes
}

var errBadHash = errors.New("not an Argon2id hash in PHC form")

// ParseHashParams reads the parameters of a hash made by HashPassword.
func ParseHashParams(encoded string) (HashParams, error) {
	hp, _, _, err := parseHash(encoded)
	return hp, err
}

// VerifyPassword reports whether pw is the password encoded was made from, hashing pw
// with the parameters stored in encoded. An error means encoded can't be read.
func VerifyPassword(encoded, pw string) (bool, error) {
	hp, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, hp.Iterations, hp.Memory, hp.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func parseHash(encoded string) (hp HashParams, salt, key []byte, err error) {
	fail := func(why string) (HashParams, []byte, []byte, error) {
		return HashParams{}, nil, nil, fmt.Errorf("read password hash: %w: %s", errBadHash, why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return fail("wrong layout or algorithm")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	var m, t, p uint64
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return fail("wrong parameters")
	}
	for i, dst := range []*uint64{&m, &t, &p} {
		name, value, ok := strings.Cut(params[i], "=")
		if !ok || name != "mtp"[i:i+1] {
			return fail("wrong parameters")
		}
		if *dst, err = strconv.ParseUint(value, 10, 32); err != nil {
			return fail("wrong parameters")
		}
	}
	if t < 1 || t > maxArgonTime || p < 1 || p > maxArgonThreads || m < 8*p || m > maxArgonMemory {
		return fail("parameters out of range")
	}
	if salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(salt) < 8 || len(salt) > 64 {
		return fail("bad salt")
	}
	if key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 128 {
		return fail("bad hash")
	}
	hp = HashParams{Memory: uint32(m), Iterations: uint32(t), Threads: uint8(p), SaltLen: len(salt), KeyLen: len(key)}
	return hp, salt, key, nil
}
