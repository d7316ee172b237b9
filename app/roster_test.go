package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

func rosterFixture() []*app.Staff {
	return []*app.Staff{
		{ID: 1, Username: "camilles", FirstName: "Camille", LastName: "Staff", Email: "camilles@email.xyz", ProviderName: "Kate Provider, MD", CellPhone: "+12125550123", Status: app.StatusActive, EmergencyAccess: true},
		{ID: 2, Username: "marcusstaff", FirstName: "Marcus", LastName: "Staff", Email: "mstaff@email.xyz", ProviderName: "Hannah Provider, DO", Status: app.StatusPending},
		{ID: 3, Username: "tbecker", FirstName: "Tom", LastName: "Becker", Email: "tom.becker@example.com", ProviderName: "Kate Provider, MD", HomePhone: "+12175550115", Status: app.StatusInactive},
		{ID: 4, Username: "abello", FirstName: "Aisha", LastName: "Bello", Email: "aisha.bello@example.com", ProviderName: "Kate Provider, MD", CellPhone: "+12175550134", Status: app.StatusActive},
	}
}

func usernames(r *app.Roster) []string {
	var out []string
	for i := 0; i < r.Len(); i++ {
		out = append(out, r.Row(i).Username)
	}
	return out
}

func TestRosterFilter(t *testing.T) {
	tests := []struct {
		name         string
		query        string
		showInactive bool
		want         string
	}{
		{"everyone active or pending, by login", "", false, "[abello camilles marcusstaff]"},
		{"inactive shown", "", true, "[abello camilles marcusstaff tbecker]"},
		{"by first name, any case", "CAMI", false, "[camilles]"},
		{"by last name", "staff", false, "[camilles marcusstaff]"},
		{"every word must match", "staff marcus", false, "[marcusstaff]"},
		{"by email", "example.com", true, "[abello tbecker]"},
		{"by provider", "hannah", false, "[marcusstaff]"},
		{"by phone as shown", "(212) 555-0123", false, "[camilles]"},
		{"by phone digits", "5550134", false, "[abello]"},
		{"by national number", "2175550115", true, "[tbecker]"},
		{"inactive hidden even when matching", "becker", false, "[]"},
		{"nothing matches", "zzz", true, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := app.NewRoster(rosterFixture())
			r.SetShowInactive(tt.showInactive)
			r.SetQuery(tt.query)
			if got := fmt.Sprint(usernames(r)); got != tt.want && !(got == "[]" && tt.want == "[]") {
				t.Errorf("query %q: got %s, want %s", tt.query, got, tt.want)
			}
			if r.Total() != 4 {
				t.Errorf("Total = %d, want 4", r.Total())
			}
		})
	}
}

func TestRosterSort(t *testing.T) {
	tests := []struct {
		col  app.StaffColumn
		desc bool
		want string
	}{
		{app.ColLogin, false, "[abello camilles marcusstaff tbecker]"},
		{app.ColLogin, true, "[tbecker marcusstaff camilles abello]"},
		{app.ColName, false, "[tbecker abello camilles marcusstaff]"},
		{app.ColEmail, false, "[abello camilles marcusstaff tbecker]"},
		{app.ColProvider, false, "[marcusstaff abello camilles tbecker]"},
		{app.ColCell, false, "[camilles abello marcusstaff tbecker]"},
		{app.ColEmergency, false, "[camilles abello marcusstaff tbecker]"},
		{app.ColStatus, false, "[abello camilles tbecker marcusstaff]"},
	}
	for _, tt := range tests {
		r := app.NewRoster(rosterFixture())
		r.SetShowInactive(true)
		r.SortBy(tt.col, tt.desc)
		if got := fmt.Sprint(usernames(r)); got != tt.want {
			t.Errorf("sort by %d desc=%v: got %s, want %s", tt.col, tt.desc, got, tt.want)
		}
		// Filtering keeps the sort.
		r.SetQuery("example.com")
		if r.Len() != 2 {
			t.Errorf("after filter: %d rows, want 2", r.Len())
		}
	}
}

func TestRosterIndexOfAndReset(t *testing.T) {
	r := app.NewRoster(rosterFixture())
	r.SortBy(app.ColName, false)
	if i := r.IndexOf(4); i < 0 || r.Row(i).ID != 4 {
		t.Fatalf("IndexOf(4) = %d", i)
	}
	if i := r.IndexOf(3); i != -1 {
		t.Fatalf("IndexOf(hidden inactive) = %d, want -1", i)
	}
	r.SetQuery("aisha")
	r.Reset(append(rosterFixture(), &app.Staff{ID: 5, Username: "aishak", FirstName: "Aisha", LastName: "Khan", Status: app.StatusActive}))
	if got := fmt.Sprint(usernames(r)); got != "[abello aishak]" {
		t.Fatalf("after Reset the query and sort hold: got %s", got)
	}
	if col, desc := r.Sort(); col != app.ColName || desc {
		t.Fatalf("Sort() = %v %v", col, desc)
	}
}

