package app

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/cases"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
)

// Who is who. Two accounts are the same person's when their emails, or their
// usernames, have the same identity key: the form left once everything a reader cannot
// see is taken away. CheckEmail and CheckUsername refuse what a person cannot tell
// apart on screen (invisible characters, full-width and other compatibility forms,
// letters of two alphabets in one part); the keys fold what they let through (Unicode
// normalisation, case beyond ASCII, an internationalised domain and its xn-- form).
// The store keeps each account's keys in columns with a unique index, so that no race
// lets a second account in either.

// EmailKey returns the identity key of an email address CheckEmail accepted: the
// local part in NFKC and case-folded (cases.Fold: "JÖRG" and "jörg", "ß" and "ss"),
// the domain in its IDNA ASCII form (the lookup profile of UTS 46, so that
// "praxis-müller.example" and "xn--praxis-mller-klb.example" are one domain), lower
// case. It returns "" for "".
func EmailKey(email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		return ""
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return foldKey(email)
	}
	return foldKey(email[:at]) + "@" + domainKey(email[at+1:])
}

// UsernameKey returns the identity key of a username: RFC 8265's UsernameCaseMapped
// profile (width mapping, case mapping, NFC). Usernames are ASCII today
// (CheckUsername), for which this is lower case; the profile keeps the key right if
// that rule is ever widened. It returns "" for "".
func UsernameKey(username string) string {
	username = strings.TrimSpace(username)
	if username == "" {
		return ""
	}
	if k, err := precis.UsernameCaseMapped.String(username); err == nil {
		return k
	}
	// Not a valid PRECIS username (CheckUsername refuses these): fold it anyway, so
	// that the key still compares what a reader sees.
	return foldKey(username)
}

// foldKey is s in NFKC, case-folded, and in NFKC again (folding can undo it).
func foldKey(s string) string {
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s)))
}

// domainKey is domain's IDNA ASCII form in lower case, or its folded form when it is
// not a valid IDNA domain (which CheckEmail refuses).
func domainKey(domain string) string {
	if a, err := idna.Lookup.ToASCII(domain); err == nil && a != "" {
		return strings.ToLower(a)
	}
	return foldKey(domain)
}

// isInvisibleRune reports characters that take no room on screen or only change how
// their neighbours show: format characters (Cf: zero-width space, joiner and
// non-joiner, soft hyphen, word joiner, LRM and RLM, the bidi embeddings, overrides and
// isolates, BOM), variation selectors, the other default-ignorable code points
// (Hangul fillers, combining grapheme joiner, Mongolian free variation selectors),
// control characters and the line and paragraph separators.
func isInvisibleRune(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Cc, unicode.Zl, unicode.Zp,
		unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// isCompatibilityForm reports whether s holds a character Unicode keeps only for
// compatibility with older encodings, which NFKC replaces by its ordinary form:
// full-width and half-width letters ("ｊ"), ligatures ("ﬁ"), styled mathematical
// letters ("𝐣"), superscripts, circled letters. Each looks like, or close to, the
// ordinary letter, so an identity holding one is refused rather than mapped: the
// address a person typed must be the one mail goes to. s must be in NFC.
func isCompatibilityForm(s string) bool {
	return !norm.NFKC.IsNormalString(s)
}

// firstCompatibilityForm returns the first character of s that NFKC changes.
func firstCompatibilityForm(s string) string {
	for _, r := range s {
		if c := string(r); !norm.NFKC.IsNormalString(c) {
			return c
		}
	}
	return ""
}

// isDotLookAlike reports the full stops of other writing systems that IDNA reads as a
// dot between domain labels: the ideographic full stop and its full-width and
// half-width forms.
func isDotLookAlike(r rune) bool {
	return r == '\u3002' || r == '\uff0e' || r == '\uff61'
}

// scriptTables are the writing systems checked first when finding a letter's script:
// the ones names and addresses mostly use. Any other is found in unicode.Scripts.
var scriptTables = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Arabic", unicode.Arabic}, {"Hebrew", unicode.Hebrew}, {"Han", unicode.Han},
	{"Hiragana", unicode.Hiragana}, {"Katakana", unicode.Katakana}, {"Hangul", unicode.Hangul},
	{"Devanagari", unicode.Devanagari}, {"Armenian", unicode.Armenian}, {"Georgian", unicode.Georgian},
	{"Thai", unicode.Thai}, {"Bopomofo", unicode.Bopomofo}, {"Cherokee", unicode.Cherokee},
}

// scriptOf returns the name of r's script, or "" for characters shared by all scripts
// (digits, punctuation: Common) or taking their neighbour's (combining marks:
// Inherited).
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	for _, s := range scriptTables {
		if unicode.Is(s.table, r) {
			return s.name
		}
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}

// mixedScripts reports whether label mixes writing systems in a way a reader cannot
// see, and if so returns a character of the less used script and the two scripts'
// names. What UTS 39 calls "highly restrictive" is allowed: one script, or Latin with
// the scripts written alongside it in Japanese (Han, Hiragana, Katakana), Chinese
// (Han, Bopomofo) or Korean (Han, Hangul). So "jörg" and "иванов" pass, "jаmie" with a
// Cyrillic "а" does not.
func mixedScripts(label string) (odd, oddScript, mainScript string, mixed bool) {
	counts := map[string]int{}
	first := map[string]rune{}
	for _, r := range label {
		if s := scriptOf(r); s != "" {
			if counts[s] == 0 {
				first[s] = r
			}
			counts[s]++
		}
	}
	if len(counts) <= 1 || allowedScriptMix(counts) {
		return "", "", "", false
	}
	for s, n := range counts {
		if mainScript == "" || n > counts[mainScript] || n == counts[mainScript] && s < mainScript {
			mainScript = s
		}
	}
	for s, n := range counts {
		if s != mainScript && (oddScript == "" || n < counts[oddScript] || n == counts[oddScript] && s < oddScript) {
			oddScript = s
		}
	}
	return string(first[oddScript]), oddScript, mainScript, true
}

