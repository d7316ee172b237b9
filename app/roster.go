package app

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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

// StatusChoice is the Staff grid's status filter.
type StatusChoice int

const (
	// AnyStatus shows every account; inactive ones only while Show inactive is on, as
	// the grid always has.
	AnyStatus StatusChoice = iota
	OnlyPending
	OnlyActive
	OnlyInactive
	// OnlyLocked: locked after failed sign-ins, at the roster's time (SetNow).
	OnlyLocked
	// OnlyNeverSignedIn: active accounts never signed in (Staff.NeverSignedIn).
	OnlyNeverSignedIn
	// OnlyActivationExpiring: pending accounts whose activation code expires within
	// ExpiringWithin, or has (Staff.ActivationExpiring).
	OnlyActivationExpiring
)

// StatusChoices lists the status filter's choices in the order the grid offers them.
var StatusChoices = []StatusChoice{AnyStatus, OnlyPending, OnlyActive, OnlyInactive, OnlyLocked, OnlyNeverSignedIn, OnlyActivationExpiring}

// Label is the choice as the grid's drop-down shows it.
func (c StatusChoice) Label() string {
	switch c {
	case OnlyPending:
		return StatusPending.Label()
	case OnlyActive:
		return StatusActive.Label()
	case OnlyInactive:
		return StatusInactive.Label()
	case OnlyLocked:
		return "Locked"
	case OnlyNeverSignedIn:
		return "Never signed in"
	case OnlyActivationExpiring:
		return "Activation expiring"
	}
	return "All statuses"
}

// timed reports whether whom the choice shows changes with the time alone.
func (c StatusChoice) timed() bool { return c == OnlyLocked || c == OnlyActivationExpiring }

// The office filter's choices besides an office's ID.
const (
	// AllOffices shows every account, restricted to offices or not.
	AllOffices int64 = 0
	// NotRestricted shows the accounts not restricted to any office (Restrict offices
	// off); an office's ID shows the accounts restricted to that office.
	NotRestricted int64 = -1
)

// AllRoles is the role filter's choice that shows every role; a role's ID shows its
// holders.
const AllRoles int64 = 0

// RosterFilter narrows the roster besides its search: by status, office and role.
// The zero value shows every account but the inactive ones.
type RosterFilter struct {
	Status StatusChoice
	Office int64 // AllOffices, NotRestricted or an office's ID
	Role   int64 // AllRoles or a role's ID
}

// Narrows reports whether the filter hides anyone AnyStatus in all offices and roles
// would show.
func (f RosterFilter) Narrows() bool { return f != RosterFilter{} }

// Roster is the Staff grid's model: every account held in memory, narrowed by a search
// query, a status, office and role filter and the Show inactive switch, and sorted by a
// column.
//
// It is laid out for typing speed at 100,000 accounts: the searchable text of all
// accounts is one lower-cased string scanned with strings.Index (a vectorised search),
// flags sit in flat slices rather than behind pointers, and sorting happens once per
// header click, so that a keystroke costs one scan and one pass over the sort order.
// The status, office and role filter and the switch become one flag per account
// (passes), set in one pass over the accounts when one of them changes; a keystroke only
// reads it.
type Roster struct {
	staff  []*Staff
	hay    string                  // every account's search text, lower-cased, each ended by '\n'
	ends   []int32                 // ends[i]: the offset just past account i's text in hay
	passes []bool                  // passes[i]: account i passes the filter and the switch
	order  []int32                 // account indexes in the current sort order
	byCol  map[StaffColumn][]int32 // ascending orders computed so far, until Reset
	hits   []uint8                 // per account: how many query words have matched so far
	shown  []int32                 // account indexes that pass the filter, in sort order

	at      []int32         // at[k]: account k's shown position or -1, while atValid
	atValid bool            // at follows shown; IndexOf indexes the positions once after each filter
	byID    map[int64]int32 // account index by ID
	gen     int             // counts Resets, so that an order computed for old accounts is refused

	query  []string // lower-cased words; every one must match
	col    StaffColumn
	desc   bool
	showIn bool
	narrow RosterFilter
	now    time.Time // the time Locked and Activation expiring are told at
	// changesAt is the next time after now at which an account enters or leaves a
	// timed status filter (a lock ends, a code comes within a day of expiring); zero
	// when none will.
	changesAt time.Time
}

