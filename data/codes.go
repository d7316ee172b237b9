package data

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

var _ app.CodeTx = (*Tx)(nil)

func codeNotFound() error { return app.NotFound(app.RecordCode, "", nil) }

// CreateCode inserts c and sets c.ID. The account's older live code of c.Kind must have
// been revoked first: the codes_live index admits one.
func (tx *Tx) CreateCode(c *app.Code) error {
	res, err := tx.exec(`INSERT INTO codes (staff_id, kind, digest, new_email, new_email_key, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.StaffID, string(c.Kind), c.Digest, c.NewEmail, c.NewEmailKey, c.ExpiresAt.UnixNano(), c.CreatedAt.UnixNano())
	if isForeignKeyFailure(err) {
		return staffNotFound()
	} else if err != nil {
		return fmt.Errorf("save the code: %w", err) // SQLite names columns, never values
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("save the code: %w", err)
	}
	return nil
}

const codeColumns = `id, staff_id, kind, digest, new_email, new_email_key, expires_at, used_at, revoked_at, created_at`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanCode(row scanner) (*app.Code, error) {
	var (
		c                    app.Code
		kind                 string
		expiresAt, createdAt int64
		usedAt, revokedAt    sql.NullInt64
	)
	if err := row.Scan(&c.ID, &c.StaffID, &kind, &c.Digest, &c.NewEmail, &c.NewEmailKey, &expiresAt, &usedAt, &revokedAt, &createdAt); err != nil {
		return nil, err
	}
	c.Kind = app.CodeKind(kind)
	c.ExpiresAt, c.CreatedAt = timeFromNanos(expiresAt), timeFromNanos(createdAt)
	c.UsedAt, c.RevokedAt = timeFromNullNanos(usedAt), timeFromNullNanos(revokedAt)
	return &c, nil
}

// CodeByDigest returns the code with that digest, live or not.
func (tx *Tx) CodeByDigest(digest []byte) (*app.Code, error) {
	c, err := scanCode(tx.queryRow(`SELECT `+codeColumns+` FROM codes WHERE digest = ?`, digest))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, codeNotFound()
	} else if err != nil {
		return nil, fmt.Errorf("check the code: %w", err)
	}
	return c, nil
}

// LiveCode returns the account's unused, unrevoked code of kind.
func (tx *Tx) LiveCode(staffID int64, kind app.CodeKind) (*app.Code, error) {
	c, err := scanCode(tx.queryRow(`SELECT `+codeColumns+` FROM codes
		WHERE staff_id = ? AND kind = ? AND used_at IS NULL AND revoked_at IS NULL`, staffID, string(kind)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, codeNotFound()
	} else if err != nil {
		return nil, fmt.Errorf("check the code: %w", err)
	}
	return c, nil
}

// UseCode marks a code used.
func (tx *Tx) UseCode(id int64, at time.Time) error {
	found, err := tx.execOne(`UPDATE codes SET used_at = ? WHERE id = ? AND used_at IS NULL`, at.UnixNano(), id)
	if err != nil {
		return fmt.Errorf("use the code: %w", err)
	} else if !found {
		return app.Changed(app.RecordCode) // used meanwhile
	}
	return nil
}

// RevokeCodes ends the account's live codes of the given kinds, or of every kind.
func (tx *Tx) RevokeCodes(staffID int64, at time.Time, kinds ...app.CodeKind) error {
	query := `UPDATE codes SET revoked_at = ? WHERE staff_id = ? AND used_at IS NULL AND revoked_at IS NULL`
	args := []any{at.UnixNano(), staffID}
	if len(kinds) > 0 {
		query += ` AND kind IN (?` + strings.Repeat(", ?", len(kinds)-1) + `)`
		for _, k := range kinds {
			args = append(args, string(k))
		}
	}
	if _, err := tx.exec(query, args...); err != nil {
		return fmt.Errorf("end the old codes: %w", err)
	}
	return nil
}

// PendingEmailOwner returns the username of another account waiting to confirm an
// address whose identity key is emailKey.
func (tx *Tx) PendingEmailOwner(emailKey string, exceptStaffID int64, now time.Time) (string, error) {
	if emailKey == "" {
		return "", nil
	}
	var username string
	err := tx.queryRow(`SELECT s.username FROM codes c JOIN staff s ON s.id = c.staff_id
		WHERE c.kind = 'email_change' AND c.used_at IS NULL AND c.revoked_at IS NULL
		  AND c.new_email_key = ? AND c.staff_id <> ? AND c.expires_at > ?
		ORDER BY c.id LIMIT 1`, emailKey, exceptStaffID, now.UnixNano()).Scan(&username)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("check the email address: %w", err)
	}
	return username, nil
}

// CodesMissingEmailKey returns the email-change codes stored without the identity key
// of their new address (before migration 0006), in id order.
func (tx *Tx) CodesMissingEmailKey() ([]*app.Code, error) {
	rows, err := tx.query(`SELECT ` + codeColumns + ` FROM codes
		WHERE kind = 'email_change' AND new_email <> '' AND new_email_key = '' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read the codes: %w", err)
	}
	defer rows.Close()
	var out []*app.Code
	for rows.Next() {
		c, err := scanCode(rows)
		if err != nil {
			return nil, fmt.Errorf("read the codes: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the codes: %w", err)
	}
	return out, nil
}

// SetCodeEmailKey stores the identity key of a code's new address as app computed it.
func (tx *Tx) SetCodeEmailKey(id int64, key string) error {
	found, err := tx.execOne(`UPDATE codes SET new_email_key = ? WHERE id = ?`, key, id)
	if err != nil {
		return fmt.Errorf("store the code's address key: %w", err)
	} else if !found {
		return codeNotFound()
	}
	return nil
}

// AddCodeFailure records a wrong code, and forgets those older than a day.
func (tx *Tx) AddCodeFailure(staffID int64, at time.Time) error {
	if _, err := tx.exec(`DELETE FROM code_failures WHERE staff_id = ? AND at < ?`,
		staffID, at.Add(-24*time.Hour).UnixNano()); err != nil {
		return fmt.Errorf("record the wrong code: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO code_failures (staff_id, at) VALUES (?, ?)`, staffID, at.UnixNano()); err != nil {
		return fmt.Errorf("record the wrong code: %w", err)
	}
	return nil
}

// CodeFailuresSince counts the account's wrong codes since since.
func (tx *Tx) CodeFailuresSince(staffID int64, since time.Time) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	if err := tx.queryRow(`SELECT COUNT(*), MIN(at) FROM code_failures WHERE staff_id = ? AND at > ?`,
		staffID, since.UnixNano()).Scan(&n, &oldest); err != nil {
		return 0, time.Time{}, fmt.Errorf("check the code: %w", err)
	}
	return n, timeFromNullNanos(oldest), nil
}
