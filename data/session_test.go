package data_test

import (
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
)

// The records data names without an app constant (data/session.go).
const (
	recordSession  = app.Record("session")
	recordPractice = app.Record("practice")
)

// openSecond opens another handle on db's file, as a second StaffDesk on the same
// database does.
func openSecond(t *testing.T, db *data.DB, sealer app.Sealer) *data.DB {
	t.Helper()
	return MustOpenDBAt(t, db.Path(), sealer)
}

func assertSession(tb testing.TB, got, want *app.Session) {
	tb.Helper()
	for _, p := range [][2]time.Time{{got.StartedAt, want.StartedAt}, {got.LastSeenAt, want.LastSeenAt}, {got.EndedAt, want.EndedAt}} {
		if !p[0].Equal(p[1]) {
			tb.Fatalf("session %d: time %v, want %v", want.ID, p[0], p[1])
		}
	}
	g, w := *got, *want
	g.StartedAt, g.LastSeenAt, g.EndedAt = time.Time{}, time.Time{}, time.Time{}
	w.StartedAt, w.LastSeenAt, w.EndedAt = time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("session =\n%+v\nwant\n%+v", g, w)
	}
}

func sessionIDs(list []*app.Session) []int64 {
	var ids []int64
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// Sessions end in the file: a second handle on it (another desk) sees each end with
// its reason, ending only touches live sessions, and an ended one cannot be ended or
// used again.
func TestSessions_EndSeenFromAnotherDesk(t *testing.T) {
	sealer := newTestSealer(t)
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "staffdesk.db"), sealer)
	other := openSecond(t, db, sealer)
	f := newFixture(t, db)
	camille, marcus := f.mustCreateStaff(t, "camilles"), f.mustCreateStaff(t, "marcus")

	// Started out of id order: oldest first is by start.
	a := &app.Session{StaffID: camille.ID, TokenDigest: []byte("digest-a"), Desk: "Front desk PC", StartedAt: t2, LastSeenAt: t2}
	b := &app.Session{StaffID: camille.ID, TokenDigest: []byte("digest-b"), Desk: "Back office", StartedAt: t1}
	c := &app.Session{StaffID: camille.ID, TokenDigest: []byte("digest-c"), StartedAt: t3, LastSeenAt: t3}
	m := &app.Session{StaffID: marcus.ID, TokenDigest: []byte("digest-m"), StartedAt: t1, LastSeenAt: t1}
	mustWrite(t, db, func(tx app.Tx) error {
		for _, s := range []*app.Session{a, b, c, m} {
			if err := tx.CreateSession(s); err != nil {
				return err
			}
		}
		wantRefusal(t, tx.CreateSession(&app.Session{StaffID: marcus.ID, TokenDigest: []byte("digest-a"), StartedAt: t1}),
			app.ECONFLICT, recordSession, "")
		wantRefusal(t, tx.CreateSession(&app.Session{StaffID: 404, TokenDigest: []byte("digest-x"), StartedAt: t1}),
			app.ENOTFOUND, app.RecordStaff, "")
		return nil
	})
	if a.ID == 0 || b.ID == 0 || !b.LastSeenAt.Equal(t1) {
		t.Fatalf("created sessions %d, %d (b last seen %v)", a.ID, b.ID, b.LastSeenAt)
	}

	mustRead(t, other, func(tx app.Tx) error {
		got, err := tx.SessionByToken([]byte("digest-a"))
		if err != nil {
			return err
		}
		assertSession(t, got, a)
		if !got.Live() {
			t.Fatal("a new session is not live")
		}
		_, err = tx.SessionByToken([]byte("no such digest"))
		wantRefusal(t, err, app.ENOTFOUND, recordSession, "")
		_, err = tx.SessionByToken(nil)
		wantRefusal(t, err, app.ENOTFOUND, recordSession, "")
		live, err := tx.LiveSessions(camille.ID)
		if want := []int64{b.ID, a.ID, c.ID}; !reflect.DeepEqual(sessionIDs(live), want) {
			t.Fatalf("live sessions %v, want %v (oldest first)", sessionIDs(live), want)
		}
		return err
	})

	// Signing out at one desk is seen at the other.
	mustWrite(t, db, func(tx app.Tx) error {
		if err := tx.TouchSession(a.ID, t4); err != nil {
			return err
		}
		return tx.EndSession(b.ID, app.EndSignedOut, t3)
	})
	mustRead(t, other, func(tx app.Tx) error {
		got, err := tx.SessionByToken([]byte("digest-b"))
		if err != nil {
			return err
		}
		if got.Live() || !got.EndedAt.Equal(t3) || got.EndReason != app.EndSignedOut {
			t.Fatalf("session b after signing out: %+v", got)
		}
		if got, err := tx.SessionByToken([]byte("digest-a")); err != nil || !got.LastSeenAt.Equal(t4) {
			t.Fatalf("session a after use: %+v, %v", got, err)
		}
		return nil
	})
	mustWrite(t, other, func(tx app.Tx) error {
		// An ended session is not live: neither ended again nor used.
		wantRefusal(t, tx.EndSession(b.ID, app.EndPasswordReset, t4), app.ENOTFOUND, recordSession, "")
		wantRefusal(t, tx.TouchSession(b.ID, t4), app.ENOTFOUND, recordSession, "")
		wantRefusal(t, tx.EndSession(404, app.EndSignedOut, t4), app.ENOTFOUND, recordSession, "")
		// A password change at a: the others end, a and the ended b stay as they are.
		n, err := tx.EndSessions(camille.ID, a.ID, app.EndPasswordChanged, t4)
		if err != nil || n != 1 {
			t.Fatalf("EndSessions but a = %d, %v; want 1 (c)", n, err)
		}
		return nil
	})
	mustRead(t, db, func(tx app.Tx) error {
		for digest, want := range map[string]app.SessionEnd{"digest-a": "", "digest-b": app.EndSignedOut, "digest-c": app.EndPasswordChanged, "digest-m": ""} {
			got, err := tx.SessionByToken([]byte(digest))
			if err != nil {
				return err
			}
			if got.EndReason != want || got.Live() != (want == "") {
				t.Fatalf("%s: ended %v for %q, want %q", digest, got.EndedAt, got.EndReason, want)
			}
		}
		live, err := tx.LiveSessions(camille.ID)
		if !reflect.DeepEqual(sessionIDs(live), []int64{a.ID}) {
			t.Fatalf("live sessions %v, want only a", sessionIDs(live))
		}
		return err
	})

	// A live session cannot lose its account: deleting an account ends its sessions
	// first, and the ended ones outlive it to tell its window why.
	err := db.Write(t.Context(), func(tx app.Tx) error { return tx.DeleteStaff(camille.ID) })
	if err == nil || app.ErrorCode(err) == app.ENOTFOUND {
		t.Fatalf("deleting an account with a live session: %v", err)
	}
	mustWrite(t, db, func(tx app.Tx) error {
		if n, err := tx.EndSessions(camille.ID, 0, app.EndDeleted, t4); err != nil || n != 1 {
			t.Fatalf("EndSessions = %d, %v; want 1 (a)", n, err)
		}
		return tx.DeleteStaff(camille.ID)
	})
	mustRead(t, other, func(tx app.Tx) error {
		got, err := tx.SessionByToken([]byte("digest-a"))
		if err != nil {
			return err
		}
		if got.StaffID != 0 || got.EndReason != app.EndDeleted || got.Live() {
			t.Fatalf("session of a deleted account: %+v", got)
		}
		// Marcus's session was never touched.
		live, err := tx.LiveSessions(marcus.ID)
		if !reflect.DeepEqual(sessionIDs(live), []int64{m.ID}) {
			t.Fatalf("marcus's live sessions %v", sessionIDs(live))
		}
		return err
	})
}

