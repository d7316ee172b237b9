package data_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
)

// fixture is a practice with one provider, ready for staff accounts.
type fixture struct {
	db             *data.DB
	provider       *app.Provider
	roleID         int64 // Nurse
	careTeamRoleID int64 // General nurse (occupation)
}

func newFixture(tb testing.TB, db *data.DB) *fixture {
	tb.Helper()
	f := &fixture{db: db, provider: &app.Provider{FirstName: "Kate", LastName: "Provider", Suffix: "Jr.", Credentials: "MD", Active: true}}
	mustWrite(tb, db, func(tx app.Tx) error {
		if err := tx.CreateProvider(f.provider); err != nil {
			return err
		}
		var err error
		f.roleID, err = roleID(tx, "Nurse")
		if err != nil {
			return err
		}
		ctrs, err := tx.CareTeamRoles()
		for _, r := range ctrs {
			if r.Name == "General nurse (occupation)" {
				f.careTeamRoleID = r.ID
			}
		}
		return err
	})
	if f.roleID == 0 || f.careTeamRoleID == 0 {
		tb.Fatal("seeded Nurse or General nurse (occupation) missing")
	}
	return f
}

func roleID(tx app.Tx, name string) (int64, error) {
	roles, err := tx.Roles()
	for _, r := range roles {
		if r.Name == name {
			return r.ID, nil
		}
	}
	return 0, err
}

// staff returns a complete, unsaved account for username.
func (f *fixture) staff(username string) *app.Staff {
	return &app.Staff{
		FirstName:         "Camille",
		LastName:          "Staff",
		ProviderID:        f.provider.ID,
		RoleID:            f.roleID,
		CareTeamRoleID:    f.careTeamRoleID,
		CareTeamIDType:    app.CareTeamIDNCSBN,
		CareTeamID:        "12345678",
		Email:             username + "@example.com",
		Username:          username,
		HomePhone:         "+12175550101",
		CellPhone:         "+12175550102",
		SendDailyBilling:  true,
		UnlockPIN:         "1234",
		SupportPIN:        "123456",
		UseNewDashboard:   true,
		EnableEmailUpdate: true,
		EmergencyAccess:   true,
		Status:            app.StatusPending,
		CreatedAt:         t1,
		UpdatedAt:         t1,
	}
}

func (f *fixture) mustCreateStaff(tb testing.TB, username string) *app.Staff {
	tb.Helper()
	s := f.staff(username)
	mustWrite(tb, f.db, func(tx app.Tx) error { return tx.CreateStaff(s, "hash-of-"+username) })
	return s
}

func (f *fixture) mustOffice(tb testing.TB, name string) *app.Office {
	tb.Helper()
	o := &app.Office{Name: name, Address: "1 Main St", Phone: "+12175550100", Active: true}
	mustWrite(tb, f.db, func(tx app.Tx) error { return tx.CreateOffice(o) })
	return o
}

