package data_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
)

// oldDatabase builds a file as the code before 0003 left it: the 0001 and 0002 schema,
// applied with foreign keys on, holding staff with offices, codes, wrong-code records
// and outbox messages that point at them; account 3 is the newest.
func oldDatabase(tb testing.TB, path string) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`)
	for _, name := range []string{"0001_initial.sql", "0002_mail.sql"} {
		buf, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			tb.Fatal(err)
		}
		exec(string(buf))
		exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 1)`, name)
	}
	exec(`INSERT INTO providers (id, first_name, last_name, credentials, npi) VALUES
		(1, 'Kate', 'Provider', 'MD', '1234567893'), (2, 'Hannah', 'Provider', 'DO', '')`)
	exec(`INSERT INTO offices (id, name, address) VALUES (1, 'Main Street Clinic', '1 Main St'), (2, 'Riverside', '')`)
	exec(`UPDATE roles SET active = 0 WHERE name = 'Biller'`)
	const staff = `INSERT INTO staff (id, first_name, last_name, provider_id, role_id, care_team_role_id,
		email, username, password_hash, status, activated_at, created_at, updated_at, restrict_offices)
		VALUES (?, ?, 'Staff', ?, 1, ?, ?, ?, 'hash', ?, ?, 10, 20, ?)`
	exec(staff, 1, "Camille", 1, 2, "camille@example.com", "camilles", "active", 15, 1)
	exec(staff, 2, "Marcus", 2, nil, "marcus@example.com", "marcus", "pending", nil, 0)
	exec(staff, 3, "Noah", 1, 3, "noah@example.com", "noah", "pending", nil, 1)
	exec(`INSERT INTO staff_offices (staff_id, office_id) VALUES (1, 1), (1, 2), (3, 2)`)
	exec(`INSERT INTO codes (id, staff_id, kind, digest, expires_at, created_at) VALUES
		(1, 2, 'activation', x'01', 100, 10), (2, 3, 'activation', x'02', 100, 10)`)
	exec(`INSERT INTO code_failures (staff_id, at) VALUES (3, 50)`)
	exec(`INSERT INTO outbox (id, staff_id, kind, to_address, subject, message_id, payload, status, next_attempt_at, created_at) VALUES
		(1, 1, 'activation', 'camille@example.com', 'Activate', '<1@x>', NULL, 'sent', 10, 10),
		(2, 3, 'activation', 'noah@example.com', 'Activate', '<2@x>', x'00', 'queued', 10, 10),
		(3, NULL, 'test', 'it@example.com', 'Test', '<3@x>', NULL, 'sent', 10, 10)`)
}

// payloadNull is the FROM clause with the column "is the sealed body gone" of the
// outbox, wherever the file's schema keeps the bodies.
func payloadNull(tb testing.TB, raw *sql.DB) string {
	tb.Helper()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_bodies'`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	if n == 0 {
		return `o.payload IS NULL FROM outbox o`
	}
	return `b.payload IS NULL FROM outbox o LEFT JOIN outbox_bodies b ON b.outbox_id = o.id`
}

