// Whether a file is StaffDesk's database, judged before anything is written to it.

package data

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/mattn/go-sqlite3"
	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/internal/private"
)

// claimFile makes sure the file at path is StaffDesk's database, or can
// become it, before SQLite opens it; and that it is readable only by this user. A
// missing file is created owner-only (its folder too), so it is never readable by
// others even for a moment; SQLite gives the -wal and -shm files it creates the
// database file's mode. An existing one is judged first, with plain file reads, and
// tightened (with a -wal and -shm left by an earlier run) only once judged
// StaffDesk's: nothing is ever changed in a file that is not. The files are
// tightened here, while no connection of ours holds them: Windows cannot change a file
// SQLite holds open (and protects them with the profile folder's ACL instead).
func claimFile(path string) error {
	created, err := private.Create(path)
	if err != nil {
		return err
	} else if created {
		return nil
	}
	ours, err := isStaffDesks(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	} else if !ours {
		return notStaffDesks(path, nil)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := private.Tighten(p); errors.Is(err, private.ErrNotYours) {
			return app.OtherUsersFile(p, err)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// notStaffDesks is the refusal of a file that is not StaffDesk's database.
func notStaffDesks(path string, why error) error {
	return app.NotStaffDesksFile(path, why)
}

// isStaffDesks judges an existing file, writing nothing to it. Empty (made by touch,
// or an empty database): a new database, StaffDesk's to fill. Marked with StaffDesk's
// application_id: StaffDesk's. Unmarked but holding StaffDesk's migrations: made by a
// release before the mark, StaffDesk's (open marks it). Anything else — not SQLite,
// another program's mark, another program's tables — is not.
func isStaffDesks(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	header := make([]byte, sqliteHeaderLen)
	n, err := io.ReadFull(f, header)
	f.Close()
	switch {
	case n == 0 && errors.Is(err, io.EOF):
		return true, nil
	case errors.Is(err, io.ErrUnexpectedEOF) || string(header[:len(sqliteHeader)]) != sqliteHeader:
		return false, nil
	case err != nil:
		return false, err
	}
	switch binary.BigEndian.Uint32(header[68:72]) {
	case applicationID:
		return true, nil
	case 0:
		return hasStaffDesksSchema(path)
	}
	return false, nil
}

// hasStaffDesksSchema looks inside an unmarked SQLite file, read-only: it is
// StaffDesk's when it holds nothing yet, or StaffDesk's first migration is recorded in
// it. A file with no -wal beside it is read as immutable, which takes no lock and
// creates no -shm next to another program's file.
func hasStaffDesksSchema(path string) (bool, error) {
	params := "mode=ro"
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		params += "&immutable=1"
	}
	probe, err := sql.Open("sqlite3", fileURI(path)+"?"+params)
	if err != nil {
		return false, err
	}
	defer probe.Close()

	var id int32
	if err := probe.QueryRow(`PRAGMA application_id`).Scan(&id); err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && se.Code == sqlite3.ErrNotADB {
			return false, nil
		}
		return false, err
	}
	if id != 0 {
		return id == applicationID, nil // marked in the -wal, not yet in the file
	}
	var objects []string
	rows, err := probe.Query(`SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return false, err
		}
		objects = append(objects, name)
	}
	if err := rows.Close(); err != nil {
		return false, err
	}
	if len(objects) == 0 {
		return true, nil
	} else if !slices.Contains(objects, "schema_migrations") {
		return false, nil
	}
	// Another program's schema_migrations (golang-migrate has one) has other columns
	// and other versions; one left empty by a first start cut short has only itself.
	var first, total int
	err = probe.QueryRow(`SELECT COUNT(*) FILTER (WHERE version = '0001_initial.sql' AND applied_at IS NOT NULL),
		COUNT(*) FROM schema_migrations`).Scan(&first, &total)
	if err != nil {
		return false, nil // not StaffDesk's columns
	}
	return first == 1 || (total == 0 && len(objects) == 1), nil
}