// staff100k is a practice far larger than any real one, for the grid's benchmarks.
func staff100k() []*app.Staff {
	first := []string{"Camille", "Marcus", "Aisha", "Luis", "Grace", "Dmitri", "Priya", "Noah", "Mei", "Rosa", "Tom", "Jamie"}
	last := []string{"Staff", "Bello", "Ortega", "Kim", "Volkov", "Raman", "Fischer", "Chen", "Delgado", "Becker", "Tester", "Nguyen"}
	prov := []string{"Kate Provider, MD", "Hannah Provider, DO", "Robert Allen, Jr., MD"}
	status := []app.StaffStatus{app.StatusActive, app.StatusActive, app.StatusPending, app.StatusInactive}
	out := make([]*app.Staff, 100_000)
	for i := range out {
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		out[i] = &app.Staff{
			ID: int64(i + 1), FirstName: f, LastName: l, RoleID: int64(i%5 + 1),
			Username:     fmt.Sprintf("%s%s%d", f[:1], l, i),
			Email:        fmt.Sprintf("%s.%s%d@example.com", f, l, i),
			ProviderName: prov[i%len(prov)],
			CellPhone:    fmt.Sprintf("+1217555%04d", i%10000),
			Status:       status[i%len(status)],
		}
	}
	return out
}

// BenchmarkRosterKeystroke is one keystroke in the search box: the query grows by a
// letter and the 100,000 accounts are filtered again (the aim is under 16 ms).
func BenchmarkRosterKeystroke(b *testing.B) {
	r := app.NewRoster(staff100k())
	queries := []string{"c", "ca", "cam", "cami", "camil", "camill", "camille", "camille ", "camille s", "camille st"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.SetQuery(queries[i%len(queries)])
	}
}

// BenchmarkRosterSortFirst is the first click on a column header over 100,000
// accounts: the column's order is computed.
func BenchmarkRosterSortFirst(b *testing.B) {
	staff := staff100k()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := app.NewRoster(staff) // sorted by login
		b.StartTimer()
		r.SortBy(app.ColName, false)
	}
}

// BenchmarkRosterSortAgain is a later click on a header already sorted by (reversing
// the direction, or coming back to the column).
func BenchmarkRosterSortAgain(b *testing.B) {
	r := app.NewRoster(staff100k())
	r.SortBy(app.ColName, false)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.SortBy(app.ColName, i%2 == 0)
	}
}

// BenchmarkRosterLoad builds the grid's model from 100,000 accounts (once per reload).
func BenchmarkRosterLoad(b *testing.B) {
	staff := staff100k()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		app.NewRoster(staff)
	}
}

// IndexOf answers from an index that follows every filter and sort, not a scan.
func TestRosterIndexOfFollowsTheShownRows(t *testing.T) {
	r := app.NewRoster(rosterFixture())
	check := func(when string) {
		t.Helper()
		for id := int64(1); id <= 5; id++ {
			want := -1
			for i := 0; i < r.Len(); i++ {
				if r.Row(i).ID == id {
					want = i
				}
			}
			if got := r.IndexOf(id); got != want {
				t.Errorf("%s: IndexOf(%d) = %d, want %d", when, id, got, want)
			}
		}
	}
	check("by login")
	r.SetShowInactive(true)
	check("inactive shown")
	r.SortBy(app.ColName, true)
	check("by name, descending")
	r.SetQuery("staff")
	check("searching staff")
	r.Reset(rosterFixture()[:2])
	check("after Reset")

	// At 100,000 accounts, a question after every refresh must not be a scan.
	big := make([]*app.Staff, 100_000)
	for i := range big {
		big[i] = &app.Staff{ID: int64(i + 1), Username: fmt.Sprintf("user%06d", i), Status: app.StatusActive}
	}
	r = app.NewRoster(big)
	r.IndexOf(1)
	if n := testing.AllocsPerRun(100, func() { r.IndexOf(100_000) }); n != 0 {
		t.Errorf("IndexOf allocates %v times", n)
	}
	res := testing.Benchmark(func(b *testing.B) {
		for range b.N {
			r.IndexOf(100_000)
		}
	})
	if per := res.NsPerOp(); per > 5_000 {
		t.Errorf("IndexOf of the last row takes %d ns: a scan", per)
	}
}

