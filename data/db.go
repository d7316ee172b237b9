// Package data keeps StaffDesk's records in a local SQLite file. It implements
// app.Store: every service call runs in one transaction, the schema comes from the
// numbered migrations embedded from migrations/, and the PINs managers are shown are
// sealed with the app's Sealer before they reach the file.
package data

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/internal/private"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

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

// migrate applies, in file-name order, each embedded migration not yet recorded in
// schema_migrations. Adding a migration is dropping the next numbered file into
// migrations/.
//
// What is recorded is read first without any lock, so that an up-to-date file opens
// while another desk is saving; only when something is to be applied does migrate take
// the write lock, waiting for it as a Write does (beginMigration), and each migration
// checks again inside its transaction that it has not run meanwhile.
//
// Migrations run with foreign keys off, as SQLite's way of changing a table requires
// (drop the old table, rename a rebuilt one in): with them on, dropping a parent table
// deletes its rows first and fires ON DELETE CASCADE and SET NULL in the tables that
// point at it. PRAGMA foreign_keys cannot change inside a transaction, so it is turned
// off on the writer's one connection before the migrations' transactions and back on
// after; each migration checks the keys itself before it commits.
func (db *DB) migrate(marked bool) (err error) {
	ctx := context.Background()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	entries, err := fs.ReadDir(migrationFS, "migrations") // sorted by name
	if err != nil {
		return err
	}
	applied, err := appliedMigrations(ctx, conn)
	if err != nil {
		return err
	}
	var pending []string
	for _, e := range entries {
		if !applied[e.Name()] {
			pending = append(pending, e.Name())
		}
	}
	if len(pending) == 0 {
		if !marked { // made by a release before the mark
			return markFile(ctx, conn)
		}
		return nil
	}

	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("turn foreign keys off: %w", err)
	}
	defer func() {
		// Every later transaction on this connection relies on the keys being on.
		var on int
		_, e := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
		if e == nil {
			e = conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on)
		}
		if e == nil && on != 1 {
			e = errors.New("foreign keys are still off")
		}
		if e != nil {
			err = errors.Join(err, fmt.Errorf("turn foreign keys back on: %w", e))
		}
	}()
	for _, name := range pending {
		if err := migrateFile(ctx, conn, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// appliedMigrations reads schema_migrations in a read of its own (autocommit, which
// takes no write lock). A file without the table has none applied.
func appliedMigrations(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	var tables int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).
		Scan(&tables); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	applied := map[string]bool{}
	if tables == 0 {
		return applied, nil
	}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// beginMigration begins a migration's transaction on conn (BEGIN IMMEDIATE: the
// writer's pool takes the write lock at BEGIN), waiting up to writeWait, as a Write
// does, while another process holds the lock; then EBUSY.
func beginMigration(ctx context.Context, conn *sql.Conn) (*sql.Tx, error) {
	deadline := time.Now().Add(writeWait)
	for {
		tx, err := conn.BeginTx(ctx, nil)
		if err == nil {
			return tx, nil
		} else if !isBusy(err) {
			return nil, err
		} else if time.Now().After(deadline) {
			return nil, app.Busy(fmt.Errorf("apply the migrations: %w", err))
		}
	}
}

// migrateFile applies one migration in its own transaction. The check that it has not
// run yet is made inside that transaction, which holds the write lock from BEGIN, so
// two processes opening the same new file cannot both apply it. The same transaction
// marks the file as StaffDesk's and makes schema_migrations if they are not yet. It
// commits only when every foreign key still points at a row.
func migrateFile(ctx context.Context, conn *sql.Conn, name string) error {
	tx, err := beginMigration(ctx, conn)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if err := mark(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT    PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	buf, err := fs.ReadFile(migrationFS, "migrations/"+name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
	}
	if err := checkForeignKeys(ctx, tx); err != nil {
		return err
	}
	// When it was applied is the machine's time: it describes the file, not a record.
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		name, time.Now().UnixNano()); err != nil {
		return err
	}
	return tx.Commit()
}

// mark marks the file as StaffDesk's (PRAGMA application_id) if it is not yet.
func mark(ctx context.Context, tx *sql.Tx) error {
	var id int32
	if err := tx.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil {
		return err
	} else if id == 0 {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
			return fmt.Errorf("mark the file as StaffDesk's: %w", err)
		}
	}
	return nil
}

// markFile marks an up-to-date file as StaffDesk's in a transaction of its own.
func markFile(ctx context.Context, conn *sql.Conn) error {
	tx, err := beginMigration(ctx, conn)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := mark(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// checkForeignKeys fails when any row points at a row that is not there.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var broken []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		broken = append(broken, fmt.Sprintf("%s row %d points at a missing %s", table, rowid.Int64, parent))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(broken) > 0 {
		return fmt.Errorf("foreign key check failed: %s", strings.Join(broken, "; "))
	}
	return nil
}

// Read runs fn in a read-only transaction.
func (db *DB) Read(ctx context.Context, fn func(app.Tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return storeError("begin a read", err)
	}
	defer sqlTx.Rollback()
	// A read commits nothing; returning fn's result and rolling back just ends it.
	return busyAsEBUSY(fn(db.newTx(ctx, sqlTx)))
}

// writeWait is how long a write waits for its turn while another StaffDesk (a second
// window, another desk on the same file) holds the write lock, before it gives up with
// EBUSY. SQLite's own busy timeout waits in steps of writeStep, so that the person is
// told of the wait (app.NotifyWaiting) after writeStep rather than after the whole of it.
var writeWait = 60 * time.Second // a variable for the tests

const writeStep = 500 * time.Millisecond

// Write runs fn in a read-write transaction that commits when fn returns nil. Writes
// take turns; while another process holds the file's write lock, Write waits up to
// writeWait (telling ctx's app.WaitNotice) and then returns EBUSY. fn must not call
// Write itself: Write returns app.ErrNestedWrite rather than wait for the turn its own
// caller holds.
func (db *DB) Write(ctx context.Context, fn func(app.Tx) error) error {
	leave, err := db.takeWriteTurn(ctx)
	if err != nil {
		return err
	}
	defer leave()

	sqlTx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()

	if err := fn(db.newTx(ctx, sqlTx)); err != nil {
		return busyAsEBUSY(err)
	}
	if err := sqlTx.Commit(); err != nil {
		// go-sqlite3 rolls back a COMMIT refused as busy: nothing was saved.
		return storeError("commit", err)
	}
	return nil
}

// writeTurn is the one write at a time of this DB: the goroutine holding it, and a
// channel of one token that waits respecting the caller's context (the single write
// connection's pool would wait too, but for ever for a nested Write).
type writeTurn struct {
	once   sync.Once
	token  chan struct{}
	holder atomic.Uint64 // goroutine id of the writer, 0 when none
}

// takeWriteTurn waits for this DB's write turn and returns the function that gives it
// back. A Write from the goroutine that already holds the turn is a nested Write.
func (db *DB) takeWriteTurn(ctx context.Context) (func(), error) {
	t := &db.turn
	t.once.Do(func() { t.token = make(chan struct{}, 1) })
	me := goroutineID()
	if t.holder.Load() == me {
		return nil, fmt.Errorf("write: %w", app.ErrNestedWrite)
	}
	select {
	case t.token <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the write turn: %w", ctx.Err())
	}
	t.holder.Store(me)
	return func() {
		t.holder.Store(0)
		<-t.token
	}, nil
}

// beginWrite begins the write transaction (BEGIN IMMEDIATE takes the file's write
// lock), waiting up to writeWait while another process holds it.
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	deadline := time.Now().Add(writeWait)
	waiting := false
	defer func() {
		if waiting {
			app.NotifyWaiting(ctx, false)
		}
	}()
	for {
		sqlTx, err := db.write.BeginTx(ctx, nil)
		if err == nil {
			return sqlTx, nil
		} else if !isBusy(err) || ctx.Err() != nil {
			return nil, storeError("begin a write", err)
		}
		if !waiting {
			waiting = true
			app.NotifyWaiting(ctx, true)
		}
		if time.Now().After(deadline) {
			return nil, app.Busy(err)
		}
	}
}

