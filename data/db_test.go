package data_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
)

// newTestSealer returns the app's own sealer with a random key, as main.go builds it
// with the key from the config folder.
func newTestSealer(tb testing.TB) app.Sealer {
	tb.Helper()
	key := make([]byte, 32)
	rand.Read(key) // never fails
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	return sealer
}

// MustOpenDB opens a new database file in a temporary folder, closed when the test ends.
func MustOpenDB(tb testing.TB) *data.DB {
	tb.Helper()
	return MustOpenDBAt(tb, filepath.Join(tb.TempDir(), "staffdesk.db"), newTestSealer(tb))
}

// MustOpenDBAt opens the database at path, closed when the test ends.
func MustOpenDBAt(tb testing.TB, path string, sealer app.Sealer) *data.DB {
	tb.Helper()
	db, err := data.Open(path, sealer)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// mustWrite runs fn in a write transaction and fails the test on error.
func mustWrite(tb testing.TB, db *data.DB, fn func(app.Tx) error) {
	tb.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// mustRead runs fn in a read transaction and fails the test on error.
func mustRead(tb testing.TB, db *data.DB, fn func(app.Tx) error) {
	tb.Helper()
	if err := db.Read(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// wantError fails unless err is an app Error with code and, when msg is not "", that
// message.
func wantError(tb testing.TB, err error, code, msg string) {
	tb.Helper()
	if got := app.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q, want %q (error: %v)", got, code, err)
	}
	if msg != "" && app.ErrorMessage(err) != msg {
		tb.Fatalf("error message = %q, want %q", app.ErrorMessage(err), msg)
	}
}

// wantFieldError is wantError for an error about one field, whose message is the
// field's message too.
func wantFieldError(tb testing.TB, err error, code, field, msg string) {
	tb.Helper()
	wantError(tb, err, code, msg)
	if got := app.ErrorFields(err)[field]; got != msg {
		tb.Fatalf("field %s message = %q, want %q (fields: %v)", field, got, msg, app.ErrorFields(err))
	}
}

func TestOpen_Migrations(t *testing.T) {
	// A folder that does not exist yet: Open creates it, owner-only.
	dir := filepath.Join(t.TempDir(), "StaffDesk")
	path := filepath.Join(dir, "staffdesk.db")
	sealer := newTestSealer(t)

	db, err := data.Open(path, sealer)
	if err != nil {
		t.Fatal(err)
	}
	var roles []*app.Role
	var careTeamRoles []*app.CareTeamRole
	mustRead(t, db, func(tx app.Tx) (err error) {
		if roles, err = tx.Roles(); err != nil {
			return err
		}
		careTeamRoles, err = tx.CareTeamRoles()
		return err
	})
	if len(roles) != 6 || len(careTeamRoles) != 12 {
		t.Fatalf("seeded %d roles and %d care team roles, want 6 and 12", len(roles), len(careTeamRoles))
	}
	// Sorted by name; the administrator's role (0007) is last.
	if roles[0].Name != "Biller" || roles[4].Name != "Office Manager" || roles[5].Name != app.AdministratorRole || !roles[0].Active {
		t.Fatalf("roles = %v, %v, %v ...", roles[0], roles[4], roles[5])
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	if fi, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	} else if fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode = %o, want 700", fi.Mode().Perm())
	}

	// Reopening applies nothing twice: the seeds are not inserted again.
	db = MustOpenDBAt(t, path, sealer)
	mustRead(t, db, func(tx app.Tx) (err error) {
		roles, err = tx.Roles()
		return err
	})
	if len(roles) != 6 {
		t.Fatalf("after reopening, %d roles, want 6", len(roles))
	}
}

func TestOpen_NeedsSealer(t *testing.T) {
	_, err := data.Open(filepath.Join(t.TempDir(), "x.db"), nil)
	wantError(t, err, app.EINTERNAL, "")
}

func TestOpen_FilePermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	// A file someone made readable to all is tightened.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db := MustOpenDBAt(t, path, newTestSealer(t))
	f := newFixture(t, db)
	f.mustCreateStaff(t, "camilles")

	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %o, want 600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

func TestOpen_NewFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	MustOpenDBAt(t, path, newTestSealer(t))
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %o, want 600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

func TestOpen_PathNeedingEscapes(t *testing.T) {
	// '?', '#' and '%' would end or garble an SQLite URI if not escaped.
	path := filepath.Join(t.TempDir(), "odd ?#% name", "staff?desk#1%20.db")
	db := MustOpenDBAt(t, path, newTestSealer(t))
	mustRead(t, db, func(tx app.Tx) error { _, err := tx.CountStaff(); return err })
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the path given: %v", err)
	}
}

func TestWrite_RollsBackOnError(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	office := f.mustOffice(t, "Riverside")

	boom := errors.New("boom")
	err := db.Write(context.Background(), func(tx app.Tx) error {
		s := f.staff("camilles")
		s.RestrictOffices, s.OfficeIDs = true, []int64{office.ID}
		if err := tx.CreateStaff(s, "hash"); err != nil {
			return err
		}
		if err := tx.CreateRole(&app.Role{Name: "Scribe", Active: true}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v, want fn's error", err)
	}

	mustRead(t, db, func(tx app.Tx) error {
		if n, err := tx.CountStaff(); err != nil || n != 0 {
			t.Fatalf("CountStaff = %d, %v; want 0", n, err)
		}
		roles, err := tx.Roles()
		if err != nil {
			return err
		}
		for _, r := range roles {
			if r.Name == "Scribe" {
				t.Fatal("role created in a rolled back transaction is there")
			}
		}
		return nil
	})
	if n := countRows(t, db.Path(), "staff_offices"); n != 0 {
		t.Fatalf("%d staff_offices rows after rollback, want 0", n)
	}
}

func TestRead_IsReadOnly(t *testing.T) {
	db := MustOpenDB(t)
	err := db.Read(context.Background(), func(tx app.Tx) error {
		return tx.CreateRole(&app.Role{Name: "Scribe", Active: true})
	})
	wantError(t, err, app.EINTERNAL, "")
	mustRead(t, db, func(tx app.Tx) error {
		roles, err := tx.Roles()
		if len(roles) != 6 {
			t.Fatalf("%d roles, want 6", len(roles))
		}
		return err
	})
}

func TestRead_SeesCommittedWritesOnly(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)

	// A read running while a write is open neither waits for it nor sees it.
	inWrite, readDone, writeErr := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		writeErr <- db.Write(context.Background(), func(tx app.Tx) error {
			if err := tx.CreateStaff(f.staff("camilles"), "hash"); err != nil {
				return err
			}
			close(inWrite)
			<-readDone
			return nil
		})
	}()
	select {
	case <-inWrite:
	case err := <-writeErr:
		t.Fatal(err)
	}
	mustRead(t, db, func(tx app.Tx) error {
		n, err := tx.CountStaff()
		if n != 0 {
			t.Errorf("read saw %d uncommitted staff", n)
		}
		return err
	})
	close(readDone)
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	mustRead(t, db, func(tx app.Tx) error {
		if n, err := tx.CountStaff(); err != nil || n != 1 {
			t.Fatalf("CountStaff = %d, %v; want 1", n, err)
		}
		return nil
	})
}

// Two handles on one file, as two StaffDesk windows or processes would have, create
// accounts with the same email at the same moment: one wins, the other is told the
// email is taken, and nobody sees "database is locked".
func TestWrite_ConcurrentCreatesSameEmail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	sealer := newTestSealer(t)
	db1 := MustOpenDBAt(t, path, sealer)
	db2 := MustOpenDBAt(t, path, sealer)
	f := newFixture(t, db1)

	for round := range 20 {
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i, db := range []*data.DB{db1, db2} {
			wg.Go(func() {
				<-start
				s := f.staff([]string{"alice", "bob"}[i] + string(rune('a'+round)))
				s.Email = "shared" + string(rune('a'+round)) + "@example.com"
				errs[i] = db.Write(context.Background(), func(tx app.Tx) error {
					// Read first, as the service does, then write: the race window.
					if _, err := tx.FindStaff(app.StaffFilter{EmailKey: app.EmailKey(s.Email)}); err != nil {
						return err
					}
					return tx.CreateStaff(s, "hash")
				})
			})
		}
		close(start)
		wg.Wait()

		var wins, conflicts int
		for _, err := range errs {
			switch app.ErrorCode(err) {
			case "":
				wins++
			case app.ECONFLICT:
				conflicts++
				if _, ok := app.ErrorFields(err)[app.FieldEmail]; !ok {
					t.Fatalf("conflict not about the email: %v", err)
				}
			default:
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if wins != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d wins and %d conflicts, want 1 and 1 (%v)", round, wins, conflicts, errs)
		}
	}
}

// The PINs must not be readable from the file by anyone who copies it.
func TestStaff_PINsSealedAtRest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	db, err := data.Open(path, newTestSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, db)
	s := f.staff("camilles")
	s.UnlockPIN, s.SupportPIN = "8453", "735912"
	mustWrite(t, db, func(tx app.Tx) error { return tx.CreateStaff(s, "hash") })
	// Closing the last connection checkpoints the WAL into the main file.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	var raw []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	// The scan can see the row: the username is there in plain text...
	if !bytes.Contains(raw, []byte("camilles")) {
		t.Fatal("username not found in the file: the scan proves nothing")
	}
	// ...and the PINs are not.
	for _, pin := range []string{s.UnlockPIN, s.SupportPIN} {
		if bytes.Contains(raw, []byte(pin)) {
			t.Fatalf("PIN %s found in plain text in the database file", pin)
		}
	}
}