// countRows counts a table's rows through a connection of its own, to see what is in
// the file whatever the store's methods show.
func countRows(tb testing.TB, path, table string) int {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// wantRefusal fails unless err is the store's refusal of a record of kind rec about
// field ("" for the record itself) with code, carrying no words for a person: those
// are the services'.
func wantRefusal(tb testing.TB, err error, code string, rec app.Record, field string) {
	tb.Helper()
	wantError(tb, err, code, "")
	if msg := app.ErrorMessage(err); msg != "" {
		tb.Fatalf("the store said %q to a person", msg)
	}
	var r *app.Refusal
	if !errors.As(err, &r) || r.Record != rec || r.Field != field {
		tb.Fatalf("refusal = %+v, want %s %q (error: %v)", r, rec, field, err)
	}
}

var (
	t1 = time.Date(2026, 4, 7, 18, 4, 0, 123456789, time.UTC)
	t2 = t1.Add(time.Hour)
	t3 = t2.Add(time.Hour)
	t4 = t3.Add(time.Hour)
)

func TestStaff_CreateAndRead(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	riverside, downtown := f.mustOffice(t, "Riverside"), f.mustOffice(t, "Downtown")

	s := f.staff("camilles")
	s.RestrictOffices, s.OfficeIDs = true, []int64{riverside.ID, downtown.ID, riverside.ID}
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "the-hash") })
	if s.ID == 0 || s.Version != 1 || !s.CreatedAt.Equal(t1) || !s.UpdatedAt.Equal(t1) {
		t.Fatalf("after create: ID %d, version %d, CreatedAt %v, UpdatedAt %v", s.ID, s.Version, s.CreatedAt, s.UpdatedAt)
	}
	if s.Status != app.StatusPending || !s.ActivatedAt.IsZero() {
		t.Fatalf("new account: status %q, activated %v; want pending, never", s.Status, s.ActivatedAt)
	}

	var got *app.Staff
	mustRead(t, db, func(tx app.Tx) (err error) { got, err = tx.Staff(s.ID); return err })
	want := *s
	want.ProviderName = "Kate Provider, Jr., MD"
	want.RoleName = "Nurse"
	want.CareTeamRoleName = "General nurse (occupation)"
	want.OfficeIDs = []int64{downtown.ID, riverside.ID} // by name, each once
	want.OfficeNames = []string{"Downtown", "Riverside"}
	assertStaff(t, got, &want)

	// The grid's read: names and office ids (in the same order), no PINs, no office names.
	var list []*app.Staff
	mustRead(t, db, func(tx app.Tx) (err error) { list, err = tx.FindStaff(app.StaffFilter{}); return err })
	if len(list) != 1 {
		t.Fatalf("FindStaff returned %d accounts, want 1", len(list))
	}
	want.UnlockPIN, want.SupportPIN, want.OfficeNames = "", "", nil
	assertStaff(t, list[0], &want)
}

func assertStaff(tb testing.TB, got, want *app.Staff) {
	tb.Helper()
	// Times compare by instant, not representation.
	for _, p := range [][2]time.Time{{got.ActivatedAt, want.ActivatedAt}, {got.CreatedAt, want.CreatedAt}, {got.UpdatedAt, want.UpdatedAt}} {
		if !p[0].Equal(p[1]) {
			tb.Fatalf("time %v, want %v", p[0], p[1])
		}
	}
	g, w := *got, *want
	g.ActivatedAt, g.CreatedAt, g.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	w.ActivatedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("staff =\n%+v\nwant\n%+v", g, w)
	}
}

func TestStaff_NoCareTeamRoleNorPINs(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.staff("marcus")
	s.CareTeamRoleID, s.CareTeamIDType, s.CareTeamID = 0, app.CareTeamIDNone, ""
	s.UnlockPIN, s.SupportPIN = "", ""
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "hash") })
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.Staff(s.ID)
		if err != nil {
			return err
		}
		if got.CareTeamRoleID != 0 || got.CareTeamRoleName != "" || got.UnlockPIN != "" || got.SupportPIN != "" || got.OfficeIDs != nil {
			t.Fatalf("got %+v", got)
		}
		return nil
	})
}

func TestStaff_NotFound(t *testing.T) {
	db := MustOpenDB(t)
	mustWrite(t, db, func(tx app.Tx) error {
		_, err := tx.Staff(404)
		wantRefusal(t, err, app.ENOTFOUND, app.RecordStaff, "")
		wantRefusal(t, tx.UpdateStaff(&app.Staff{ID: 404, Version: 1, Username: "x", Email: "x@example.com"}), app.ENOTFOUND, app.RecordStaff, "")
		wantRefusal(t, tx.SetStaffStatus(&app.Staff{ID: 404, Version: 1, Status: app.StatusActive}), app.ENOTFOUND, app.RecordStaff, "")
		wantRefusal(t, tx.SetPasswordHash(404, "h", t1), app.ENOTFOUND, app.RecordStaff, "")
		_, err = tx.PasswordHash(404)
		wantRefusal(t, err, app.ENOTFOUND, app.RecordStaff, "")
		wantRefusal(t, tx.DeleteStaff(404), app.ENOTFOUND, app.RecordStaff, "")
		return nil
	})
}

