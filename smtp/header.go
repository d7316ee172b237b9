package smtp

import (
	"bytes"
	"encoding/base64"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Header lines are folded to RFC 5322's recommended 78 octets (CRLF excluded). Only a
// token that cannot be cut, an address or a Message-ID, may make a line longer, up to
// the 998 that RFC 5322 makes a must (addresses are at most 254, Message-IDs 252).
const maxHeaderLine = 78

// maxEncodedWord is RFC 2047's limit on one encoded word, "=?UTF-8?Q?...?=" included.
const maxEncodedWord = 75

// encodedWordOverhead is "=?UTF-8?Q?" and "?=".
const encodedWordOverhead = len("=?UTF-8?Q?") + len("?=")

// header writes header fields, folding each line before a token that would take it
// past maxHeaderLine. Folding puts CRLF and a space where a space was, so unfolding
// (RFC 5322 3.2.2) gives back exactly what was written: tokens are only ever separated
// by one space, and a text with runs of spaces is encoded rather than folded.
type header struct {
	b    bytes.Buffer
	line int // octets on the current line
}

func (h *header) start(name string) {
	h.b.WriteString(name)
	h.b.WriteByte(':')
	h.line = len(name) + 1
}

// put writes " "+tok, on a new line when it would not fit on this one.
func (h *header) put(tok string) {
	if h.line+1+len(tok) > maxHeaderLine {
		h.b.WriteString("\r\n")
		h.line = 0
	}
	h.b.WriteByte(' ')
	h.b.WriteString(tok)
	h.line += 1 + len(tok)
}

func (h *header) end() { h.b.WriteString("\r\n") }

// tokens writes a field of ASCII tokens that are never encoded (a date, an id).
func (h *header) tokens(name string, toks ...string) {
	h.start(name)
	for _, t := range toks {
		h.put(t)
	}
	h.end()
}

// text writes an unstructured field such as Subject: as it is when it is plain ASCII
// words, otherwise as encoded words.
func (h *header) text(name, s string) {
	h.start(name)
	if words, ok := plainWords(s, maxHeaderLine-h.line-1, isPrintableASCII); ok {
		for _, w := range words {
			h.put(w)
		}
	} else {
		for _, w := range encodeWords(s, maxHeaderLine-h.line-1) {
			h.put(w)
		}
	}
	h.end()
}

// address writes a field with one mailbox: the display name as a quoted string when it
// is ASCII that fits on the first line, as atoms folded between them when it is longer
// plain ASCII words, otherwise as encoded words (which hold no comma, so no reader splits the name); then
// the address in angle brackets.
func (h *header) address(name string, a mail.Address) {
	h.start(name)
	room := maxHeaderLine - h.line - 1
	switch {
	case a.Name == "":
	case isQuotable(a.Name) && len(quoteString(a.Name)) <= room:
		h.put(quoteString(a.Name)) // as net/mail writes it
	case isPhraseOfAtoms(a.Name, room):
		for _, w := range strings.Split(a.Name, " ") {
			h.put(w)
		}
	default:
		for _, w := range encodeWords(a.Name, room) {
			h.put(w)
		}
	}
	h.put("<" + headerAddress(a.Address) + ">")
	h.end()
}

// headerAddress is addr with an internationalised domain in its IDNA ASCII form
// ("xn--praxis-mller-klb.example"), which every mail program reads and shows in
// Unicode again. A local part beyond ASCII stays as it is (RFC 6532: only a server
// with SMTPUTF8 takes such an address at all).
func headerAddress(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	domain, ok := asciiDomain(addr[at+1:])
	if !ok {
		return addr // validAddress refused it before any header is written
	}
	return addr[:at+1] + domain
}

// asciiDomain is domain in its IDNA ASCII form, and whether it has one.
func asciiDomain(domain string) (string, bool) {
	if isASCII(domain) {
		return domain, true
	}
	ascii, err := idna.Lookup.ToASCII(domain)
	return ascii, err == nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// plainWords splits s at its spaces when it can go into a header as it is: every
// character ok, no encoded-word look-alike ("=?"), single spaces only, none at either
// end, and each word short enough to fit a line (the first one first of all).
func plainWords(s string, firstRoom int, ok func(rune) bool) ([]string, bool) {
	if s == "" || strings.Contains(s, "=?") || strings.Contains(s, "  ") || s[0] == ' ' || s[len(s)-1] == ' ' {
		return nil, s == ""
	}
	for _, r := range s {
		if r != ' ' && !ok(r) {
			return nil, false
		}
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		if i == 0 && len(w) > firstRoom || len(w) > maxHeaderLine-1 {
			return nil, false
		}
	}
	return words, true
}

func isPrintableASCII(r rune) bool { return '!' <= r && r <= '~' }

// isPhraseOfAtoms reports a display name of RFC 5322 atoms ("Jane Doe").
func isPhraseOfAtoms(s string, firstRoom int) bool {
	_, ok := plainWords(s, firstRoom, isAtext)
	return ok && s != ""
}

func isAtext(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		r < utf8.RuneSelf && strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// isQuotable reports a name that can be an RFC 5322 quoted string: printable ASCII
// and spaces, and nothing that looks like an encoded word.
func isQuotable(s string) bool {
	if strings.Contains(s, "=?") {
		return false
	}
	for _, r := range s {
		if r != ' ' && !isPrintableASCII(r) {
			return false
		}
	}
	return true
}

func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// encodeWords returns s as RFC 2047 encoded words in UTF-8, each at most
// maxEncodedWord characters and the first at most firstRoom (what is left of the
// field's first line). Words are cut between characters, never inside a UTF-8
// sequence, and between grapheme clusters where a cluster fits in a word ("é" written
// as e and a combining accent, or "👩‍⚕️", stays whole), so that a reader that decodes
// each word on its own still shows the right text. The Q encoding is used when it is
// no longer than B (mostly Latin text), B otherwise; Q writes only the characters
// RFC 2047 allows in a display name.
func encodeWords(s string, firstRoom int) []string {
	q := qLen(s) <= bLen(len(s))
	encode := bEncode
	if q {
		encode = qEncode
	}
	size := func(chunk string) int {
		if q {
			return encodedWordOverhead + qLen(chunk)
		}
		return encodedWordOverhead + bLen(len(chunk))
	}
	var words []string
	limit := min(maxEncodedWord, firstRoom)
	chunk := ""
	flush := func() {
		if chunk != "" {
			words = append(words, encode(chunk))
			chunk = ""
			limit = maxEncodedWord
		}
	}
	for rest := s; rest != ""; {
		cluster := rest[:clusterEnd(rest)]
		rest = rest[len(cluster):]
		switch {
		case size(chunk+cluster) <= limit:
			chunk += cluster
		case size(cluster) <= maxEncodedWord:
			flush()
			chunk = cluster
		default: // a cluster too long for any word: cut it between characters
			for _, r := range cluster {
				if size(chunk+string(r)) > limit {
					flush()
				}
				chunk += string(r)
			}
		}
	}
	flush()
	return words
}

// qSafe are the characters RFC 2047 5(3) lets a Q-encoded word in a phrase hold as
// they are; a space is written "_", anything else as =XX.
func qSafe(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!*+-/", b) >= 0
}

func qLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if qSafe(s[i]) || s[i] == ' ' {
			n++
		} else {
			n += 3
		}
	}
	return n
}

func qEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteString("=?UTF-8?Q?")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case qSafe(c):
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('_')
		default:
			b.WriteByte('=')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	b.WriteString("?=")
	return b.String()
}