// NewRoster returns a roster of staff sorted by login, inactive accounts hidden, its
// time now.
func NewRoster(staff []*Staff) *Roster {
	r := &Roster{col: ColLogin, now: time.Now()}
	r.Reset(staff)
	return r
}

// Reset replaces the accounts, keeping the query, filter, sort and switch.
func (r *Roster) Reset(staff []*Staff) {
	n := len(staff)
	r.staff = staff
	r.ends = make([]int32, n)
	r.passes = make([]bool, n)
	r.hits = make([]uint8, n)
	var b strings.Builder
	b.Grow(n * 96)
	r.changesAt = time.Time{}
	for i, s := range staff {
		writeSearchText(&b, s)
		b.WriteByte('\n')
		r.ends[i] = int32(b.Len())
		r.passes[i] = r.admits(s) // while s is at hand: a pass of its own costs a cache miss per account
	}
	r.hay = b.String()
	r.byID = make(map[int64]int32, n)
	for i, s := range staff {
		r.byID[s.ID] = int32(i)
	}
	r.gen++
	r.byCol = map[StaffColumn][]int32{}
	r.sort()
	r.filter()
}

// SetFilter narrows the roster by status, office and role, telling Locked and
// Activation expiring at now.
func (r *Roster) SetFilter(f RosterFilter, now time.Time) {
	r.narrow, r.now = f, now
	r.mark()
	r.filter()
}

// Filter returns the status, office and role filter.
func (r *Roster) Filter() RosterFilter { return r.narrow }

// SetNow moves the roster's time on to now. Only when an account has entered or left a
// timed status filter (Locked, Activation expiring) since are the rows filtered again;
// otherwise it costs nothing, so the grid may call it on every redraw.
func (r *Roster) SetNow(now time.Time) {
	r.now = now
	if r.narrow.Status.timed() && !r.changesAt.IsZero() && !now.Before(r.changesAt) {
		r.mark()
		r.filter()
	}
}

// mark sets passes from the filter and the switch: one pass over the accounts.
func (r *Roster) mark() {
	r.changesAt = time.Time{}
	for i, s := range r.staff {
		r.passes[i] = r.admits(s)
	}
}

// admits reports whether s passes the filter and the switch at the roster's time, and
// brings changesAt forward to when that may change by the time alone.
func (r *Roster) admits(s *Staff) bool {
	f, now := r.narrow, r.now
	if f.Role != AllRoles && s.RoleID != f.Role {
		return false
	}
	switch {
	case f.Office == AllOffices:
	case f.Office == NotRestricted:
		if s.RestrictOffices {
			return false
		}
	case !s.RestrictOffices || !slices.Contains(s.OfficeIDs, f.Office):
		return false
	}
	switch f.Status {
	case OnlyPending:
		return s.Status == StatusPending
	case OnlyActive:
		return s.Status == StatusActive
	case OnlyInactive:
		return s.Status == StatusInactive
	case OnlyLocked:
		r.changeAt(s.SignIn.LockedUntil) // a lock ends
		return s.Locked(now)
	case OnlyNeverSignedIn:
		return s.NeverSignedIn()
	case OnlyActivationExpiring:
		if s.Status == StatusPending && !s.ActivationExpires.IsZero() {
			r.changeAt(s.ActivationExpires.Add(-ExpiringWithin)) // a code comes within a day
		}
		return s.ActivationExpiring(now)
	}
	return r.showIn || s.Status != StatusInactive
}