func TestFindStaff_FiltersAndOrder(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	for _, u := range []string{"Zed", "adam", "Bob", "camilles"} {
		s := f.staff(u)
		s.EmailKey, s.UsernameKey = app.EmailKey(s.Email), app.UsernameKey(s.Username)
		mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "hash") })
	}
	mustRead(t, db, func(tx app.Tx) error {
		all, err := tx.FindStaff(app.StaffFilter{})
		if err != nil {
			return err
		}
		var names []string
		for _, s := range all {
			names = append(names, s.Username)
		}
		if want := []string{"Zed", "adam", "Bob", "camilles"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("order %v, want %v (by id: the grid sorts)", names, want)
		}

		for _, filter := range []app.StaffFilter{
			{Username: "BOB"}, {EmailKey: app.EmailKey("bob@EXAMPLE.com")}, {UsernameKey: app.UsernameKey("BOB")},
			{ID: all[2].ID}, {Username: "bob", EmailKey: app.EmailKey("Bob@example.com")},
		} {
			got, err := tx.FindStaff(filter)
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].Username != "Bob" {
				t.Fatalf("FindStaff(%+v) = %v, want Bob", filter, got)
			}
		}
		if got, err := tx.FindStaff(app.StaffFilter{Username: "bob", EmailKey: app.EmailKey("adam@example.com")}); err != nil || len(got) != 0 {
			t.Fatalf("filters must all match: got %v, %v", got, err)
		}
		return nil
	})
}

func TestStaff_UniqueIgnoringCase(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	camille := f.mustCreateStaff(t, "camilles")
	marcus := f.mustCreateStaff(t, "marcus")

	mustWrite(t, db, func(tx app.Tx) error {
		s := f.staff("CamilleS")
		s.Email = "other@example.com"
		wantRefusal(t, tx.CreateStaff(s, "h"), app.ECONFLICT, app.RecordStaff, app.FieldUsername)

		s = f.staff("newperson")
		s.Email = "CAMILLES@Example.COM"
		wantRefusal(t, tx.CreateStaff(s, "h"), app.ECONFLICT, app.RecordStaff, app.FieldEmail)

		// Taking another account's username or email on update.
		m := *marcus
		m.Username = "CAMILLES"
		wantRefusal(t, tx.UpdateStaff(&m), app.ECONFLICT, app.RecordStaff, app.FieldUsername)
		m = *marcus
		m.Email = "Camilles@example.com"
		wantRefusal(t, tx.UpdateStaff(&m), app.ECONFLICT, app.RecordStaff, app.FieldEmail)

		// Changing the case of one's own is no conflict.
		c := *camille
		c.Username, c.Email = "CamilleS", "CamilleS@example.com"
		if err := tx.UpdateStaff(&c); err != nil {
			return err
		}

		// The failed statements left the transaction usable: this commits.
		return tx.CreateStaff(f.staff("noah"), "h")
	})
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.FindStaff(app.StaffFilter{})
		if len(got) != 3 || got[0].Username != "CamilleS" || got[2].Username != "noah" {
			t.Fatalf("after the transaction: %v", got)
		}
		return err
	})
}

