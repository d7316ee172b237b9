package data_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
)

// staffDeskID is the application_id that marks StaffDesk's files: "STFD".
const staffDeskID = 0x53544644

// fileState is what "untouched" means for a file and its folder.
type fileState struct {
	content []byte
	mode    os.FileMode
	modTime time.Time
	names   []string // the folder's entries
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return fileState{content: b, mode: fi.Mode(), modTime: fi.ModTime(), names: names}
}

// rawSQLite runs statements on path with a plain SQLite connection, as another
// program would.
func rawSQLite(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func applicationID(t *testing.T, path string) int32 {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int32
	if err := db.QueryRow(`PRAGMA application_id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestOpen_RefusesFilesNotStaffDesks points Open at files of other programs: each is
// refused with the reason, and left exactly as it was — no chmod, no tables, no WAL.
func TestOpen_RefusesFilesNotStaffDesks(t *testing.T) {
	files := map[string]func(path string){
		"notes.txt": func(path string) {
			os.WriteFile(path, []byte("Shopping list\nmilk\n"), 0o644)
		},
		"tiny.bin": func(path string) { os.WriteFile(path, []byte("SQLite"), 0o644) },
		"other-app.db": func(path string) {
			rawSQLite(t, path, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('keep me')`)
		},
		"has-settings.db": func(path string) {
			rawSQLite(t, path, `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)`)
		},
		"has-schema-migrations.db": func(path string) { // golang-migrate's table has the same name
			rawSQLite(t, path, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, dirty INTEGER)`, `INSERT INTO schema_migrations VALUES (3, 0)`)
		},
		"marked-by-another-app.db": func(path string) { rawSQLite(t, path, `PRAGMA application_id = 1179603536`) }, // "FOSS"
		"other-app-wal.db": func(path string) {
			rawSQLite(t, path, `PRAGMA journal_mode = WAL`, `CREATE TABLE t (x)`)
		},
	}
	for name, make := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			make(path)
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
			before := stateOf(t, path)
			time.Sleep(10 * time.Millisecond) // so that a write would show in the mtime

			db, err := data.Open(path, newTestSealer(t))
			if err == nil {
				db.Close()
				t.Fatal("Open accepted a file that is not StaffDesk's")
			}
			want := path + " is not a StaffDesk database, so StaffDesk left it untouched. Choose another file with --db."
			if app.ErrorMessage(err) != want {
				t.Errorf("message = %q, want %q", app.ErrorMessage(err), want)
			}
			after := stateOf(t, path)
			if !bytes.Equal(after.content, before.content) || after.mode != before.mode ||
				!after.modTime.Equal(before.modTime) || !slices.Equal(after.names, before.names) {
				t.Errorf("file changed: mode %v → %v, mtime %v → %v, %d → %d bytes, folder %v → %v",
					before.mode, after.mode, before.modTime, after.modTime, len(before.content), len(after.content), before.names, after.names)
			}
		})
	}
}

func TestOpen_MarksItsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	db := MustOpenDBAt(t, path, newTestSealer(t))
	db.Close()
	if id := applicationID(t, path); id != staffDeskID {
		t.Fatalf("application_id = %#x, want %#x", id, staffDeskID)
	}
	// The mark is in the file itself, where Open reads it before SQLite does.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("SQLite format 3\x00")) || !bytes.Equal(b[68:72], []byte("STFD")) {
		t.Fatalf("header = %q", b[:72])
	}
}

// TestOpen_AdoptsUnmarkedStaffDeskFile opens a database made by the release before the
// mark: application_id 0 but StaffDesk's migrations recorded. It is StaffDesk's, its
// records are kept, and it is marked from now on.
func TestOpen_AdoptsUnmarkedStaffDeskFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	sealer := newTestSealer(t)
	db := MustOpenDBAt(t, path, sealer)
	newFixture(t, db).mustCreateStaff(t, "camilles")
	db.Close()
	rawSQLite(t, path, `PRAGMA application_id = 0`)
	if id := applicationID(t, path); id != 0 {
		t.Fatalf("could not unmark the file: %#x", id)
	}

	db = MustOpenDBAt(t, path, sealer)
	var n int
	mustRead(t, db, func(tx app.Tx) (err error) { n, err = tx.CountStaff(); return err })
	if n != 1 {
		t.Fatalf("%d staff after reopening, want 1", n)
	}
	db.Close()
	if id := applicationID(t, path); id != staffDeskID {
		t.Fatalf("application_id = %#x, want %#x", id, staffDeskID)
	}
}

// TestOpen_EmptyFileIsNew: an empty file (touch staffdesk.db) and an empty SQLite
// database are new databases, made StaffDesk's.
func TestOpen_EmptyFileIsNew(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "touched.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	emptySQLite := filepath.Join(dir, "vacuumed.db")
	rawSQLite(t, emptySQLite, `PRAGMA user_version = 0`, `VACUUM`)
	for _, path := range []string{empty, emptySQLite} {
		db := MustOpenDBAt(t, path, newTestSealer(t))
		db.Close()
		if id := applicationID(t, path); id != staffDeskID {
			t.Errorf("%s: application_id = %#x, want %#x", filepath.Base(path), id, staffDeskID)
		}
	}
}

// TestOpen_TightensLooseFilesBeforeOpening: a database and its -wal and -shm left
// readable to all by an older run are made owner-only before SQLite opens them (on
// Windows, where SQLite's open -shm cannot be chmodded, nothing is).
func TestOpen_TightensLooseFilesBeforeOpening(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	sealer := newTestSealer(t)
	db := MustOpenDBAt(t, path, sealer)
	db.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(p); err != nil {
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db = MustOpenDBAt(t, path, sealer)
	newFixture(t, db).mustCreateStaff(t, "camilles")
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

func TestOpen_RefusalNamesNoSecret(t *testing.T) {
	// The refusal is for the person: it names the file and what to do, and nothing of
	// SQLite's.
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte("hello"), 0o600)
	_, err := data.Open(path, newTestSealer(t))
	if app.ErrorCode(err) != app.EINVALID || strings.Contains(app.ErrorMessage(err), "sqlite") {
		t.Fatalf("error = %v (code %s)", err, app.ErrorCode(err))
	}
}

// TestOpen_FirstStartCutShort opens a file left by a first start of the release before
// the mark that ended between creating schema_migrations and the first migration: it
// holds nothing else, so it is StaffDesk's to finish.
func TestOpen_FirstStartCutShort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	rawSQLite(t, path, `PRAGMA journal_mode = WAL`,
		`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`)
	db := MustOpenDBAt(t, path, newTestSealer(t))
	var n int
	mustRead(t, db, func(tx app.Tx) (err error) { n, err = tx.CountStaff(); return err })
	db.Close()
	if id := applicationID(t, path); id != staffDeskID || n != 0 {
		t.Fatalf("application_id = %#x, want %#x; %d staff", id, staffDeskID, n)
	}
}

// TestOpen_RefusesAnotherUsersFile: StaffDesk's own database, but owned by another
// user, is refused untouched rather than chmodded.
func TestOpen_RefusesAnotherUsersFile(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	sealer := newTestSealer(t)
	MustOpenDBAt(t, path, sealer).Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, path)
	_, err := data.Open(path, sealer)
	if want := path + " belongs to another user of this computer, so StaffDesk left it untouched. Choose another file with --db."; app.ErrorMessage(err) != want {
		t.Fatalf("Open = %v, want %q", err, want)
	}
	if after := stateOf(t, path); after.mode != before.mode || !bytes.Equal(after.content, before.content) {
		t.Errorf("file changed: mode %v → %v", before.mode, after.mode)
	}
}
