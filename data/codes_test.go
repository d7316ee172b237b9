package data_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// An email change stored before migration 0006 keeps its address and has no key after
// it: it is listed for the backfill, and found by its key once that is stored. One with
// a key is found by the key alone, whatever form the address was typed in.
func TestMigrate0006_PendingEmailKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	oldDatabase(t, path)
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour).UnixNano()
	if _, err := raw.Exec(`INSERT INTO codes (id, staff_id, kind, digest, new_email, expires_at, created_at)
		VALUES (10, 1, 'email_change', x'10', 'Jörg@Praxis.example', ?, 10)`, future); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db := MustOpenDBAt(t, path, newTestSealer(t))
	key := app.EmailKey("jörg@praxis.example")
	mustRead(t, db, func(tx app.Tx) error {
		missing, err := tx.CodesMissingEmailKey()
		if err != nil {
			return err
		}
		if len(missing) != 1 || missing[0].ID != 10 || missing[0].NewEmail != "Jörg@Praxis.example" || missing[0].NewEmailKey != "" {
			t.Fatalf("codes missing a key after 0006: %+v", missing)
		}
		if owner, err := tx.PendingEmailOwner(key, 2, time.Now()); err != nil || owner != "" {
			t.Fatalf("an unkeyed code found by key: %q, %v", owner, err)
		}
		return nil
	})
	mustWrite(t, db, func(tx app.Tx) error { return tx.SetCodeEmailKey(10, key) })
	mustRead(t, db, func(tx app.Tx) error {
		if missing, err := tx.CodesMissingEmailKey(); err != nil || len(missing) != 0 {
			t.Fatalf("after the backfill: %+v, %v", missing, err)
		}
		for _, tc := range []struct {
			key    string
			except int64
			want   string
		}{
			{key, 2, "camilles"},
			{key, 1, ""}, // the account's own change
			{"", 2, ""},
			{app.EmailKey("jorg@praxis.example"), 2, ""},
		} {
			if owner, err := tx.PendingEmailOwner(tc.key, tc.except, time.Now()); err != nil || owner != tc.want {
				t.Errorf("PendingEmailOwner(%q, except %d) = %q, %v; want %q", tc.key, tc.except, owner, err, tc.want)
			}
		}
		if owner, _ := tx.PendingEmailOwner(key, 2, time.Now().Add(2*time.Hour)); owner != "" {
			t.Errorf("an expired change still waits: %q", owner)
		}
		return nil
	})
}