var scriptMixes = []map[string]bool{
	{"Latin": true, "Han": true, "Hiragana": true, "Katakana": true},
	{"Latin": true, "Han": true, "Bopomofo": true},
	{"Latin": true, "Han": true, "Hangul": true},
}

func allowedScriptMix(counts map[string]int) bool {
	for _, mix := range scriptMixes {
		ok := true
		for s := range counts {
			if !mix[s] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// joinerAllowed reports whether the zero-width joiner or non-joiner at runes[i] is
// part of how a word is spelled, as in Persian, Urdu or the Indic scripts (RFC 5892's
// CONTEXTJ rules, simplified): between two letters of the same script, one that is not
// Latin, Greek or Cyrillic, which never need it.
func joinerAllowed(runes []rune, i int) bool {
	prev, next := "", ""
	for j := i - 1; j >= 0; j-- {
		if s := scriptOf(runes[j]); s != "" {
			prev = s
			break
		} else if !unicode.In(runes[j], unicode.Mn, unicode.Mc) {
			return false
		}
	}
	if i+1 < len(runes) {
		next = scriptOf(runes[i+1])
	}
	switch {
	case prev == "" || prev != next:
		return false
	case prev == "Latin", prev == "Greek", prev == "Cyrillic":
		return false
	}
	return true
}

// IdentityClash is an account stored before the identity keys whose email or username
// has the same key as an older account's: the same person's address or name to a
// reader. It keeps working; its key stays unset until a manager corrects one of the
// two accounts (an edit then has to give it a free key).
type IdentityClash struct {
	Field    string // FieldEmail or FieldUsername
	Username string // the account left without the key
	Other    string // the username of the account that has it
}

// BackfillIdentityKeys gives every account stored without identity keys (before
// migration 0004, or by an older StaffDesk on the same file) its keys, in the order the
// accounts were created, and returns the accounts whose key an older account already
// has. It also keys the new address of every email change stored without one (before
// migration 0006), by which a look-alike of an address waiting to be confirmed is
// found. main calls it once at start and logs the clashes; they do not stop the app.
func (s *StaffService) BackfillIdentityKeys(ctx context.Context) ([]IdentityClash, error) {
	var clashes []IdentityClash
	err := s.gate.system(ctx, true, func(tx *call) error {
		clashes = nil
		if err := backfillStaffKeys(tx, &clashes); err != nil {
			return err
		}
		codes, err := tx.CodesMissingEmailKey()
		if err != nil {
			return err
		}
		for _, c := range codes {
			if key := EmailKey(c.NewEmail); key != "" {
				if err := tx.SetCodeEmailKey(c.ID, key); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrapInternal("check the accounts' emails and usernames", err)
	}
	return clashes, nil
}

// backfillStaffKeys is BackfillIdentityKeys for the accounts, recording the clashes.
func backfillStaffKeys(tx Tx, clashes *[]IdentityClash) error {
	missing, err := tx.FindStaff(StaffFilter{MissingIdentityKeys: true})
	if err != nil || len(missing) == 0 {
		return err
	}
	all, err := tx.FindStaff(StaffFilter{})
	if err != nil {
		return err
	}
	emails, usernames := map[string]string{}, map[string]string{}
	for _, st := range all {
		if st.EmailKey != "" {
			emails[st.EmailKey] = st.Username
		}
		if st.UsernameKey != "" {
			usernames[st.UsernameKey] = st.Username
		}
	}
	slices.SortFunc(missing, func(a, b *Staff) int { return cmp.Compare(a.ID, b.ID) })
	for _, st := range missing {
		ek, uk := st.EmailKey, st.UsernameKey
		if ek == "" {
			ek = claimKey(emails, EmailKey(st.Email), st.Username, FieldEmail, clashes)
		}
		if uk == "" {
			uk = claimKey(usernames, UsernameKey(st.Username), st.Username, FieldUsername, clashes)
		}
		if ek == st.EmailKey && uk == st.UsernameKey {
			continue
		}
		if err := tx.SetStaffIdentityKeys(st.ID, ek, uk); err != nil {
			return err
		}
	}
	return nil
}

// claimKey gives key to username unless another account holds it, which is recorded
// as a clash; it returns the key to store ("" for none).
func claimKey(held map[string]string, key, username, field string, clashes *[]IdentityClash) string {
	if key == "" {
		return ""
	}
	if other, ok := held[key]; ok && other != username {
		*clashes = append(*clashes, IdentityClash{Field: field, Username: username, Other: other})
		return ""
	}
	held[key] = username
	return key
}

// inEmoji reports whether the zero-width joiner or emoji variation selector at
// runes[i] belongs to an emoji: the joiner between two symbols ("👩‍⚕️", a health
// worker, is woman, joiner, staff of Aesculapius, VS16), the selector after a symbol.
// Both show as part of the picture, not as a gap.
func inEmoji(runes []rune, i int) bool {
	isSymbol := func(j int) bool { return j >= 0 && j < len(runes) && unicode.Is(unicode.So, runes[j]) }
	switch runes[i] {
	case '\u200d':
		return isSymbol(i-1) && isSymbol(i+1) ||
			i >= 1 && runes[i-1] == '\ufe0f' && isSymbol(i-2) && isSymbol(i+1)
	case '\ufe0e', '\ufe0f':
		return isSymbol(i - 1)
	}
	return false
}
