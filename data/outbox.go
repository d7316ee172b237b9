package data

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

var _ app.OutboxTx = (*Tx)(nil)

func mailNotFound() error {
	return app.Errorf(app.ENOTFOUND, "That message is no longer in the outbox.")
}

// mailBody is what an outbox row's payload seals: the bodies as sent, codes included.
type mailBody struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// QueueMail inserts m with its bodies sealed, and sets m.ID.
func (tx *Tx) QueueMail(m *app.OutboxMessage) error {
	if m.Status == "" {
		m.Status = app.MailQueued
	}
	plain, err := json.Marshal(mailBody{Text: m.Text, HTML: m.HTML})
	if err != nil {
		return app.Internal("queue the email", err)
	}
	sealed, err := tx.sealer.Seal(plain)
	clear(plain)
	if err != nil {
		return app.Internal("encrypt the email", err)
	}
	res, err := tx.exec(`
		INSERT INTO outbox (staff_id, kind, to_name, to_address, subject, message_id, payload,
			redacted_text, redacted_html, status, attempts, next_attempt_at, last_error, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullableID(m.StaffID), string(m.Kind), m.ToName, m.ToAddress, m.Subject, m.MessageID, sealed,
		m.RedactedText, m.RedactedHTML, string(m.Status), m.Attempts, m.NextAttemptAt.UnixNano(), m.LastError,
		m.CreatedAt.UnixNano(), nullableNanos(m.SentAt))
	if err != nil {
		return app.Internal("queue the email", err)
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return app.Internal("queue the email", err)
	}
	return nil
}

const outboxColumns = `id, staff_id, kind, to_name, to_address, subject, message_id, redacted_text,
	redacted_html, status, attempts, next_attempt_at, last_error, created_at, sent_at`

func scanMail(row interface{ Scan(...any) error }) (*app.OutboxMessage, error) {
	var (
		m                 app.OutboxMessage
		staffID, sentAt   sql.NullInt64
		kind, status      string
		nextAt, createdAt int64
	)
	if err := row.Scan(&m.ID, &staffID, &kind, &m.ToName, &m.ToAddress, &m.Subject, &m.MessageID,
		&m.RedactedText, &m.RedactedHTML, &status, &m.Attempts, &nextAt, &m.LastError, &createdAt, &sentAt); err != nil {
		return nil, err
	}
	m.StaffID, m.Kind, m.Status = staffID.Int64, app.MailKind(kind), app.MailStatus(status)
	m.NextAttemptAt, m.CreatedAt, m.SentAt = timeFromNanos(nextAt), timeFromNanos(createdAt), timeFromNullNanos(sentAt)
	return &m, nil
}

// OutboxMessages returns up to limit messages, newest first, without their bodies.
func (tx *Tx) OutboxMessages(limit int) ([]*app.OutboxMessage, error) {
	rows, err := tx.query(`SELECT `+outboxColumns+` FROM outbox ORDER BY created_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, app.Internal("load the outbox", err)
	}
	defer rows.Close()
	var out []*app.OutboxMessage
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, app.Internal("load the outbox", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal("load the outbox", err)
	}
	return out, nil
}