// A column's first sort can be computed on another goroutine and handed to the roster;
// an order computed before a Reset is refused.
func TestRosterOrderWork(t *testing.T) {
	r := app.NewRoster(rosterFixture())
	r.SetShowInactive(true)
	if r.HasOrder(app.ColEmail) {
		t.Fatal("the email order is known before anything sorted by it")
	}
	work := r.OrderWork(app.ColEmail)
	done := make(chan app.ColumnOrder)
	go func() { done <- work() }()
	r.SetQuery("") // the roster stays usable meanwhile
	r.AddOrder(<-done)
	if !r.HasOrder(app.ColEmail) {
		t.Fatal("AddOrder did not keep the order")
	}
	r.SortBy(app.ColEmail, false)
	if got := fmt.Sprint(usernames(r)); got != "[abello camilles marcusstaff tbecker]" {
		t.Errorf("by email: %s", got)
	}

	stale := r.OrderWork(app.ColProvider)
	r.Reset(rosterFixture())
	r.AddOrder(stale())
	if r.HasOrder(app.ColProvider) {
		t.Error("an order of the accounts before Reset was kept")
	}
}

// filterFixture is a practice of two offices and two roles, with a locked account, one
// never signed in and pending ones about to expire or not, at the time filterNow.
var filterNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func filterFixture() []*app.Staff {
	const nurse, frontDesk = 10, 20
	const main, river = 1, 2
	signedIn := app.SignInState{LastSignInAt: filterNow.Add(-48 * time.Hour)}
	return []*app.Staff{
		{ID: 1, Username: "anurse", RoleID: nurse, Status: app.StatusActive, SignIn: signedIn},
		{ID: 2, Username: "bmain", RoleID: frontDesk, Status: app.StatusActive, RestrictOffices: true, OfficeIDs: []int64{main}, SignIn: signedIn},
		{ID: 3, Username: "cboth", RoleID: nurse, Status: app.StatusActive, RestrictOffices: true, OfficeIDs: []int64{main, river},
			SignIn: app.SignInState{LastSignInAt: filterNow.Add(-time.Hour), Failures: 10, LockedUntil: filterNow.Add(10 * time.Minute)}},
		{ID: 4, Username: "dnever", RoleID: frontDesk, Status: app.StatusActive, RestrictOffices: true, OfficeIDs: []int64{river}},
		{ID: 5, Username: "esoon", RoleID: nurse, Status: app.StatusPending, ActivationExpires: filterNow.Add(2 * time.Hour)},
		{ID: 6, Username: "flater", RoleID: frontDesk, Status: app.StatusPending, RestrictOffices: true, OfficeIDs: []int64{river},
			ActivationExpires: filterNow.Add(ExpiringTestLead)},
		{ID: 7, Username: "gleft", RoleID: nurse, Status: app.StatusInactive, RestrictOffices: true, OfficeIDs: []int64{main},
			SignIn: app.SignInState{LockedUntil: filterNow.Add(5 * time.Minute)}},
		// Restrict offices on with no office left: restricted, but to none.
		{ID: 8, Username: "hnowhere", RoleID: nurse, Status: app.StatusActive, RestrictOffices: true, SignIn: signedIn},
	}
}

// ExpiringTestLead is when flater's code expires: a day and an hour away, so that it
// becomes "expiring" an hour after filterNow.
const ExpiringTestLead = app.ExpiringWithin + time.Hour