func bLen(n int) int { return base64.StdEncoding.EncodedLen(n) }

func bEncode(s string) string {
	return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

// clusterEnd returns the length of the user-perceived character that s starts with,
// close to UAX 29's extended grapheme clusters: a base with its combining marks,
// variation selectors, emoji modifiers and tags, anything joined by a zero-width
// joiner, an Indic consonant joined to the next by a virama, a Hangul syllable's
// jamo, and a pair of regional indicators (a flag).
func clusterEnd(s string) int {
	prev, n := utf8.DecodeRuneInString(s)
	end := n
	regional := isRegionalIndicator(prev)
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc), r == '\u200d', r == '\u200c',
			unicode.Is(unicode.Variation_Selector, r), 0x1F3FB <= r && r <= 0x1F3FF, 0xE0020 <= r && r <= 0xE007F:
		case prev == '\u200d', isVirama(prev) && unicode.IsLetter(r):
		case 0x1160 <= r && r <= 0x11FF, 0xD7B0 <= r && r <= 0xD7FF: // Hangul vowel and final jamo
		case regional && isRegionalIndicator(r):
			regional = false
		default:
			return end
		}
		prev = r
		end += size
	}
	return end
}

func isRegionalIndicator(r rune) bool { return 0x1F1E6 <= r && r <= 0x1F1FF }

// isVirama reports the sign that joins two Indic consonants into a conjunct.
func isVirama(r rune) bool {
	switch r {
	case '\u094d', '\u09cd', '\u0a4d', '\u0acd', '\u0b4d', '\u0bcd', '\u0c4d', '\u0ccd', '\u0d4d', '\u0dca':
		return true
	}
	return false
}