func TestStaff_ForeignKeys(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	existing := f.mustCreateStaff(t, "camilles")

	for _, tc := range []struct {
		name, field string
		record      app.Record
		change      func(*app.Staff)
	}{
		{"provider", app.FieldProvider, app.RecordProvider, func(s *app.Staff) { s.ProviderID = 404 }},
		{"role", app.FieldRole, app.RecordRole, func(s *app.Staff) { s.RoleID = 404 }},
		{"care team role", app.FieldCareTeamRole, app.RecordCareTeamRole, func(s *app.Staff) { s.CareTeamRoleID = 404 }},
		{"office", app.FieldOffices, app.RecordOffice, func(s *app.Staff) { s.RestrictOffices, s.OfficeIDs = true, []int64{404} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Write(context.Background(), func(tx app.Tx) error {
				s := f.staff("newperson")
				tc.change(s)
				return tx.CreateStaff(s, "h")
			})
			wantRefusal(t, err, app.ENOTFOUND, tc.record, tc.field)

			err = db.Write(context.Background(), func(tx app.Tx) error {
				s := *existing
				tc.change(&s)
				return tx.UpdateStaff(&s)
			})
			wantRefusal(t, err, app.ENOTFOUND, tc.record, tc.field)
		})
	}
	mustRead(t, db, func(tx app.Tx) error {
		if n, err := tx.CountStaff(); err != nil || n != 1 {
			t.Fatalf("CountStaff = %d, %v; want 1", n, err)
		}
		return nil
	})
}

func TestStaff_Update(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	a, b, c := f.mustOffice(t, "A Office"), f.mustOffice(t, "B Office"), f.mustOffice(t, "C Office")
	other := &app.Provider{FirstName: "Hannah", LastName: "Provider", Credentials: "DO", Active: true}
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateProvider(other) })

	s := f.staff("camilles")
	s.RestrictOffices, s.OfficeIDs = true, []int64{a.ID, b.ID}
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "the-hash") })
	s.Status, s.ActivatedAt = app.StatusActive, t1
	mustWrite(t, db, func(tx app.Tx) error { return tx.SetStaffStatus(s) })

	u := *s
	u.UpdatedAt = t2
	u.FirstName, u.LastName = "Camila", "Nurse"
	u.ProviderID = other.ID
	u.CareTeamRoleID, u.CareTeamIDType, u.CareTeamID = 0, app.CareTeamIDNone, ""
	u.Email, u.Username = "camila@example.com", "camila"
	u.HomePhone, u.CellPhone = "", "+12175550199"
	u.SendDailyBilling, u.UseNewDashboard, u.EnableEmailUpdate, u.EmergencyAccess = false, false, false, false
	u.UnlockPIN, u.SupportPIN = "9876", "987654"
	u.OfficeIDs = []int64{c.ID}
	// Status and CreatedAt are not the update's to change, whatever the struct says.
	u.Status, u.CreatedAt, u.ActivatedAt = app.StatusInactive, t4, t4
	mustWrite(t, db, func(tx app.Tx) error { return tx.UpdateStaff(&u) })
	if u.Version != 3 {
		t.Fatalf("Version = %d after create, status and update, want 3", u.Version)
	}

	var got *app.Staff
	var hash string
	mustRead(t, db, func(tx app.Tx) (err error) {
		if got, err = tx.Staff(s.ID); err != nil {
			return err
		}
		hash, err = tx.PasswordHash(s.ID)
		return err
	})
	want := u
	want.Status, want.ActivatedAt, want.CreatedAt, want.UpdatedAt = app.StatusActive, t1, t1, t2
	want.ProviderName, want.RoleName, want.CareTeamRoleName = "Hannah Provider, DO", "Nurse", ""
	want.OfficeIDs, want.OfficeNames = []int64{c.ID}, []string{"C Office"}
	assertStaff(t, got, &want)
	if hash != "the-hash" {
		t.Fatalf("password hash %q changed by update", hash)
	}
	if n := countRows(t, db.Path(), "staff_offices"); n != 1 {
		t.Fatalf("%d staff_offices rows, want 1 (replaced, not added to)", n)
	}

	// Lifting the restriction clears the offices.
	u.RestrictOffices, u.OfficeIDs = false, nil
	mustWrite(t, db, func(tx app.Tx) error { return tx.UpdateStaff(&u) })
	if n := countRows(t, db.Path(), "staff_offices"); n != 0 {
		t.Fatalf("%d staff_offices rows, want 0", n)
	}
}

