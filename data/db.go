// Package data keeps StaffDesk's records in a local SQLite file. It implements
// app.Store: every service call runs in one transaction, the schema comes from the
// numbered migrations embedded from migrations/, and the PINs managers are shown are
// sealed with the app's Sealer before they reach the file.
package data

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/staffdesk/staffdesk/app"
)

// Connection settings shared by both pools. WAL lets readers work while a write is in
// progress; the busy timeout makes a second writer (another window, another process
// with the file open) wait its turn instead of failing with "database is locked". The
// writer's connection waits in shorter steps (writeStep), up to writeWait in all. Each
// connection keeps its last statements prepared (_stmt_cache_size): the outbox's courier
// runs the same few per batch, and preparing one costs more than running it.
const commonParams = "_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_stmt_cache_size=64"

// The writer takes the write lock at BEGIN (_txlock=immediate): a transaction that
// reads and then writes can never be refused half way because another writer got in
// first, which is what would otherwise turn a race into SQLITE_BUSY instead of waiting.
const writeParams = "_journal_mode=WAL&_txlock=immediate&" + commonParams

// Readers begin deferred so that they never take the write lock, and are refused any
// write: go-sqlite3 ignores sql.TxOptions.ReadOnly, so query_only is what enforces it.
const readParams = "_txlock=deferred&_query_only=on&" + commonParams

// DB is the practice's SQLite file.
type DB struct {
	path   string
	sealer app.Sealer

	// write holds a single connection: SQLite admits one writer at a time, and queueing
	// writers in the pool (where they respect their context) is kinder than queueing
	// them on the file lock.
	write *sql.DB
	// read serves Read transactions; under WAL they don't block the writer or each other.
	read *sql.DB

	// turn is the one write at a time (Write).
	turn writeTurn
}

var _ app.Store = (*DB)(nil)

// applicationID marks an SQLite file as StaffDesk's (PRAGMA application_id): the
// bytes "STFD" at offset 68 of the file's header.
const applicationID = 0x53544644

// sqliteHeader starts every SQLite database file; its header is 100 bytes.
const (
	sqliteHeader    = "SQLite format 3\x00"
	sqliteHeaderLen = 100
)

// Open opens StaffDesk's SQLite file at path, creating it (and its folder) if missing,
// and brings its schema up to date. sealer seals and opens the staff PINs.
//
// A file that is not StaffDesk's database (a text file, another program's database)
// is refused with an EINVALID error saying so, before anything is written to it: its
// bytes, mode and time stay as they were. An up-to-date file opens without taking the
// write lock; one with migrations to apply waits for another desk's save as a Write
// does, and returns EBUSY when that wait runs out. Any other failure is a plain error.
func Open(path string, sealer app.Sealer) (*DB, error) {
	if path == "" {
		return nil, errors.New("open the database: no path given")
	} else if sealer == nil {
		return nil, errors.New("open the database: no sealer for the PINs")
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open the database: resolve %q: %w", path, err)
	}
	if err := claimFile(path); err != nil {
		return nil, err
	}

	db := &DB{path: path, sealer: sealer}
	if err := db.open(); err != nil {
		db.Close()
		var e *app.Error
		if errors.As(err, &e) {
			return nil, err
		} else if isBusy(err) {
			return nil, app.Busy(fmt.Errorf("open %s: %w", path, err))
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func (db *DB) open() (err error) {
	uri := fileURI(db.path)
	if db.write, err = sql.Open("sqlite3", uri+"?"+writeParams); err != nil {
		return err
	}
	db.write.SetMaxOpenConns(1)
	// Writes wait for another process in short steps (beginWrite); see writeStep.
	if _, err := db.write.Exec(fmt.Sprintf("PRAGMA busy_timeout = %d", writeStep.Milliseconds())); err != nil {
		return err
	}

	// The file was judged StaffDesk's from its header before SQLite opened it; this
	// looks again now that SQLite reads it whole, in case another program made it its
	// own in between. The mark goes on in the first migration's transaction, so that a
	// file with any of StaffDesk's tables in it is always marked as StaffDesk's.
	var id int32
	if err := db.write.QueryRow(`PRAGMA application_id`).Scan(&id); err != nil {
		return err
	}
	if id != 0 && id != applicationID {
		return notStaffDesks(db.path, fmt.Errorf("application_id %#x", uint32(id)))
	}

	if err := db.migrate(id == applicationID); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	// The readers are opened only now: the writer's connection has switched the file
	// to WAL (which persists in the file), so a reader never needs to write to do it.
	if db.read, err = sql.Open("sqlite3", uri+"?"+readParams); err != nil {
		return err
	}
	db.read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	return db.read.Ping()
}

// fileURI turns an absolute path into an SQLite URI, escaping the characters ('?',
// '#', '%') that would otherwise end the path early.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // "C:/..." on Windows
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// Path is the database file's absolute path.
func (db *DB) Path() string { return db.path }

// Close closes the database. It is safe to call on a partly opened DB.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close the database: %w", err)
	}
	return nil
}
