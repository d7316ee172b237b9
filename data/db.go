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
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/staffdesk/staffdesk/app"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Connection settings shared by both pools. WAL lets readers work while a write is in
// progress; the busy timeout makes a second writer (another window, another process
// with the file open) wait its turn instead of failing with "database is locked".
const commonParams = "_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL"

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

	// Now returns the current time: for the timestamps the store writes and for
	// deciding whether an email change has expired. Tests replace it.
	Now func() time.Time
}

var _ app.Store = (*DB)(nil)

// Open opens the SQLite file at path, creating it (and its folder) if missing, and
// brings its schema up to date. sealer seals and opens the staff PINs.
func Open(path string, sealer app.Sealer) (*DB, error) {
	if path == "" {
		return nil, app.Internal("open the database", errors.New("no database path given"))
	} else if sealer == nil {
		return nil, app.Internal("open the database", errors.New("no sealer for the PINs"))
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, app.Internal("open the database", fmt.Errorf("resolve %q: %w", path, err))
	}
	if err := createPrivateFile(path); err != nil {
		return nil, app.Internal("open the database", err)
	}

	db := &DB{path: path, sealer: sealer, Now: time.Now}
	if err := db.open(); err != nil {
		db.Close()
		return nil, app.Internal("open the database", fmt.Errorf("open %s: %w", path, err))
	}
	return db, nil
}

func (db *DB) open() (err error) {
	uri := fileURI(db.path)
	if db.write, err = sql.Open("sqlite3", uri+"?"+writeParams); err != nil {
		return err
	}
	db.write.SetMaxOpenConns(1)

	if err := db.migrate(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	// The readers are opened only now: the writer's connection has switched the file
	// to WAL (which persists in the file), so a reader never needs to write to do it.
	if db.read, err = sql.Open("sqlite3", uri+"?"+readParams); err != nil {
		return err
	}
	db.read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	if err := db.read.Ping(); err != nil {
		return err
	}

	// SQLite gives the -wal and -shm files the database file's mode, but a file left
	// by an older run or another tool may be looser; staff records must not be.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Chmod(db.path+suffix, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// createPrivateFile makes sure the database file exists with owner-only permissions
// before SQLite opens it, so that it is never readable by others even for a moment.
// Its folder is created owner-only too when missing.
func createPrivateFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create folder for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	// An existing file may have been created looser (by hand, by a copy).
	return os.Chmod(path, 0o600)
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
		return app.Internal("close the database", err)
	}
	return nil
}

// migrate applies, in file-name order, each embedded migration not yet recorded in
// schema_migrations. Adding a migration is dropping the next numbered file into
// migrations/.
func (db *DB) migrate() error {
	if _, err := db.write.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT    PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	entries, err := fs.ReadDir(migrationFS, "migrations") // sorted by name
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := db.migrateFile(e.Name()); err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
	}
	return nil
}

// migrateFile applies one migration in its own transaction. The check that it has not
// run yet is made inside that transaction, which holds the write lock from BEGIN, so
// two processes opening the same new file cannot both apply it.
func (db *DB) migrateFile(name string) error {
	tx, err := db.write.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	buf, err := fs.ReadFile(migrationFS, "migrations/"+name)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(string(buf)); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		name, db.Now().UnixNano()); err != nil {
		return err
	}
	return tx.Commit()
}

// Read runs fn in a read-only transaction.
func (db *DB) Read(ctx context.Context, fn func(app.Tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return storeError("read the practice's records", err)
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
		return storeError("save the changes", err)
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
	t.once.Do(func() {
		t.token = make(chan struct{}, 1)
		// Writes wait for another process in short steps (beginWrite); see writeStep.
		db.write.Exec(fmt.Sprintf("PRAGMA busy_timeout = %d", writeStep.Milliseconds()))
	})
	me := goroutineID()
	if t.holder.Load() == me {
		return nil, app.Internal("save the changes", app.ErrNestedWrite)
	}
	select {
	case t.token <- struct{}{}:
	case <-ctx.Done():
		return nil, storeError("start saving the changes", ctx.Err())
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
			return nil, storeError("start saving the changes", err)
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

// storeError is app.Internal, or EBUSY when the cause is SQLite's "database is locked"
// (which never reaches a person: the app says what to do instead).
func storeError(what string, err error) error {
	if isBusy(err) {
		return app.Busy(err)
	}
	return app.Internal(what, err)
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
	return &Tx{tx: sqlTx, ctx: ctx, now: db.Now().UTC(), sealer: db.sealer}
}

// Tx is one transaction's view of the store, handed to the functions given to Read
// and Write. Its methods compose: they all run inside the same SQLite transaction.
type Tx struct {
	tx     *sql.Tx
	ctx    context.Context
	sealer app.Sealer
	// now is taken once at BEGIN so that everything a transaction stamps carries the
	// same time.
	now time.Time
	// stmts are the statements prepared in this transaction (prepared), for the ones
	// run once per message of a batch; they close with it.
	stmts map[string]*sql.Stmt
}

// prepared returns query prepared once in this transaction.
func (tx *Tx) prepared(query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// execPrepared is execOne with the statement prepared once per transaction.
func (tx *Tx) execPrepared(query string, args ...any) (bool, error) {
	st, err := tx.prepared(query)
	if err != nil {
		return false, err
	}
	res, err := st.ExecContext(tx.ctx, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
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
