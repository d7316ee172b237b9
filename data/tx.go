// Transactions: Read, Write (one at a time, waiting for another desk), and the Tx
// handed to the services.

package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/staffdesk/staffdesk/app"
)

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