// The sign-in record is written with the account and on its own, and writing it
// leaves the version alone: an Edit window open on the account still saves.
func TestSignInState_RoundTripWithoutVersionBump(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.staff("camilles")
	s.SignIn = app.SignInState{MustChangePassword: true}
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "hash") })
	plain := f.mustCreateStaff(t, "marcus")
	// Every field of the record is written as given, not only MustChangePassword.
	given := app.SignInState{LastSignInAt: t1, Failures: 2, LastFailedAt: t2, LockedUntil: t3, MustChangePassword: true}
	imported := f.staff("noah")
	imported.SignIn = given
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(imported, "hash") })

	read := func(id int64) (full, found *app.Staff) {
		t.Helper()
		mustRead(t, db, func(tx app.Tx) (err error) {
			if full, err = tx.Staff(id); err != nil {
				return err
			}
			list, err := tx.FindStaff(app.StaffFilter{ID: id})
			if len(list) != 1 {
				t.Fatalf("FindStaff(%d) = %v, %v", id, list, err)
			}
			found = list[0]
			return err
		})
		return full, found
	}
	for _, got := range func() []*app.Staff { a, b := read(s.ID); return []*app.Staff{a, b} }() {
		if got.SignIn != (app.SignInState{MustChangePassword: true}) {
			t.Fatalf("sign-in record after create: %+v", got.SignIn)
		}
	}
	if got, _ := read(plain.ID); got.SignIn != (app.SignInState{}) {
		t.Fatalf("an account created without a sign-in record has %+v", got.SignIn)
	}
	if got, _ := read(imported.ID); got.SignIn != given {
		t.Fatalf("sign-in record after create: %+v, want %+v", got.SignIn, given)
	}

	editing, _ := read(s.ID)
	st := app.SignInState{LastSignInAt: t1, Failures: 7, LastFailedAt: t3, LockedUntil: t4}
	mustWrite(t, db, func(tx app.Tx) error {
		wantRefusal(t, tx.SetSignInState(404, st), app.ENOTFOUND, app.RecordStaff, "")
		return tx.SetSignInState(s.ID, st)
	})
	full, found := read(s.ID)
	for _, got := range []*app.Staff{full, found} {
		if got.SignIn != st {
			t.Fatalf("sign-in record = %+v, want %+v", got.SignIn, st)
		}
		if got.Version != editing.Version || !got.UpdatedAt.Equal(editing.UpdatedAt) {
			t.Fatalf("writing the sign-in record moved the account from version %d (%v) to %d (%v)",
				editing.Version, editing.UpdatedAt, got.Version, got.UpdatedAt)
		}
	}
	if got, _ := read(plain.ID); got.SignIn != (app.SignInState{}) {
		t.Fatalf("another account's record changed: %+v", got.SignIn)
	}

	// The Edit window opened before the failures saves, and leaves the record alone.
	editing.FirstName, editing.UpdatedAt = "Camila", t4
	mustWrite(t, db, func(tx app.Tx) error { return tx.UpdateStaff(editing) })
	if got, _ := read(s.ID); got.SignIn != st || got.FirstName != "Camila" {
		t.Fatalf("after an edit: %q, %+v", got.FirstName, got.SignIn)
	}

	// Unlocking and signing in clear it back.
	mustWrite(t, db, func(tx app.Tx) error { return tx.SetSignInState(s.ID, app.SignInState{LastSignInAt: t4}) })
	if got, _ := read(s.ID); got.SignIn != (app.SignInState{LastSignInAt: t4}) {
		t.Fatalf("after a sign-in: %+v", got.SignIn)
	}
}

