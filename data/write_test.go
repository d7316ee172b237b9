package data

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

func openPair(t *testing.T) (*DB, *DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "staffdesk.db")
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(path, nullSealer{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// holdWriteLock keeps a write transaction open on db for d, as another desk saving
// slowly would; it returns once the lock is held and a channel closed when released.
func holdWriteLock(t *testing.T, db *DB, d time.Duration) <-chan struct{} {
	t.Helper()
	held, released := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(released)
		err := db.Write(context.Background(), func(tx app.Tx) error {
			if err := tx.SetSetting("test.holder", "a"); err != nil {
				return err
			}
			close(held)
			time.Sleep(d)
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}()
	<-held
	return released
}

type notices struct {
	mu   sync.Mutex
	seen []bool
}

func (n *notices) notice(waiting bool) {
	n.mu.Lock()
	n.seen = append(n.seen, waiting)
	n.mu.Unlock()
}

func (n *notices) get() []bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]bool(nil), n.seen...)
}

// Another desk holds the write lock for longer than SQLite's busy timeout (5 s): the
// save waits, says so, and succeeds instead of failing with "database is locked".
func TestWrite_WaitsForAnotherDesk(t *testing.T) {
	a, b := openPair(t)
	released := holdWriteLock(t, a, 6*time.Second)
	var n notices
	ctx := app.WithWaitNotice(context.Background(), n.notice)
	start := time.Now()
	err := b.Write(ctx, func(tx app.Tx) error { return tx.SetSetting("test.waiter", "b") })
	if err != nil {
		t.Fatalf("after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
	<-released
	if got := n.get(); len(got) != 2 || !got[0] || got[1] {
		t.Fatalf("wait notices %v, want [true false]", got)
	}
}

// A lock held for longer than the write waits: EBUSY in words a person can act on,
// never SQLite's.
func TestWrite_GivesUpWithEBUSY(t *testing.T) {
	old := writeWait
	writeWait = time.Second
	defer func() { writeWait = old }()
	a, b := openPair(t)
	released := holdWriteLock(t, a, 3*time.Second)
	defer func() { <-released }()
	err := b.Write(context.Background(), func(tx app.Tx) error { return tx.SetSetting("test.waiter", "b") })
	if app.ErrorCode(err) != app.EBUSY {
		t.Fatalf("error %v (code %s), want EBUSY", err, app.ErrorCode(err))
	}
	if msg := app.ErrorMessage(err); msg != "Another StaffDesk is still saving; try again in a moment." || strings.Contains(msg, "locked") {
		t.Fatalf("message %q", msg)
	}
}

// A Write inside a Write is a programming error, returned at once instead of waiting
// for ever for the turn the outer Write holds.
func TestWrite_NestedIsAnErrorNotADeadlock(t *testing.T) {
	db, _ := openPair(t)
	done := make(chan error, 1)
	go func() {
		done <- db.Write(context.Background(), func(tx app.Tx) error {
			return db.Write(context.Background(), func(tx app.Tx) error { return nil })
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, app.ErrNestedWrite) {
			t.Fatalf("nested Write: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a nested Write deadlocked")
	}
	// The turn was given back; writes from many goroutines at once take turns.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := db.Write(context.Background(), func(tx app.Tx) error { return tx.SetSetting("test.k", "v") }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
