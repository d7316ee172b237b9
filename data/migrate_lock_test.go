package data

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// An up-to-date file opens while another desk holds the write lock for longer than
// SQLite's old 5 s busy timeout: nothing is to be migrated, so Open takes no lock.
func TestOpen_UpToDateTakesNoWriteLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	db, err := Open(path, nullSealer{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	release, err := HoldWriteLock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	start := time.Now()
	db, err = Open(path, nullSealer{})
	if err != nil {
		t.Fatalf("Open while another desk saves, after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
	defer db.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Open waited %s for a lock it does not need", d.Round(time.Millisecond))
	}
	// Reads work meanwhile.
	if err := db.Read(t.Context(), func(tx app.Tx) error { _, err := tx.Settings(""); return err }); err != nil {
		t.Fatal(err)
	}
}

// A file with migrations to apply waits for another desk's save as long as a Write
// does, and when the wait runs out says so in the app's words, never SQLite's
// "database is locked".
func TestOpen_MigrationWaitsForTheWriteLock(t *testing.T) {
	defer SetWriteWait(time.Second)()
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	release, err := HoldWriteLock(path) // a new file: every migration is to be applied
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, nullSealer{})
	release()
	if app.ErrorCode(err) != app.EBUSY || strings.Contains(app.ErrorMessage(err), "locked") {
		t.Fatalf("Open under a lock held past the wait: %v (code %s)", err, app.ErrorCode(err))
	}

	// Held for less than the wait: Open waits and applies them.
	release, err = HoldWriteLock(path)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(600*time.Millisecond, release)
	db, err := Open(path, nullSealer{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("migrations recorded: %d, %v", n, err)
	}
}