// changeAt brings changesAt forward to t, if t is after the roster's time.
func (r *Roster) changeAt(t time.Time) {
	if t.After(r.now) && (r.changesAt.IsZero() || t.Before(r.changesAt)) {
		r.changesAt = t
	}
}

// SetQuery narrows the roster to the accounts whose name, username, email, phones or
// provider contain every word of q, ignoring case. Phone numbers match however typed:
// "(212) 555-0123", "212-555-0123" and "2125550123" are the same.
func (r *Roster) SetQuery(q string) {
	words := strings.Fields(lowerASCII(q))
	for i, w := range words {
		if d := digitsOnly(w); len(d) >= 3 && onlyPhonePunct(w) {
			words[i] = d
		}
	}
	r.query = words
	r.filter()
}

// SetShowInactive shows or hides inactive accounts while the status filter is
// AnyStatus. A status chosen shows whom it names, Inactive and Locked ones alike: the
// switch is then not asked (the grid greys it).
func (r *Roster) SetShowInactive(show bool) {
	if show == r.showIn {
		return
	}
	r.showIn = show
	if r.narrow.Status == AnyStatus {
		r.mark()
		r.filter()
	}
}

// ShowInactive reports whether inactive accounts are shown.
func (r *Roster) ShowInactive() bool { return r.showIn }

// Query returns the words being searched for.
func (r *Roster) Query() string { return strings.Join(r.query, " ") }

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
func (r *Roster) Total() int { return len(r.staff) }

// Row returns the i-th shown account.
func (r *Roster) Row(i int) *Staff { return r.staff[r.shown[i]] }

// IndexOf returns the shown position of the account with id, or -1. The positions are
// indexed on the first call after the shown rows change, so that asking after every
// refresh costs one pass per change, not one per question.
func (r *Roster) IndexOf(id int64) int {
	k, ok := r.byID[id]
	if !ok {
		return -1
	}
	if !r.atValid {
		if len(r.at) != len(r.staff) {
			r.at = make([]int32, len(r.staff))
		}
		for i := range r.at {
			r.at[i] = -1
		}
		for i, s := range r.shown {
			r.at[s] = int32(i)
		}
		r.atValid = true
	}
	return int(r.at[k])
}

// HasOrder reports whether sorting by col is ready: a copy, no comparisons.
func (r *Roster) HasOrder(col StaffColumn) bool {
	_, ok := r.byCol[col]
	return ok
}

// ColumnOrder is a column's ascending order, computed away from the roster (OrderWork),
// so that the first sort by a column need not hold up the window.
type ColumnOrder struct {
	col   StaffColumn
	gen   int
	order []int32
}

// OrderWork returns the work of computing col's order over the accounts as they are
// now. The work only reads the accounts, so it may run on another goroutine while the
// roster is used; AddOrder then keeps its result.
func (r *Roster) OrderWork(col StaffColumn) func() ColumnOrder {
	staff, gen := r.staff, r.gen
	return func() ColumnOrder { return ColumnOrder{col: col, gen: gen, order: ascending(staff, col)} }
}

// AddOrder keeps an order computed by OrderWork, unless the accounts were replaced
// since. The current sort is left alone: SortBy uses the order.
func (r *Roster) AddOrder(o ColumnOrder) {
	if o.gen == r.gen && o.order != nil {
		r.byCol[o.col] = o.order
	}
}

// filter recomputes shown: one scan of hay per query word, then one pass over the sort
// order reading passes.
func (r *Roster) filter() {
	r.atValid = false
	r.shown = r.shown[:0]
	if len(r.query) == 0 {
		for _, k := range r.order {
			if r.passes[k] {
				r.shown = append(r.shown, k)
			}
		}
		return
	}
	clear(r.hits)
	for j, w := range r.query {
		r.markWord(w, uint8(j))
	}
	want := uint8(len(r.query))
	for _, k := range r.order {
		if r.hits[k] == want && r.passes[k] {
			r.shown = append(r.shown, k)
		}
	}
}

