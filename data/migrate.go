// The schema: embedded numbered migrations, applied in order at open.

package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

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
