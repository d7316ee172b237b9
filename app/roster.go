package app

import (
	"slices"
	"strings"
	"unicode"
)

// StaffColumn is a column of the Staff grid, in display order.
type StaffColumn int

const (
	ColLogin StaffColumn = iota
	ColName
	ColEmail
	ColProvider
	ColCell
	ColHome
	ColEmergency
	ColTwoFactor
	ColStatus
)

// Roster is the Staff grid's model: every account held in memory, narrowed by a search
// query and the Show inactive switch, and sorted by a column. Sorting happens once per
// header click; each keystroke only filters the already sorted list, which keeps typing
// responsive at 100,000 accounts.
type Roster struct {
	all    []rosterEntry // sorted by the current column
	shown  []int         // indexes into all that pass the filter, in order
	query  []string      // lower-cased words; every one must match
	col    StaffColumn
	desc   bool
	showIn bool
}

type rosterEntry struct {
	s   *Staff
	key string // lower-cased text searched: name, username, email, phones, provider
}

// NewRoster returns a roster of staff sorted by login, inactive accounts hidden.
func NewRoster(staff []*Staff) *Roster {
	r := &Roster{col: ColLogin}
	r.Reset(staff)
	return r
}

// Reset replaces the accounts, keeping the query, sort and switch.
func (r *Roster) Reset(staff []*Staff) {
	r.all = make([]rosterEntry, len(staff))
	for i, s := range staff {
		r.all[i] = rosterEntry{s: s, key: searchKey(s)}
	}
	r.sort()
	r.filter()
}

// SetQuery narrows the roster to the accounts whose name, username, email, phones or
// provider contain every word of q, ignoring case. Phone digits match however typed.
func (r *Roster) SetQuery(q string) {
	r.query = strings.Fields(strings.ToLower(q))
	for i, w := range r.query {
		if d := digitsOnly(w); len(d) >= 3 && len(d) == countDigitsAndPunct(w) {
			r.query[i] = d
		}
	}
	r.filter()
}

// SetShowInactive shows or hides inactive accounts.
func (r *Roster) SetShowInactive(show bool) {
	r.showIn = show
	r.filter()
}

// ShowInactive reports whether inactive accounts are shown.
func (r *Roster) ShowInactive() bool { return r.showIn }

// SortBy sorts by col, descending when desc.
func (r *Roster) SortBy(col StaffColumn, desc bool) {
	r.col, r.desc = col, desc
	r.sort()
	r.filter()
}

// Sort returns the current sort column and direction.
func (r *Roster) Sort() (StaffColumn, bool) { return r.col, r.desc }

// Len is how many accounts are shown.
func (r *Roster) Len() int { return len(r.shown) }

// Total is how many accounts there are in all, hidden ones included.
func (r *Roster) Total() int { return len(r.all) }

// Row returns the i-th shown account.
func (r *Roster) Row(i int) *Staff { return r.all[r.shown[i]].s }

// IndexOf returns the shown position of the account with id, or -1.
func (r *Roster) IndexOf(id int64) int {
	for i, k := range r.shown {
		if r.all[k].s.ID == id {
			return i
		}
	}
	return -1
}

func (r *Roster) filter() {
	r.shown = r.shown[:0]
	for i := range r.all {
		e := &r.all[i]
		if !r.showIn && e.s.Status == StatusInactive {
			continue
		}
		if matchesAll(e.key, r.query) {
			r.shown = append(r.shown, i)
		}
	}
}

func matchesAll(key string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(key, w) {
			return false
		}
	}
	return true
}

func (r *Roster) sort() {
	col, desc := r.col, r.desc
	slices.SortStableFunc(r.all, func(a, b rosterEntry) int {
		c := compareStaff(a.s, b.s, col)
		if c == 0 {
			c = strings.Compare(strings.ToLower(a.s.Username), strings.ToLower(b.s.Username))
		}
		if desc {
			return -c
		}
		return c
	})
}

func compareStaff(a, b *Staff, col StaffColumn) int {
	switch col {
	case ColName:
		if c := compareFold(a.LastName, b.LastName); c != 0 {
			return c
		}
		return compareFold(a.FirstName, b.FirstName)
	case ColEmail:
		return compareFold(a.Email, b.Email)
	case ColProvider:
		return compareFold(a.ProviderName, b.ProviderName)
	case ColCell:
		return compareBlankLast(a.CellPhone, b.CellPhone)
	case ColHome:
		return compareBlankLast(a.HomePhone, b.HomePhone)
	case ColEmergency:
		return compareBool(b.EmergencyAccess, a.EmergencyAccess)
	case ColTwoFactor:
		return compareBool(b.TwoFactor, a.TwoFactor)
	case ColStatus:
		return compareFold(a.Status.Label(), b.Status.Label())
	}
	return compareFold(a.Username, b.Username)
}

func compareFold(a, b string) int {
	for a != "" && b != "" {
		ra, rb := []rune(a[:1])[0], []rune(b[:1])[0]
		if ra >= 0x80 || rb >= 0x80 {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		}
		la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
		if la != lb {
			if la < lb {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func compareBlankLast(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func searchKey(s *Staff) string {
	var b strings.Builder
	for _, part := range []string{s.FirstName + " " + s.LastName, s.Username, s.Email, s.ProviderName,
		digitsOnly(s.CellPhone), digitsOnly(s.HomePhone), nationalDigits(s.CellPhone), nationalDigits(s.HomePhone)} {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToLower(part))
		b.WriteByte('\x1f')
	}
	return b.String()
}

// nationalDigits drops the +1 of a US number so that "212555" matches "+12125550123".
func nationalDigits(e164 string) string {
	if strings.HasPrefix(e164, "+1") {
		return e164[2:]
	}
	return ""
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func countDigitsAndPunct(w string) int {
	n := 0
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			n++
		case strings.ContainsRune("()-.+", r):
		default:
			return -1
		}
	}
	return n
}