// A typed name's record round-trips, and a zero one forgets the name.
func TestNameThrottle(t *testing.T) {
	db := MustOpenDB(t)
	st := app.SignInState{Failures: 3, LastFailedAt: t2}
	mustWrite(t, db, func(tx app.Tx) error {
		if got, err := tx.NameThrottle("nobody"); err != nil || got != (app.SignInState{}) {
			t.Fatalf("an unknown name's record: %+v, %v", got, err)
		}
		if err := tx.SetNameThrottle("nobody", st); err != nil {
			return err
		}
		return tx.SetNameThrottle("someone", app.SignInState{Failures: 1, LastFailedAt: t1})
	})
	mustRead(t, db, func(tx app.Tx) error {
		if got, err := tx.NameThrottle("nobody"); err != nil || got != st {
			t.Fatalf("NameThrottle = %+v, %v; want %+v", got, err, st)
		}
		return nil
	})
	locked := app.SignInState{Failures: 10, LastFailedAt: t3, LockedUntil: t4}
	mustWrite(t, db, func(tx app.Tx) error { return tx.SetNameThrottle("nobody", locked) })
	mustRead(t, db, func(tx app.Tx) error {
		if got, err := tx.NameThrottle("nobody"); err != nil || got != locked {
			t.Fatalf("NameThrottle = %+v, %v; want %+v", got, err, locked)
		}
		return nil
	})
	if n := countRows(t, db.Path(), "name_throttle"); n != 2 {
		t.Fatalf("%d name_throttle rows, want 2", n)
	}
	mustWrite(t, db, func(tx app.Tx) error {
		if err := tx.SetNameThrottle("nobody", app.SignInState{}); err != nil {
			return err
		}
		return tx.SetNameThrottle("never typed", app.SignInState{})
	})
	if n := countRows(t, db.Path(), "name_throttle"); n != 1 {
		t.Fatalf("%d name_throttle rows after forgetting one, want 1", n)
	}
	mustRead(t, db, func(tx app.Tx) error {
		if got, err := tx.NameThrottle("nobody"); err != nil || got != (app.SignInState{}) {
			t.Fatalf("a forgotten name's record: %+v, %v", got, err)
		}
		if got, err := tx.NameThrottle("someone"); err != nil || got.Failures != 1 {
			t.Fatalf("the other name's record: %+v, %v", got, err)
		}
		return nil
	})
}

