// Sessions, the sign-in records of accounts and of names matching none, and the
// practice record (app.SessionTx, app.SignInTx, app.PracticeTx).

package data

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// app names no Record for these two; the refusals name them as the store knows them.
const (
	recordSession  = app.Record("session")
	recordPractice = app.Record("practice")
)

func sessionNotFound() error { return app.NotFound(recordSession, "", nil) }

// CreateSession inserts s and sets s.ID. A session not yet seen was last seen when it
// started.
func (tx *Tx) CreateSession(s *app.Session) error {
	if s.StartedAt.IsZero() {
		return errors.New("create session: no time given")
	} else if len(s.TokenDigest) == 0 {
		return errors.New("create session: no token digest")
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.StartedAt
	}
	res, err := tx.exec(`
		INSERT INTO sessions (staff_id, token_digest, desk, started_at, last_seen_at, ended_at, end_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		nullableID(s.StaffID), s.TokenDigest, s.Desk, s.StartedAt.UnixNano(), s.LastSeenAt.UnixNano(),
		nullableNanos(s.EndedAt), string(s.EndReason))
	if col, ok := uniqueColumn(err); ok && col == "sessions.token_digest" {
		return app.Taken(recordSession, "", err)
	} else if isForeignKeyFailure(err) {
		return app.NotFound(app.RecordStaff, "", err)
	} else if err != nil {
		return fmt.Errorf("save the session: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("save the session: %w", err)
	}
	s.ID = id
	return nil
}

const sessionColumns = `id, staff_id, token_digest, desk, started_at, last_seen_at, ended_at, end_reason`

// scanSession reads one row of sessionColumns.
func scanSession(row interface{ Scan(...any) error }) (*app.Session, error) {
	var (
		s                   app.Session
		staffID, endedAt    sql.NullInt64
		startedAt, lastSeen int64
		reason              string
	)
	if err := row.Scan(&s.ID, &staffID, &s.TokenDigest, &s.Desk, &startedAt, &lastSeen, &endedAt, &reason); err != nil {
		return nil, err
	}
	s.StaffID = staffID.Int64 // 0: the account was deleted
	s.StartedAt, s.LastSeenAt = timeFromNanos(startedAt), timeFromNanos(lastSeen)
	s.EndedAt, s.EndReason = timeFromNullNanos(endedAt), app.SessionEnd(reason)
	return &s, nil
}

// SessionByToken returns the session whose token has that digest, live or ended.
func (tx *Tx) SessionByToken(digest []byte) (*app.Session, error) {
	if len(digest) == 0 {
		return nil, sessionNotFound()
	}
	s, err := scanSession(tx.queryRow(`SELECT `+sessionColumns+` FROM sessions WHERE token_digest = ?`, digest))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sessionNotFound()
	} else if err != nil {
		return nil, fmt.Errorf("load the session: %w", err)
	}
	return s, nil
}

// liveSessionsQuery reads an account's live sessions through sessions_live, in its
// order.
const liveSessionsQuery = `SELECT ` + sessionColumns + ` FROM sessions
	WHERE staff_id = ? AND ended_at IS NULL ORDER BY started_at, id`

// endSessionsQuery ends an account's live sessions but one, found through sessions_live.
const endSessionsQuery = `UPDATE sessions SET ended_at = ?, end_reason = ?
	WHERE staff_id = ? AND ended_at IS NULL AND id <> ?`

// LiveSessions returns the live sessions of an account, oldest first.
func (tx *Tx) LiveSessions(staffID int64) ([]*app.Session, error) {
	rows, err := tx.query(liveSessionsQuery, staffID)
	if err != nil {
		return nil, fmt.Errorf("load the sessions: %w", err)
	}
	defer rows.Close()
	var list []*app.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("load the sessions: %w", err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load the sessions: %w", err)
	}
	return list, nil
}

// EndSessions ends every live session of an account but exceptID (0: none) at at, for
// reason, and returns how many it ended. Sessions that had ended keep their reason.
func (tx *Tx) EndSessions(staffID, exceptID int64, reason app.SessionEnd, at time.Time) (int, error) {
	if at.IsZero() {
		return 0, errors.New("end sessions: no time given")
	}
	res, err := tx.exec(endSessionsQuery, at.UnixNano(), string(reason), staffID, exceptID)
	if err != nil {
		return 0, fmt.Errorf("end the sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("end the sessions: %w", err)
	}
	return int(n), nil
}

// EndSession ends one live session at at, for reason; ENOTFOUND when there is no such
// live session (it never was, or it has ended already and keeps its first reason).
func (tx *Tx) EndSession(id int64, reason app.SessionEnd, at time.Time) error {
	if at.IsZero() {
		return errors.New("end session: no time given")
	}
	found, err := tx.execOne(`UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL`,
		at.UnixNano(), string(reason), id)
	if err != nil {
		return fmt.Errorf("end the session: %w", err)
	} else if !found {
		return sessionNotFound()
	}
	return nil
}

// TouchSession records that a live session was used at at; ENOTFOUND when there is no
// such live session.
func (tx *Tx) TouchSession(id int64, at time.Time) error {
	if at.IsZero() {
		return errors.New("touch session: no time given")
	}
	found, err := tx.execOne(`UPDATE sessions SET last_seen_at = ? WHERE id = ? AND ended_at IS NULL`,
		at.UnixNano(), id)
	if err != nil {
		return fmt.Errorf("record the session's use: %w", err)
	} else if !found {
		return sessionNotFound()
	}
	return nil
}

// SetSignInState writes an account's record of signing in. It leaves the version and
// UpdatedAt alone: the record is not part of what an Edit window shows and saves.
func (tx *Tx) SetSignInState(staffID int64, st app.SignInState) error {
	found, err := tx.execOne(`
		UPDATE staff SET last_signin_at = ?, failed_signins = ?, last_failed_signin_at = ?,
		       locked_until = ?, must_change_password = ?
		WHERE id = ?`,
		nullableNanos(st.LastSignInAt), st.Failures, nullableNanos(st.LastFailedAt),
		nullableNanos(st.LockedUntil), st.MustChangePassword, staffID)
	if err != nil {
		return fmt.Errorf("save the sign-in record: %w", err)
	} else if !found {
		return staffNotFound()
	}
	return nil
}

// NameThrottle returns the record of failed sign-ins of a typed name that matches no
// account, zero when there is none. Such a name never signs in, so only its failures
// and lock are kept.
func (tx *Tx) NameThrottle(key string) (app.SignInState, error) {
	var (
		st                     app.SignInState
		lastFailed, lockedTill sql.NullInt64
	)
	err := tx.queryRow(`SELECT failures, last_failed_at, locked_until FROM name_throttle WHERE key = ?`, key).
		Scan(&st.Failures, &lastFailed, &lockedTill)
	if errors.Is(err, sql.ErrNoRows) {
		return app.SignInState{}, nil
	} else if err != nil {
		return app.SignInState{}, fmt.Errorf("load the sign-in record: %w", err)
	}
	st.LastFailedAt, st.LockedUntil = timeFromNullNanos(lastFailed), timeFromNullNanos(lockedTill)
	return st, nil
}

// SetNameThrottle writes the record of a typed name's failed sign-ins, or forgets it
// when it holds no failure, failure time nor lock.
func (tx *Tx) SetNameThrottle(key string, st app.SignInState) error {
	if st.Failures == 0 && st.LastFailedAt.IsZero() && st.LockedUntil.IsZero() {
		if _, err := tx.exec(`DELETE FROM name_throttle WHERE key = ?`, key); err != nil {
			return fmt.Errorf("forget the sign-in record: %w", err)
		}
		return nil
	}
	if _, err := tx.exec(`
		INSERT INTO name_throttle (key, failures, last_failed_at, locked_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
			last_failed_at = excluded.last_failed_at, locked_until = excluded.locked_until`,
		key, st.Failures, nullableNanos(st.LastFailedAt), nullableNanos(st.LockedUntil)); err != nil {
		return fmt.Errorf("save the sign-in record: %w", err)
	}
	return nil
}

// Practice returns the practice; ENOTFOUND before it is first saved.
func (tx *Tx) Practice() (*app.Practice, error) {
	var (
		p                    app.Practice
		createdAt, updatedAt int64
	)
	err := tx.queryRow(`SELECT name, staff_limit, created_at, updated_at, version FROM practice WHERE id = 1`).
		Scan(&p.Name, &p.StaffLimit, &createdAt, &updatedAt, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.NotFound(recordPractice, "", nil)
	} else if err != nil {
		return nil, fmt.Errorf("load the practice: %w", err)
	}
	p.CreatedAt, p.UpdatedAt = timeFromNanos(createdAt), timeFromNanos(updatedAt)
	return &p, nil
}

// SavePractice inserts the practice when p.Version is 0, or writes its name, limit and
// UpdatedAt when it is still at p.Version; then bumps p.Version. Either is refused
// with Changed when the record has moved on: saved by another desk since it was read,
// or first saved by another desk meanwhile.
func (tx *Tx) SavePractice(p *app.Practice) error {
	if p.UpdatedAt.IsZero() || (p.Version == 0 && p.CreatedAt.IsZero()) {
		return errors.New("save the practice: no time given")
	}
	var (
		found bool
		err   error
	)
	if p.Version == 0 {
		found, err = tx.execOne(`
			INSERT INTO practice (id, name, staff_limit, created_at, updated_at, version)
			VALUES (1, ?, ?, ?, ?, 1) ON CONFLICT (id) DO NOTHING`,
			p.Name, p.StaffLimit, p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano())
	} else {
		found, err = tx.execOne(`
			UPDATE practice SET name = ?, staff_limit = ?, updated_at = ?, version = version + 1
			WHERE id = 1 AND version = ?`,
			p.Name, p.StaffLimit, p.UpdatedAt.UnixNano(), p.Version)
	}
	if err != nil {
		return fmt.Errorf("save the practice: %w", err)
	} else if !found && p.Version != 0 {
		return tx.staleOrGone("practice", recordPractice, 1)
	} else if !found {
		return app.Changed(recordPractice)
	}
	p.Version++
	return nil
}