// markWord raises hits[k] from j to j+1 for every account k whose text contains w.
func (r *Roster) markWord(w string, j uint8) {
	hay, pos, k := r.hay, 0, 0
	for pos < len(hay) {
		i := strings.Index(hay[pos:], w)
		if i < 0 {
			return
		}
		at := int32(pos + i)
		for r.ends[k] <= at {
			k++
		}
		if r.hits[k] == j {
			r.hits[k] = j + 1
		}
		// One match per account is enough: go on from the next account's text.
		pos = int(r.ends[k])
		k++
	}
}

// sort orders the accounts by the current column, ties broken by login. The ascending
// order of each column is kept, so reversing or coming back to a column is one copy.
func (r *Roster) sort() {
	asc, ok := r.byCol[r.col]
	if !ok {
		asc = ascending(r.staff, r.col)
		r.byCol[r.col] = asc
	}
	r.order = append(r.order[:0], asc...)
	if r.desc {
		slices.Reverse(r.order)
	}
}

func ascending(staff []*Staff, col StaffColumn) []int32 {
	type keyed struct {
		key string
		idx int32
	}
	keys := make([]keyed, len(staff))
	for i, s := range staff {
		keys[i] = keyed{sortKey(s, col), int32(i)}
	}
	slices.SortFunc(keys, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	order := make([]int32, len(keys))
	for i, k := range keys {
		order[i] = k.idx
	}
	return order
}

// sortKey is s's value in col as a string that sorts the way a person expects, followed
// by the login to break ties.
func sortKey(s *Staff, col StaffColumn) string {
	login := lowerASCII(s.Username)
	var v string
	switch col {
	case ColName:
		v = lowerASCII(s.LastName) + "\x00" + lowerASCII(s.FirstName)
	case ColEmail:
		v = lowerASCII(s.Email)
	case ColProvider:
		v = lowerASCII(s.ProviderName)
	case ColCell:
		v = blankLast(s.CellPhone)
	case ColHome:
		v = blankLast(s.HomePhone)
	case ColEmergency:
		v = yesFirst(s.EmergencyAccess)
	case ColTwoFactor:
		v = yesFirst(s.TwoFactor)
	case ColStatus:
		v = s.Status.Label()
	default:
		return login
	}
	return v + "\x00" + login
}

func blankLast(v string) string {
	if v == "" {
		return "\x02"
	}
	return "\x01" + v
}

func yesFirst(b bool) string {
	if b {
		return "0"
	}
	return "1"
}

// writeSearchText writes what a search matches for s: name, username, email, provider
// and phones (as digits, with and without the +1 of a US number), lower-cased.
func writeSearchText(b *strings.Builder, s *Staff) {
	for _, part := range [...]string{s.FirstName, " ", s.LastName, "\x1f", s.Username, "\x1f", s.Email, "\x1f", s.ProviderName} {
		writeLower(b, part)
	}
	for _, p := range [...]string{s.CellPhone, s.HomePhone} {
		if p == "" {
			continue
		}
		b.WriteByte('\x1f')
		writeDigits(b, p)
		if strings.HasPrefix(p, "+1") {
			b.WriteByte('\x1f')
			writeDigits(b, p[2:])
		}
	}
}

// writeLower writes s lower-cased; ASCII without allocating.
func writeLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			b.WriteString(strings.ToLower(s[i:]))
			return
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

func writeDigits(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
}

func digitsOnly(s string) string {
	var b strings.Builder
	writeDigits(&b, s)
	return b.String()
}

// onlyPhonePunct reports whether w is made of digits and the punctuation of a typed
// phone number only.
func onlyPhonePunct(w string) bool {
	for _, r := range w {
		if (r < '0' || r > '9') && !strings.ContainsRune("()-.+", r) {
			return false
		}
	}
	return true
}