// The practice is missing until first saved; a save names the version it read, and two
// desks setting up the practice at once cannot both win.
func TestPractice_SaveAndVersions(t *testing.T) {
	sealer := newTestSealer(t)
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "staffdesk.db"), sealer)
	other := openSecond(t, db, sealer)

	mustRead(t, db, func(tx app.Tx) error {
		_, err := tx.Practice()
		wantRefusal(t, err, app.ENOTFOUND, recordPractice, "")
		return nil
	})
	p := &app.Practice{Name: "Riverside Family Practice", StaffLimit: 3, CreatedAt: t1, UpdatedAt: t1}
	rival := &app.Practice{Name: "Rival", CreatedAt: t1, UpdatedAt: t1}
	mustWrite(t, db, func(tx app.Tx) error { return tx.SavePractice(p) })
	if p.Version != 1 {
		t.Fatalf("version after the first save: %d", p.Version)
	}
	err := other.Write(t.Context(), func(tx app.Tx) error { return tx.SavePractice(rival) })
	wantRefusal(t, err, app.ECONFLICT, recordPractice, "")
	if !app.IsChanged(err) || rival.Version != 0 {
		t.Fatalf("a second first save: %v, version %d", err, rival.Version)
	}

	var got *app.Practice
	mustRead(t, other, func(tx app.Tx) (err error) { got, err = tx.Practice(); return err })
	if got.Name != p.Name || got.StaffLimit != 3 || got.Version != 1 || !got.CreatedAt.Equal(t1) || !got.UpdatedAt.Equal(t1) {
		t.Fatalf("Practice = %+v", got)
	}

	stale := *got
	got.Name, got.StaffLimit, got.UpdatedAt, got.CreatedAt = "Riverside Practice", 0, t2, t4
	mustWrite(t, other, func(tx app.Tx) error { return tx.SavePractice(got) })
	if got.Version != 2 {
		t.Fatalf("version after an update: %d", got.Version)
	}
	stale.UpdatedAt = t3
	err = db.Write(t.Context(), func(tx app.Tx) error { return tx.SavePractice(&stale) })
	wantRefusal(t, err, app.ECONFLICT, recordPractice, "")
	if !app.IsChanged(err) {
		t.Fatalf("a stale save: %v", err)
	}
	// A limit below zero is not one.
	bad := &app.Practice{Name: "x", StaffLimit: -1, Version: 2, UpdatedAt: t3}
	if err := db.Write(t.Context(), func(tx app.Tx) error { return tx.SavePractice(bad) }); err == nil || app.ErrorCode(err) == app.ECONFLICT {
		t.Fatalf("a negative staff limit: %v", err)
	}

	var final *app.Practice
	mustRead(t, db, func(tx app.Tx) (err error) { final, err = tx.Practice(); return err })
	// CreatedAt is written once.
	if final.Name != "Riverside Practice" || final.StaffLimit != 0 || final.Version != 2 || !final.CreatedAt.Equal(t1) || !final.UpdatedAt.Equal(t2) {
		t.Fatalf("Practice = %+v", final)
	}
	if n := countRows(t, db.Path(), "practice"); n != 1 {
		t.Fatalf("%d practice rows", n)
	}
}

