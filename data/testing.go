package data

import (
	"database/sql"
	"fmt"
	"time"
)

// This file is for tests and tools outside data (the UI's tests, a measurement
// script): they need another desk's write lock on a file without writing SQL of their
// own. Nothing in StaffDesk itself calls it.

// HoldWriteLock takes the write lock of the StaffDesk file at path on a connection of
// its own, as another StaffDesk in the middle of a long save does, and holds it until
// release is called. The file is left in WAL mode, as StaffDesk keeps it.
func HoldWriteLock(path string) (release func(), err error) {
	conn, err := sql.Open("sqlite3", fileURI(path)+"?_journal_mode=WAL&_txlock=immediate&_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	tx, err := conn.Begin()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("take the write lock of %s: %w", path, err)
	}
	return func() {
		tx.Rollback()
		conn.Close()
	}, nil
}

// SetWriteWait makes every DB wait at most d for another process's write lock (60 s
// by default) until restore is called; for tests of what a person sees when the wait
// runs out.
func SetWriteWait(d time.Duration) (restore func()) {
	old := writeWait
	writeWait = d
	return func() { writeWait = old }
}