func TestRosterStatusOfficeAndRoleFilters(t *testing.T) {
	const nurse, frontDesk = 10, 20
	const main, river = 1, 2
	tests := []struct {
		name         string
		f            app.RosterFilter
		showInactive bool
		query        string
		want         string
	}{
		{"all, inactive hidden as before", app.RosterFilter{}, false, "", "[anurse bmain cboth dnever esoon flater hnowhere]"},
		{"all with Show inactive", app.RosterFilter{}, true, "", "[anurse bmain cboth dnever esoon flater gleft hnowhere]"},
		{"pending", app.RosterFilter{Status: app.OnlyPending}, false, "", "[esoon flater]"},
		{"active", app.RosterFilter{Status: app.OnlyActive}, false, "", "[anurse bmain cboth dnever hnowhere]"},
		{"inactive without the switch", app.RosterFilter{Status: app.OnlyInactive}, false, "", "[gleft]"},
		{"locked, at the time given, inactive ones too", app.RosterFilter{Status: app.OnlyLocked}, false, "", "[cboth gleft]"},
		{"never signed in: active ones only", app.RosterFilter{Status: app.OnlyNeverSignedIn}, false, "", "[dnever]"},
		{"activation expiring within a day", app.RosterFilter{Status: app.OnlyActivationExpiring}, false, "", "[esoon]"},
		{"an office: those restricted to it", app.RosterFilter{Office: main}, false, "", "[bmain cboth]"},
		{"an office with Show inactive", app.RosterFilter{Office: main}, true, "", "[bmain cboth gleft]"},
		{"the other office", app.RosterFilter{Office: river}, false, "", "[cboth dnever flater]"},
		{"not restricted", app.RosterFilter{Office: app.NotRestricted}, false, "", "[anurse esoon]"},
		{"a role", app.RosterFilter{Role: frontDesk}, false, "", "[bmain dnever flater]"},
		{"role, office and status at once", app.RosterFilter{Status: app.OnlyActive, Office: river, Role: nurse}, false, "", "[cboth]"},
		{"filter and search at once", app.RosterFilter{Role: nurse}, false, "o", "[cboth esoon hnowhere]"},
		{"a filter nobody passes", app.RosterFilter{Status: app.OnlyPending, Office: main}, false, "", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := app.NewRoster(filterFixture())
			r.SetShowInactive(tt.showInactive)
			r.SetFilter(tt.f, filterNow)
			r.SetQuery(tt.query)
			if got := fmt.Sprint(usernames(r)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if r.Filter() != tt.f || r.Filter().Narrows() != (tt.f != app.RosterFilter{}) {
				t.Errorf("Filter() = %+v", r.Filter())
			}
			// The filter holds across a reload and a sort.
			r.Reset(filterFixture())
			r.SortBy(app.ColLogin, true)
			r.SortBy(app.ColLogin, false)
			if got := fmt.Sprint(usernames(r)); got != tt.want {
				t.Errorf("after Reset and sort: got %s, want %s", got, tt.want)
			}
		})
	}
}

// Locked and Activation expiring are told at the roster's time: moving it on past a
// lock's end or into a code's last day changes the rows, and moving it on by less does
// not filter again.
func TestRosterTimedFiltersFollowTheTime(t *testing.T) {
	r := app.NewRoster(filterFixture())
	r.SetFilter(app.RosterFilter{Status: app.OnlyLocked}, filterNow)
	if got := fmt.Sprint(usernames(r)); got != "[cboth gleft]" {
		t.Fatalf("locked at first: %s", got)
	}
	r.SetNow(filterNow.Add(6 * time.Minute)) // gleft's lock is over
	if got := fmt.Sprint(usernames(r)); got != "[cboth]" {
		t.Errorf("locked 6 minutes on: %s", got)
	}
	r.SetNow(filterNow.Add(11 * time.Minute))
	if r.Len() != 0 {
		t.Errorf("locked 11 minutes on: %v", usernames(r))
	}
	r.SetNow(filterNow.Add(12 * time.Minute))
	if n := testing.AllocsPerRun(10, func() { r.SetNow(filterNow.Add(13 * time.Minute)) }); n != 0 {
		t.Errorf("SetNow with nothing to change allocates %v times", n)
	}

	r.SetFilter(app.RosterFilter{Status: app.OnlyActivationExpiring}, filterNow)
	if got := fmt.Sprint(usernames(r)); got != "[esoon]" {
		t.Fatalf("expiring at first: %s", got)
	}
	r.SetNow(filterNow.Add(61 * time.Minute)) // flater's code is within a day of expiring
	if got := fmt.Sprint(usernames(r)); got != "[esoon flater]" {
		t.Errorf("expiring an hour on: %s", got)
	}
	r.SetNow(filterNow.Add(3 * time.Hour)) // esoon's has expired: it still needs resending
	if got := fmt.Sprint(usernames(r)); got != "[esoon flater]" {
		t.Errorf("expiring 3 hours on: %s", got)
	}
}

// The status choices read as the grid offers them, All first.
func TestStatusChoiceLabels(t *testing.T) {
	var labels []string
	for _, c := range app.StatusChoices {
		labels = append(labels, c.Label())
	}
	want := "All statuses|Pending activation|Active|Inactive|Locked|Never signed in|Activation expiring"
	if got := strings.Join(labels, "|"); got != want {
		t.Errorf("labels = %s", got)
	}
}

// BenchmarkRosterFilterChange is a choice in one of the grid's filter drop-downs over
// 100,000 accounts: one pass to mark who passes, one over the sort order.
func BenchmarkRosterFilterChange(b *testing.B) {
	r := app.NewRoster(staff100k())
	now := time.Now()
	filters := []app.RosterFilter{{Status: app.OnlyActive}, {Status: app.OnlyLocked}, {Role: 3}, {}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.SetFilter(filters[i%len(filters)], now)
	}
}