// A role's permissions are read and written with it, in AllPermissions order; the
// seeded roles hold what 0007 gives them; a refused update leaves them as they were.
func TestRoles_Permissions(t *testing.T) {
	db := MustOpenDB(t)
	var scribe *app.Role
	mustWrite(t, db, func(tx app.Tx) error {
		roles, err := tx.Roles()
		if err != nil {
			return err
		}
		held := map[string]app.PermissionSet{}
		for _, r := range roles {
			held[r.Name] = r.Permissions
		}
		want := map[string]app.PermissionSet{
			app.AdministratorRole: app.AllPermissions,
			"Office Manager":      {app.PermManageAccounts, app.PermSeePINs, app.PermManagePractice},
			"Nurse":               nil, "Medical Assistant": nil, "Front Desk": nil, "Biller": nil,
		}
		if !reflect.DeepEqual(held, want) {
			t.Fatalf("seeded permissions %v, want %v", held, want)
		}

		scribe = &app.Role{Name: "Scribe", Active: true,
			Permissions: app.PermissionSet{app.PermManagePractice, app.PermSeePINs, app.PermManagePractice}}
		if err := tx.CreateRole(scribe); err != nil {
			return err
		}
		got, err := tx.Role(scribe.ID)
		if want := (app.PermissionSet{app.PermSeePINs, app.PermManagePractice}); err != nil || !reflect.DeepEqual(got.Permissions, want) {
			t.Fatalf("Role = %+v, %v; want permissions %v, each once, in order", got, err, want)
		}

		scribe.Permissions = app.PermissionSet{app.PermManageAccounts}
		if err := tx.UpdateRole(scribe); err != nil {
			return err
		}
		if got, err = tx.Role(scribe.ID); err != nil || !reflect.DeepEqual(got, scribe) || got.Version != 2 {
			t.Fatalf("Role after update = %+v, %v; want %+v", got, err, scribe)
		}
		stale := *got
		stale.Version = 1
		stale.Permissions = app.AllPermissions
		if err := tx.UpdateRole(&stale); !app.IsChanged(err) {
			t.Fatalf("stale role update: %v", err)
		}
		if got, err = tx.Role(scribe.ID); err != nil || !reflect.DeepEqual(got.Permissions, app.PermissionSet{app.PermManageAccounts}) {
			t.Fatalf("a refused update changed the permissions: %+v, %v", got, err)
		}
		return nil
	})
	// An unknown permission is not stored, and the save is undone with it.
	err := db.Write(t.Context(), func(tx app.Tx) error {
		return tx.UpdateRole(&app.Role{ID: scribe.ID, Name: "Scribe", Active: true, Version: scribe.Version,
			Permissions: app.PermissionSet{"fly_helicopters"}})
	})
	if err == nil || app.ErrorCode(err) == app.ECONFLICT {
		t.Fatalf("an unknown permission: %v", err)
	}
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.Role(scribe.ID)
		if err != nil || got.Version != scribe.Version || !reflect.DeepEqual(got.Permissions, scribe.Permissions) {
			t.Fatalf("after a refused save: %+v, %v", got, err)
		}
		return nil
	})

	// Removing everything: no rows left.
	scribe.Permissions = nil
	mustWrite(t, db, func(tx app.Tx) error { return tx.UpdateRole(scribe) })
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.Role(scribe.ID)
		if err != nil || got.Permissions != nil {
			t.Fatalf("Role with no permissions = %+v, %v", got, err)
		}
		return nil
	})
	mustWrite(t, db, func(tx app.Tx) error {
		scribe.Permissions = app.PermissionSet{app.PermSeePINs}
		return tx.UpdateRole(scribe)
	})

	// A role's permission rows go with it (roles are not deleted by StaffDesk, but the
	// rows must not outlive one).
	before := countRows(t, db.Path(), "role_permissions")
	rawExec(t, db.Path(), `DELETE FROM roles WHERE name = 'Scribe'`)
	if after := countRows(t, db.Path(), "role_permissions"); after != before-1 {
		t.Fatalf("role_permissions: %d rows before deleting the role, %d after", before, after)
	}
}