func TestStaff_SetStatus(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.mustCreateStaff(t, "camilles")

	// The store writes the status, ActivatedAt and time it is given: when an account
	// counts as activated is the service's rule, not the store's.
	status := func(st app.StaffStatus, activated, at time.Time) *app.Staff {
		t.Helper()
		s.Status, s.ActivatedAt, s.UpdatedAt = st, activated, at
		mustWrite(t, db, func(tx app.Tx) error { return tx.SetStaffStatus(s) })
		var got *app.Staff
		mustRead(t, db, func(tx app.Tx) (err error) { got, err = tx.Staff(s.ID); return err })
		if got.Status != st || !got.UpdatedAt.Equal(at) || !got.ActivatedAt.Equal(activated) || got.Version != s.Version {
			t.Fatalf("status %q at %v, activated %v, version %d; want %q at %v, %v, %d",
				got.Status, got.UpdatedAt, got.ActivatedAt, got.Version, st, at, activated, s.Version)
		}
		return got
	}
	status(app.StatusActive, t2, t2)
	status(app.StatusInactive, t2, t3)
	if got := status(app.StatusPending, time.Time{}, t4); got.Version != 4 {
		t.Fatalf("version %d after three status changes, want 4", got.Version)
	}

	bad := *s
	bad.Status = "retired"
	err := db.Write(context.Background(), func(tx app.Tx) error { return tx.SetStaffStatus(&bad) })
	wantError(t, err, app.EINTERNAL, "")

	// A status change from a stale copy is refused.
	stale := *s
	stale.Version--
	stale.Status = app.StatusActive
	err = db.Write(context.Background(), func(tx app.Tx) error { return tx.SetStaffStatus(&stale) })
	wantRefusal(t, err, app.ECONFLICT, app.RecordStaff, "")
	if !app.IsChanged(err) {
		t.Fatalf("stale status change: %v, want ErrChanged", err)
	}
}

// Every update names the version it read: one made from an older copy is refused,
// whatever it would write, and the row is left as the newer update made it.
func TestStaff_UpdateRefusesStaleVersion(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.mustCreateStaff(t, "camilles")
	first, second := *s, *s // two windows opened on the account

	first.LastName = "Nurse"
	mustWrite(t, db, func(tx app.Tx) error { return tx.UpdateStaff(&first) })
	second.FirstName = "Camila"
	err := db.Write(context.Background(), func(tx app.Tx) error { return tx.UpdateStaff(&second) })
	wantRefusal(t, err, app.ECONFLICT, app.RecordStaff, "")
	if !app.IsChanged(err) {
		t.Fatalf("stale update: %v, want ErrChanged", err)
	}
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.Staff(s.ID)
		if err == nil && (got.FirstName != "Camille" || got.LastName != "Nurse" || got.Version != 2) {
			t.Fatalf("after the refused update: %s %s, version %d", got.FirstName, got.LastName, got.Version)
		}
		return err
	})

	// A password change moves the version on too.
	mustWrite(t, db, func(tx app.Tx) error { return tx.SetPasswordHash(s.ID, "h2", t2) })
	err = db.Write(context.Background(), func(tx app.Tx) error { return tx.UpdateStaff(&first) })
	if !app.IsChanged(err) {
		t.Fatalf("update after a password change: %v, want ErrChanged", err)
	}
}

func TestStaff_PasswordHash(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.mustCreateStaff(t, "camilles")
	mustWrite(t, db, func(tx app.Tx) error {
		if h, err := tx.PasswordHash(s.ID); err != nil || h != "hash-of-camilles" {
			t.Fatalf("PasswordHash = %q, %v", h, err)
		}
		return tx.SetPasswordHash(s.ID, "new-hash", t2)
	})
	mustRead(t, db, func(tx app.Tx) error {
		if h, err := tx.PasswordHash(s.ID); err != nil || h != "new-hash" {
			t.Fatalf("PasswordHash = %q, %v", h, err)
		}
		return nil
	})
}