// OutboxMessage returns one message without its bodies.
func (tx *Tx) OutboxMessage(id int64) (*app.OutboxMessage, error) {
	m, err := scanMail(tx.queryRow(`SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, mailNotFound()
	} else if err != nil {
		return nil, app.Internal("load the message", err)
	}
	return m, nil
}

// OutboxBody opens the sealed bodies of a message that is not final.
func (tx *Tx) OutboxBody(id int64) (string, string, error) {
	var sealed []byte
	if err := tx.queryRow(`SELECT payload FROM outbox WHERE id = ?`, id).Scan(&sealed); errors.Is(err, sql.ErrNoRows) {
		return "", "", mailNotFound()
	} else if err != nil {
		return "", "", app.Internal("load the message", err)
	}
	if sealed == nil {
		return "", "", app.Errorf(app.ECONFLICT, "This message's text was discarded when it was sent, cancelled or failed.")
	}
	plain, err := tx.sealer.Open(sealed)
	if err != nil {
		// Most likely the key is not the one the message was sealed with.
		return "", "", app.Internal("decrypt the message", err)
	}
	var b mailBody
	err = json.Unmarshal(plain, &b)
	clear(plain)
	if err != nil {
		return "", "", app.Internal("decrypt the message", err)
	}
	return b.Text, b.HTML, nil
}

// NextDueMail returns the waiting message due first at or before now, or nil.
func (tx *Tx) NextDueMail(now time.Time) (*app.OutboxMessage, error) {
	m, err := scanMail(tx.queryRow(`SELECT `+outboxColumns+` FROM outbox
		WHERE status IN ('queued', 'retrying') AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT 1`, now.UnixNano()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, app.Internal("read the outbox", err)
	}
	return m, nil
}

// NextMailDue returns when the next waiting message is due.
func (tx *Tx) NextMailDue() (time.Time, bool, error) {
	var next sql.NullInt64
	if err := tx.queryRow(`SELECT MIN(next_attempt_at) FROM outbox WHERE status IN ('queued', 'retrying')`).
		Scan(&next); err != nil {
		return time.Time{}, false, app.Internal("read the outbox", err)
	}
	return timeFromNullNanos(next), next.Valid, nil
}

// ClaimMail moves a waiting message to sending and counts the attempt.
func (tx *Tx) ClaimMail(id int64) (bool, error) {
	ok, err := tx.execOne(`UPDATE outbox SET status = 'sending', attempts = attempts + 1
		WHERE id = ? AND status IN ('queued', 'retrying')`, id)
	if err != nil {
		return false, app.Internal("update the outbox", err)
	}
	return ok, nil
}

// UpdateMail writes m's delivery state; a final status discards the sealed bodies.
func (tx *Tx) UpdateMail(m *app.OutboxMessage) error {
	found, err := tx.execOne(`UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,
			sent_at = ?, payload = CASE WHEN ? THEN NULL ELSE payload END
		WHERE id = ?`,
		string(m.Status), m.Attempts, m.NextAttemptAt.UnixNano(), m.LastError, nullableNanos(m.SentAt),
		m.Status.Final(), m.ID)
	if err != nil {
		return app.Internal("update the outbox", err)
	} else if !found {
		return mailNotFound()
	}
	return nil
}

// RequeueSending puts messages left in sending back in the queue, due at now.
func (tx *Tx) RequeueSending(now time.Time) (int, error) {
	res, err := tx.exec(`UPDATE outbox SET status = 'queued', next_attempt_at = ? WHERE status = 'sending'`, now.UnixNano())
	if err != nil {
		return 0, app.Internal("update the outbox", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CancelWaitingMail cancels the account's waiting messages of the given kinds and
// returns how many.
func (tx *Tx) CancelWaitingMail(staffID int64, kinds ...app.MailKind) (int, error) {
	if len(kinds) == 0 {
		return 0, nil
	}
	args := []any{staffID}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	res, err := tx.exec(`UPDATE outbox SET status = 'cancelled', payload = NULL
		WHERE staff_id = ? AND status IN ('queued', 'retrying')
		  AND kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`)`, args...)
	if err != nil {
		return 0, app.Internal("update the outbox", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, app.Internal("update the outbox", err)
	}
	return int(n), nil
}

// RescheduleMail makes every waiting message due at now.
func (tx *Tx) RescheduleMail(now time.Time) error {
	if _, err := tx.exec(`UPDATE outbox SET next_attempt_at = ?
		WHERE status IN ('queued', 'retrying') AND next_attempt_at > ?`, now.UnixNano(), now.UnixNano()); err != nil {
		return app.Internal("update the outbox", err)
	}
	return nil
}

// CountMail counts the messages in each status.
func (tx *Tx) CountMail() (app.OutboxCounts, error) {
	rows, err := tx.query(`SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, app.Internal("count the outbox", err)
	}
	defer rows.Close()
	counts := app.OutboxCounts{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, app.Internal("count the outbox", err)
		}
		counts[app.MailStatus(status)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal("count the outbox", err)
	}
	return counts, nil
}