// rawExec runs statements on the file through a connection of its own, foreign keys on.
func rawExec(tb testing.TB, path string, stmts ...string) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_foreign_keys=on")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// The grid filters by role and status, and reads every account's office ids in one go,
// ordered as Staff orders them.
func TestFindStaff_RolesStatusesAndOffices(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	zeta, alpha := f.mustOffice(t, "Zeta Clinic"), f.mustOffice(t, "Alpha Clinic")
	var frontDesk int64
	mustRead(t, db, func(tx app.Tx) (err error) { frontDesk, err = roleID(tx, "Front Desk"); return err })

	type account struct {
		name    string
		role    int64
		status  app.StaffStatus
		offices []int64
	}
	accounts := []account{
		{"a", f.roleID, app.StatusPending, []int64{zeta.ID, alpha.ID}},
		{"b", frontDesk, app.StatusActive, nil},
		{"c", f.roleID, app.StatusActive, []int64{zeta.ID}},
		{"d", frontDesk, app.StatusInactive, []int64{alpha.ID, zeta.ID}},
		{"e", frontDesk, app.StatusPending, nil},
	}
	ids := map[string]int64{}
	for _, a := range accounts {
		s := f.staff(a.name)
		s.RoleID, s.Status, s.RestrictOffices, s.OfficeIDs = a.role, a.status, a.offices != nil, a.offices
		mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "hash") })
		ids[a.name] = s.ID
	}
	byName := []int64{alpha.ID, zeta.ID} // Alpha before Zeta
	wantOffices := map[string][]int64{"a": byName, "b": nil, "c": {zeta.ID}, "d": byName, "e": nil}

	find := func(filter app.StaffFilter) []string {
		t.Helper()
		var names []string
		mustRead(t, db, func(tx app.Tx) error {
			list, err := tx.FindStaff(filter)
			for _, s := range list {
				names = append(names, s.Username)
				if !reflect.DeepEqual(s.OfficeIDs, wantOffices[s.Username]) {
					t.Fatalf("FindStaff(%+v): %s's offices %v, want %v", filter, s.Username, s.OfficeIDs, wantOffices[s.Username])
				}
				if s.OfficeNames != nil || s.UnlockPIN != "" {
					t.Fatalf("FindStaff read office names or PINs: %+v", s)
				}
			}
			return err
		})
		return names
	}
	for _, tc := range []struct {
		filter app.StaffFilter
		want   []string
	}{
		{app.StaffFilter{}, []string{"a", "b", "c", "d", "e"}},
		{app.StaffFilter{RoleIDs: []int64{frontDesk}}, []string{"b", "d", "e"}},
		{app.StaffFilter{RoleIDs: []int64{frontDesk, f.roleID}}, []string{"a", "b", "c", "d", "e"}},
		{app.StaffFilter{Statuses: []app.StaffStatus{app.StatusPending}}, []string{"a", "e"}},
		{app.StaffFilter{Statuses: []app.StaffStatus{app.StatusActive, app.StatusInactive}}, []string{"b", "c", "d"}},
		{app.StaffFilter{RoleIDs: []int64{frontDesk}, Statuses: []app.StaffStatus{app.StatusPending, app.StatusInactive}}, []string{"d", "e"}},
		{app.StaffFilter{RoleIDs: []int64{404}}, nil},
		{app.StaffFilter{ID: ids["d"]}, []string{"d"}},
		{app.StaffFilter{ID: ids["d"], Statuses: []app.StaffStatus{app.StatusActive}}, nil},
	} {
		if got := find(tc.filter); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FindStaff(%+v) = %v, want %v", tc.filter, got, tc.want)
		}
	}

	// Staff gives the same ids, with names.
	mustRead(t, db, func(tx app.Tx) error {
		s, err := tx.Staff(ids["d"])
		if err != nil || !reflect.DeepEqual(s.OfficeIDs, byName) || !reflect.DeepEqual(s.OfficeNames, []string{"Alpha Clinic", "Zeta Clinic"}) {
			t.Fatalf("Staff = %v %v, %v", s.OfficeIDs, s.OfficeNames, err)
		}
		return nil
	})
}

func TestStaff_CountByStatus(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.CountStaffByStatus()
		want := map[app.StaffStatus]int{app.StatusPending: 0, app.StatusActive: 0, app.StatusInactive: 0}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("CountStaffByStatus of none = %v, %v", got, err)
		}
		return nil
	})
	for i, status := range []app.StaffStatus{app.StatusActive, app.StatusActive, app.StatusPending, app.StatusActive, app.StatusInactive} {
		s := f.staff(string(rune('a' + i)))
		s.Status = status
		mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "hash") })
	}
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.CountStaffByStatus()
		want := map[app.StaffStatus]int{app.StatusPending: 1, app.StatusActive: 3, app.StatusInactive: 1}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("CountStaffByStatus = %v, %v; want %v", got, err, want)
		}
		return nil
	})
}