func TestStaff_Delete(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	office := f.mustOffice(t, "Riverside")
	s := f.staff("camilles")
	s.RestrictOffices, s.OfficeIDs = true, []int64{office.ID}
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "h") })
	keep := f.mustCreateStaff(t, "marcus")

	mustWrite(t, db, func(tx app.Tx) error { return tx.DeleteStaff(s.ID) })
	mustRead(t, db, func(tx app.Tx) error {
		_, err := tx.Staff(s.ID)
		wantRefusal(t, err, app.ENOTFOUND, app.RecordStaff, "")
		_, err = tx.Staff(keep.ID)
		return err
	})
	if n := countRows(t, db.Path(), "staff_offices"); n != 0 {
		t.Fatalf("%d staff_offices rows left by the deleted account", n)
	}
	// The office itself stays.
	mustRead(t, db, func(tx app.Tx) error { _, err := tx.Office(office.ID); return err })
}

func TestStaff_Counts(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	other := &app.Provider{FirstName: "Hannah", LastName: "Provider", Active: true}
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateProvider(other) })

	a, b := f.mustCreateStaff(t, "a"), f.mustCreateStaff(t, "b")
	f.mustCreateStaff(t, "c")
	o := f.staff("d")
	o.ProviderID = other.ID
	mustWrite(t, db, func(tx app.Tx) error {
		if err := tx.CreateStaff(o, "h"); err != nil {
			return err
		}
		a.Status, a.ActivatedAt = app.StatusActive, t2
		if err := tx.SetStaffStatus(a); err != nil {
			return err
		}
		b.Status = app.StatusInactive
		return tx.SetStaffStatus(b)
	})
	mustRead(t, db, func(tx app.Tx) error {
		if n, err := tx.CountStaff(); err != nil || n != 4 {
			t.Fatalf("CountStaff = %d, %v; want 4, inactive included", n, err)
		}
		if n, err := tx.CountStaffOfProvider(f.provider.ID); err != nil || n != 2 {
			t.Fatalf("CountStaffOfProvider = %d, %v; want 2 (active and pending)", n, err)
		}
		if n, err := tx.CountStaffOfProvider(other.ID); err != nil || n != 1 {
			t.Fatalf("CountStaffOfProvider(other) = %d, %v; want 1", n, err)
		}
		return nil
	})
}

// BenchmarkFindStaff100k measures the staff grid's load of 100,000 accounts.
func BenchmarkFindStaff100k(b *testing.B) {
	const n = 100_000
	db := MustOpenDBAt(b, b.TempDir()+"/staffdesk.db", newTestSealer(b))
	f := newFixture(b, db)
	seedStaff(b, db, f, n)

	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var list []*app.Staff
		if err := db.Read(context.Background(), func(tx app.Tx) (err error) {
			list, err = tx.FindStaff(app.StaffFilter{})
			return err
		}); err != nil {
			b.Fatal(err)
		}
		if len(list) != n {
			b.Fatalf("%d rows, want %d", len(list), n)
		}
	}
}

// BenchmarkFindStaff100kOffices is the same load when half the accounts are
// restricted to offices (a quarter to two), whose ids FindStaff reads too.
func BenchmarkFindStaff100kOffices(b *testing.B) {
	const n = 100_000
	db := MustOpenDBAt(b, b.TempDir()+"/staffdesk.db", newTestSealer(b))
	f := newFixture(b, db)
	seedStaff(b, db, f, n)
	zeta, alpha := f.mustOffice(b, "Zeta Clinic"), f.mustOffice(b, "Alpha Clinic")
	rawExec(b, db.Path(),
		`UPDATE staff SET restrict_offices = 1 WHERE id % 2 = 0`,
		fmt.Sprintf(`INSERT INTO staff_offices (staff_id, office_id) SELECT id, %d FROM staff WHERE id %% 2 = 0`, zeta.ID),
		fmt.Sprintf(`INSERT INTO staff_offices (staff_id, office_id) SELECT id, %d FROM staff WHERE id %% 4 = 0`, alpha.ID))

	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var list []*app.Staff
		if err := db.Read(context.Background(), func(tx app.Tx) (err error) {
			list, err = tx.FindStaff(app.StaffFilter{})
			return err
		}); err != nil {
			b.Fatal(err)
		}
		if len(list) != n || len(list[3].OfficeIDs) != 2 || list[3].OfficeIDs[0] != alpha.ID || list[0].OfficeIDs != nil {
			b.Fatalf("%d rows, offices %v and %v", len(list), list[3].OfficeIDs, list[0].OfficeIDs)
		}
	}
}