// storeError is err wrapped with what was being done, or EBUSY when the cause is
// SQLite's "database is locked" (which never reaches a person: the app says what to do
// instead). The services put words to the rest.
func storeError(what string, err error) error {
	if isBusy(err) {
		return app.Busy(err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// busyAsEBUSY turns an error met inside a transaction because the file was locked
// into EBUSY, keeping every other error as it is.
func busyAsEBUSY(err error) error {
	if err != nil && isBusy(err) && app.ErrorCode(err) != app.EBUSY {
		return app.Busy(err)
	}
	return err
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// goroutineID returns the calling goroutine's id, from the first line of its stack
// ("goroutine 42 [running]:"). Go offers no other way, and it is what tells a nested
// Write from a concurrent one.
func goroutineID() uint64 {
	var buf [40]byte
	n := runtime.Stack(buf[:], false)
	var id uint64
	for _, c := range bytes.TrimPrefix(buf[:n], []byte("goroutine ")) {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

func (db *DB) newTx(ctx context.Context, sqlTx *sql.Tx) *Tx {
	return &Tx{tx: sqlTx, ctx: ctx, sealer: db.sealer}
}

// Tx is one transaction's view of the store, handed to the functions given to Read
// and Write. Its methods compose: they all run inside the same SQLite transaction.
type Tx struct {
	tx     *sql.Tx
	ctx    context.Context
	sealer app.Sealer
}

var _ app.Tx = (*Tx)(nil)

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.ctx, query, args...)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.ctx, query, args...)
}

// execOne runs an UPDATE or DELETE of one row by id and reports whether the row was
// there. SQLite counts a matched row as affected even when no value changed.
func (tx *Tx) execOne(query string, args ...any) (bool, error) {
	res, err := tx.exec(query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// uniqueColumn reports whether err is a UNIQUE constraint failure and, if so, which
// column refused the write, as SQLite names it: "staff.email".
func uniqueColumn(err error) (string, bool) {
	var se sqlite3.Error
	if !errors.As(err, &se) || se.ExtendedCode != sqlite3.ErrConstraintUnique {
		return "", false
	}
	_, col, _ := strings.Cut(se.Error(), "UNIQUE constraint failed: ")
	return col, true
}

// isForeignKeyFailure reports whether err is a FOREIGN KEY constraint failure. SQLite
// does not say which key; callers find out by looking.
func isForeignKeyFailure(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// Times are stored as Unix nanoseconds: exact, ordered, and read without parsing
// (the staff grid reads three per row, 100,000 rows at a time).
func timeFromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// nullableNanos stores the zero time as NULL ("not yet").
func nullableNanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func timeFromNullNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return timeFromNanos(n.Int64)
}

// nullableID stores the "none" id 0 as NULL, which a foreign key accepts.
func nullableID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