// dump reads every row of the tables 0003 rebuilds or that point at them, as text, in
// id order, through a connection of its own.
func dump(tb testing.TB, path string) map[string][][]string {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	out := map[string][][]string{}
	for table, query := range map[string]string{
		"providers":       `SELECT id, first_name, last_name, suffix, credentials, npi, active FROM providers ORDER BY id`,
		"offices":         `SELECT id, name, address, phone, active FROM offices ORDER BY id`,
		"roles":           `SELECT id, name, active FROM roles WHERE name <> 'Practice Administrator' ORDER BY id`, // 0007 adds it
		"care_team_roles": `SELECT id, name, active FROM care_team_roles ORDER BY id`,
		"staff": `SELECT id, first_name, provider_id, role_id, care_team_role_id, email, username, status,
			activated_at, created_at, updated_at, restrict_offices FROM staff ORDER BY id`,
		"staff_offices": `SELECT staff_id, office_id FROM staff_offices ORDER BY staff_id, office_id`,
		"codes":         `SELECT id, staff_id, kind, revoked_at FROM codes ORDER BY id`,
		"code_failures": `SELECT staff_id, at FROM code_failures ORDER BY staff_id, at`,
		// 0005 moves the bodies to outbox_bodies; before it they are in outbox.
		"outbox": `SELECT o.id, o.staff_id, o.status, ` + payloadNull(tb, raw) + ` ORDER BY o.id`,
		// The indexes, by name: 0003 drops the tables and must recreate every one.
		// Indexes that later migrations add or replace (0004's identity keys, 0005's
		// leases, 0006's pending-address key in place of the address, 0007's status
		// index and sign-in tables) are left out.
		"indexes": `SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'
			AND name NOT IN ('staff_email_key', 'staff_username_key', 'outbox_leases',
			                 'codes_live_new_email', 'codes_live_new_email_key', 'staff_status')
			AND tbl_name NOT IN ('sessions', 'role_permissions', 'practice', 'name_throttle') ORDER BY name`,
	} {
		rows, err := raw.Query(query)
		if err != nil {
			tb.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			row := make([]string, len(cols))
			for i, v := range vals {
				row[i] = "NULL"
				if v.Valid {
					row[i] = v.String
				}
			}
			out[table] = append(out[table], row)
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// A database made before ids were kept from reuse migrates with every row, id and
// link intact: rebuilding the tables must not fire the ON DELETE actions of the rows
// pointing at them (offices, codes, wrong codes cascade; outbox.staff_id is cleared).
// Afterwards an id is never given twice and every record starts at version 1.
func TestMigrate0003_KeepsEveryRowAndLink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	oldDatabase(t, path)
	before := dump(t, path)

	db := MustOpenDBAt(t, path, newTestSealer(t))
	after := dump(t, path)
	for table, rows := range before {
		if !reflect.DeepEqual(after[table], rows) {
			t.Errorf("%s after migrating:\n got %v\nwant %v", table, after[table], rows)
		}
	}
	if len(before["staff_offices"]) != 3 || len(before["outbox"]) != 3 {
		t.Fatalf("the old database is not as built: %v", before)
	}

	var camille *app.Staff
	var roles []*app.Role
	mustRead(t, db, func(tx app.Tx) (err error) {
		if camille, err = tx.Staff(1); err != nil {
			return err
		}
		roles, err = tx.Roles()
		return err
	})
	if camille.Version != 1 || len(camille.OfficeIDs) != 2 || camille.ActivatedAt.IsZero() {
		t.Fatalf("Camille after migrating: version %d, offices %v, activated %v", camille.Version, camille.OfficeIDs, camille.ActivatedAt)
	}
	for _, r := range roles {
		if r.Version != 1 {
			t.Fatalf("role %s at version %d, want 1", r.Name, r.Version)
		}
	}

	// The keys are on again: a link to a missing account is refused.
	err := db.Write(t.Context(), func(tx app.Tx) error {
		s := *camille
		s.UpdatedAt = t2
		s.RestrictOffices, s.OfficeIDs = true, []int64{404}
		return tx.UpdateStaff(&s)
	})
	if app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("office 404 after migrating: %v (foreign keys off?)", err)
	}

	// Delete the newest account and create another: it gets a new id.
	f := &fixture{db: db, provider: &app.Provider{ID: 1}, roleID: 1, careTeamRoleID: 1}
	mustWrite(t, db, func(tx app.Tx) error { return tx.DeleteStaff(3) })
	next := f.mustCreateStaff(t, "olivia")
	if next.ID == 3 {
		t.Fatalf("the new account got id %d, the deleted account's", next.ID)
	}
	for _, table := range []string{"providers", "offices", "roles", "care_team_roles"} {
		assertNoReuse(t, db, table)
	}
}

// assertNoReuse checks that table hands out ids past any ever given, as AUTOINCREMENT
// does, by what SQLite records for it.
func assertNoReuse(tb testing.TB, db *data.DB, table string) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var seq, maxID sql.NullInt64
	if err := raw.QueryRow(`SELECT seq FROM sqlite_sequence WHERE name = ?`, table).Scan(&seq); err != nil {
		tb.Fatalf("%s has no AUTOINCREMENT sequence: %v", table, err)
	}
	if err := raw.QueryRow(`SELECT MAX(id) FROM ` + table).Scan(&maxID); err != nil {
		tb.Fatal(err)
	}
	if seq.Int64 < maxID.Int64 {
		tb.Fatalf("%s: sequence %d behind the highest id %d", table, seq.Int64, maxID.Int64)
	}
}

// A new database, made by all the migrations in one go, does not reuse ids either.
func TestStaff_IDsNeverReused(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	f.mustCreateStaff(t, "camilles")
	newest := f.mustCreateStaff(t, "marcus")
	mustWrite(t, db, func(tx app.Tx) error { return tx.DeleteStaff(newest.ID) })
	next := f.mustCreateStaff(t, "noah")
	if next.ID == newest.ID {
		t.Fatalf("a new account got the deleted account's id %d", next.ID)
	}
	// A window still holding the deleted account cannot save over anyone.
	err := db.Write(t.Context(), func(tx app.Tx) error { return tx.UpdateStaff(newest) })
	wantRefusal(t, err, app.ENOTFOUND, app.RecordStaff, "")
}