// seedStaff inserts n accounts straight into the file in one transaction with one
// prepared statement: the store's CreateStaff would seal two PINs per row, which is
// not what the benchmark measures.
func seedStaff(tb testing.TB, db *data.DB, f *fixture, n int) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?_busy_timeout=5000&_foreign_keys=on")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare(`
		INSERT INTO staff (first_name, last_name, provider_id, role_id, care_team_role_id,
			email, username, cell_phone, status, activated_at, created_at, updated_at, password_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'hash')`)
	if err != nil {
		tb.Fatal(err)
	}
	defer stmt.Close()
	now := time.Now().UnixNano()
	for i := range n {
		var ctr, activated any
		status := "pending"
		if i%3 == 0 {
			ctr = f.careTeamRoleID
		}
		if i%2 == 0 {
			status, activated = "active", now
		}
		u := fmt.Sprintf("user%06d", i)
		if _, err := stmt.Exec("First", fmt.Sprintf("Last%d", i), f.provider.ID, f.roleID, ctr,
			u+"@example.com", u, "+12175550100", status, activated, now, now); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// The grid's status cell needs the live activation code's expiry and any pending email
// change; both come with the account.
func TestFindStaff_CodesResolved(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.mustCreateStaff(t, "camilles")
	other := f.mustCreateStaff(t, "marcus")

	activation := &app.Code{StaffID: s.ID, Kind: app.CodeActivation, Digest: []byte("a"), ExpiresAt: t1.Add(app.ActivationValidFor), CreatedAt: t1}
	change := &app.Code{StaffID: s.ID, Kind: app.CodeEmailChange, Digest: []byte("e"), NewEmail: "camille.new@example.com", ExpiresAt: t3, CreatedAt: t1}
	mustWrite(t, db, func(tx app.Tx) error {
		if err := tx.CreateCode(activation); err != nil {
			return err
		}
		return tx.CreateCode(change)
	})

	read := func() (found, full *app.Staff) {
		t.Helper()
		mustRead(t, db, func(tx app.Tx) error {
			list, err := tx.FindStaff(app.StaffFilter{})
			if err != nil {
				return err
			}
			if len(list) != 2 || list[0].ID != s.ID || list[1].ActivationExpires != (time.Time{}) || list[1].PendingEmail != "" {
				t.Fatalf("FindStaff = %v (want camilles with codes, then %s without)", list, other.Username)
			}
			found = list[0]
			full, err = tx.Staff(s.ID)
			return err
		})
		return found, full
	}

	// The live codes are read with their expiry, expired or not: whether an email
	// change is still pending is the service's to say, by its clock.
	found, full := read()
	for _, got := range []*app.Staff{found, full} {
		if !got.ActivationExpires.Equal(activation.ExpiresAt) || got.PendingEmail != "camille.new@example.com" || !got.PendingEmailExpires.Equal(t3) {
			t.Fatalf("ActivationExpires %v, PendingEmail %q until %v", got.ActivationExpires, got.PendingEmail, got.PendingEmailExpires)
		}
	}
	// A used code is not live.
	mustWrite(t, db, func(tx app.Tx) error { return tx.UseCode(activation.ID, t2) })
	if got, _ := read(); !got.ActivationExpires.IsZero() {
		t.Fatalf("used activation code still shown: %v", got.ActivationExpires)
	}
}
