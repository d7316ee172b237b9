package data

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

var _ app.OutboxTx = (*Tx)(nil)

func mailNotFound() error { return app.NotFound(app.RecordMail, "", nil) }

// mailBody is what an outbox row's payload seals: the bodies as sent, codes included.
// Older rows seal it as JSON; new ones as bodyVersion, then the text's length as a
// uvarint, the text and the HTML, which the courier opens a batch at a time for a
// fraction of JSON's cost (JSON escapes every < and > of the HTML).
type mailBody struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

const bodyVersion = 1

func (b mailBody) marshal() []byte {
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(b.Text)+len(b.HTML))
	out = append(out, bodyVersion)
	out = binary.AppendUvarint(out, uint64(len(b.Text)))
	out = append(out, b.Text...)
	return append(out, b.HTML...)
}

func unmarshalBody(plain []byte) (mailBody, error) {
	var b mailBody
	if len(plain) > 0 && plain[0] == '{' {
		err := json.Unmarshal(plain, &b)
		return b, err
	}
	if len(plain) == 0 || plain[0] != bodyVersion {
		return b, errors.New("unknown body format")
	}
	n, k := binary.Uvarint(plain[1:])
	if k <= 0 || n > uint64(len(plain)-1-k) {
		return b, errors.New("damaged body")
	}
	rest := plain[1+k:]
	return mailBody{Text: string(rest[:n]), HTML: string(rest[n:])}, nil
}

// QueueMail inserts m with its bodies sealed, and sets m.ID.
func (tx *Tx) QueueMail(m *app.OutboxMessage) error {
	if m.Status == "" {
		m.Status = app.MailQueued
	}
	var sealed []byte
	if !m.Status.Final() { // a final message keeps only the redacted copies
		plain := mailBody{Text: m.Text, HTML: m.HTML}.marshal()
		var err error
		sealed, err = tx.sealer.Seal(plain)
		clear(plain)
		if err != nil {
			return fmt.Errorf("encrypt the email: %w", err)
		}
	}
	res, err := tx.exec(`
		INSERT INTO outbox (staff_id, kind, to_name, to_address, subject, message_id,
			status, attempts, next_attempt_at, last_error, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullableID(m.StaffID), string(m.Kind), m.ToName, m.ToAddress, m.Subject, m.MessageID,
		string(m.Status), m.Attempts, m.NextAttemptAt.UnixNano(), m.LastError,
		m.CreatedAt.UnixNano(), nullableNanos(m.SentAt))
	if err != nil {
		return fmt.Errorf("queue the email: %w", err)
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("queue the email: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO outbox_bodies (outbox_id, payload, redacted_text, redacted_html) VALUES (?, ?, ?, ?)`,
		m.ID, sealed, m.RedactedText, m.RedactedHTML); err != nil {
		return fmt.Errorf("queue the email: %w", err)
	}
	return nil
}

// outboxColumns are a message's columns without any body; redactedColumns add the
// redacted copies. The Outbox window lists up to a thousand messages every few seconds
// and the courier reads the queue once per batch: neither reads a body it does not show.
const (
	outboxColumns   = `id, staff_id, kind, to_name, to_address, subject, message_id, status, attempts, next_attempt_at, last_error, created_at, sent_at`
	redactedColumns = outboxColumns + `, COALESCE(redacted_text, ''), COALESCE(redacted_html, '')`
)

func scanMail(row interface{ Scan(...any) error }, withRedacted bool, more ...any) (*app.OutboxMessage, error) {
	var (
		m                 app.OutboxMessage
		staffID, sentAt   sql.NullInt64
		kind, status      string
		nextAt, createdAt int64
	)
	dest := []any{&m.ID, &staffID, &kind, &m.ToName, &m.ToAddress, &m.Subject, &m.MessageID,
		&status, &m.Attempts, &nextAt, &m.LastError, &createdAt, &sentAt}
	if withRedacted {
		dest = append(dest, &m.RedactedText, &m.RedactedHTML)
	}
	dest = append(dest, more...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	m.StaffID, m.Kind, m.Status = staffID.Int64, app.MailKind(kind), app.MailStatus(status)
	m.NextAttemptAt, m.CreatedAt, m.SentAt = timeFromNanos(nextAt), timeFromNanos(createdAt), timeFromNullNanos(sentAt)
	return &m, nil
}

func (tx *Tx) queryMail(what, query string, args ...any) ([]*app.OutboxMessage, error) {
	rows, err := tx.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []*app.OutboxMessage
	for rows.Next() {
		m, err := scanMail(rows, false)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// OutboxMessages returns up to limit messages, newest first, without any body.
func (tx *Tx) OutboxMessages(limit int) ([]*app.OutboxMessage, error) {
	return tx.queryMail("load the outbox", `SELECT `+outboxColumns+` FROM outbox ORDER BY created_at DESC, id DESC LIMIT ?`, limit)
}

// OutboxMessage returns one message with its redacted bodies.
func (tx *Tx) OutboxMessage(id int64) (*app.OutboxMessage, error) {
	m, err := scanMail(tx.queryRow(`SELECT `+redactedColumns+` FROM outbox
		LEFT JOIN outbox_bodies ON outbox_id = id WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, mailNotFound()
	} else if err != nil {
		return nil, fmt.Errorf("load the message: %w", err)
	}
	return m, nil
}

// OutboxBody opens the sealed bodies of a message that is not final.
func (tx *Tx) OutboxBody(id int64) (string, string, error) {
	var sealed []byte
	if err := tx.queryRow(`SELECT payload FROM outbox_bodies WHERE outbox_id = ?`, id).Scan(&sealed); errors.Is(err, sql.ErrNoRows) {
		if _, err := tx.OutboxMessage(id); err != nil {
			return "", "", err
		}
	} else if err != nil {
		return "", "", fmt.Errorf("load the message: %w", err)
	}
	return tx.openBody(sealed)
}

// openBody opens a message's sealed bodies; nil sealed means they were discarded.
func (tx *Tx) openBody(sealed []byte) (string, string, error) {
	if sealed == nil {
		return "", "", app.MailDiscarded()
	}
	plain, err := tx.sealer.Open(sealed)
	if err != nil {
		// Most likely the key is not the one the message was sealed with.
		return "", "", fmt.Errorf("decrypt the message: %w", err)
	}
	b, err := unmarshalBody(plain)
	clear(plain)
	if err != nil {
		return "", "", fmt.Errorf("decrypt the message: %w", err)
	}
	return b.Text, b.HTML, nil
}

// dueQuery reads the queue through outbox_due, in its order: without INDEXED BY,
// SQLite prefers outbox_status and sorts every waiting row, which makes draining a long
// queue quadratic.
const dueQuery = `SELECT ` + outboxColumns + ` FROM outbox INDEXED BY outbox_due
	WHERE status IN ('queued', 'retrying') AND next_attempt_at <= ?
	ORDER BY next_attempt_at, id LIMIT ?`

// DueMail returns up to limit waiting messages due at or before now, first due first.
func (tx *Tx) DueMail(now time.Time, limit int) ([]*app.OutboxMessage, error) {
	return tx.queryMail("read the outbox", dueQuery, now.UnixNano(), limit)
}

// claimDueQuery reads what ClaimDueMail claims, with each message's sealed bodies, in
// one statement through outbox_due (the bodies by their key).
const claimDueQuery = `SELECT ` + outboxColumns + `, payload FROM outbox INDEXED BY outbox_due
	LEFT JOIN outbox_bodies ON outbox_id = id
	WHERE status IN ('queued', 'retrying') AND next_attempt_at <= ?
	ORDER BY next_attempt_at, id LIMIT ?`

// ClaimDueMail claims up to limit messages due at or before now, first due first, and
// opens their bodies: one read and one UPDATE for the whole batch, which like ClaimMail
// claims only messages still waiting and says which it claimed (in a write
// transaction, whose lock is taken at BEGIN, that is every one read).
func (tx *Tx) ClaimDueMail(now time.Time, claim app.MailClaim, limit int) ([]app.ClaimedMail, error) {
	rows, err := tx.query(claimDueQuery, now.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	var due []app.ClaimedMail
	var sealed [][]byte
	ids := make([]byte, 0, 16*limit)
	ids = append(ids, '[')
	for rows.Next() {
		var payload []byte // nil when discarded
		m, err := scanMail(rows, false, &payload)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the outbox: %w", err)
		}
		if len(due) > 0 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, m.ID, 10)
		due = append(due, app.ClaimedMail{Message: m, Was: m.Status})
		sealed = append(sealed, payload)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	if len(due) == 0 {
		return nil, nil
	}
	ids = append(ids, ']')

	rows, err = tx.query(`UPDATE outbox SET status = 'sending', attempts = attempts + 1, claim = ?, lease_until = ?
		WHERE id IN (SELECT value FROM json_each(?)) AND status IN ('queued', 'retrying')
		RETURNING id`, claim.Owner, claim.Until.UnixNano(), string(ids))
	if err != nil {
		return nil, fmt.Errorf("update the outbox: %w", err)
	}
	mine := make(map[int64]bool, len(due))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("update the outbox: %w", err)
		}
		mine[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("update the outbox: %w", err)
	}

	out := due[:0]
	for i, d := range due {
		if !mine[d.Message.ID] {
			continue
		}
		m := d.Message
		m.Status, m.Attempts = app.MailSending, m.Attempts+1
		d.Text, d.HTML, d.Err = tx.openBody(sealed[i])
		out = append(out, d)
	}
	return out, nil
}

// NextMailDue returns when the next waiting message is due or the next claim expires.
func (tx *Tx) NextMailDue() (time.Time, bool, error) {
	var next sql.NullInt64
	if err := tx.queryRow(`SELECT MIN(t) FROM (
			SELECT MIN(next_attempt_at) AS t FROM outbox INDEXED BY outbox_due WHERE status IN ('queued', 'retrying')
			UNION ALL
			SELECT MIN(lease_until) FROM outbox INDEXED BY outbox_leases WHERE status = 'sending')`).
		Scan(&next); err != nil {
		return time.Time{}, false, fmt.Errorf("read the outbox: %w", err)
	}
	return timeFromNullNanos(next), next.Valid, nil
}

// ClaimMail moves those of the messages still waiting to sending under claim.
func (tx *Tx) ClaimMail(claim app.MailClaim, ids ...int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{claim.Owner, claim.Until.UnixNano()}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.query(`UPDATE outbox SET status = 'sending', attempts = attempts + 1, claim = ?, lease_until = ?
		WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) AND status IN ('queued', 'retrying')
		RETURNING id`, args...)
	if err != nil {
		return nil, fmt.Errorf("update the outbox: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("update the outbox: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("update the outbox: %w", err)
	}
	return out, nil
}

// RenewMailClaims extends the leases of claim.Owner's messages.
func (tx *Tx) RenewMailClaims(claim app.MailClaim) (int, error) {
	res, err := tx.exec(`UPDATE outbox SET lease_until = ? WHERE status = 'sending' AND claim = ?`,
		claim.Until.UnixNano(), claim.Owner)
	if err != nil {
		return 0, fmt.Errorf("update the outbox: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ReclaimExpiredMail puts messages whose claim expired back in the queue, due at now.
func (tx *Tx) ReclaimExpiredMail(now time.Time) (int, error) {
	res, err := tx.exec(`UPDATE outbox SET status = 'queued', next_attempt_at = ?, claim = '', lease_until = 0
		WHERE status = 'sending' AND lease_until <= ?`, now.UnixNano(), now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("update the outbox: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// UpdateMail writes m's delivery state if the message is still as the caller saw it.
func (tx *Tx) UpdateMail(m *app.OutboxMessage, was app.MailStatus, owner string) (bool, error) {
	ok, err := tx.execOne(`UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, sent_at = ?,
			claim = CASE WHEN status = 'sending' AND ? = 'sending' THEN claim ELSE '' END,
			lease_until = CASE WHEN status = 'sending' AND ? = 'sending' THEN lease_until ELSE 0 END
		WHERE id = ? AND status = ? AND (status <> 'sending' OR claim = ?)`,
		string(m.Status), m.Attempts, m.NextAttemptAt.UnixNano(), m.LastError, nullableNanos(m.SentAt),
		string(m.Status), string(m.Status), m.ID, string(was), owner)
	if err == nil && ok && m.Status.Final() {
		_, err = tx.execOne(`UPDATE outbox_bodies SET payload = NULL WHERE outbox_id = ? AND payload IS NOT NULL`, m.ID)
	}
	if err != nil {
		return false, fmt.Errorf("update the outbox: %w", err)
	}
	return ok, nil
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
	waiting := `FROM outbox WHERE staff_id = ? AND status IN ('queued', 'retrying')
		AND kind IN (?` + strings.Repeat(", ?", len(kinds)-1) + `)`
	if _, err := tx.exec(`UPDATE outbox_bodies SET payload = NULL WHERE outbox_id IN (SELECT id `+waiting+`)`, args...); err != nil {
		return 0, fmt.Errorf("update the outbox: %w", err)
	}
	res, err := tx.exec(`UPDATE outbox SET status = 'cancelled', claim = '', lease_until = 0
		WHERE id IN (SELECT id `+waiting+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("update the outbox: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("update the outbox: %w", err)
	}
	return int(n), nil
}

// RescheduleMail makes every waiting message due at now.
func (tx *Tx) RescheduleMail(now time.Time) error {
	if _, err := tx.exec(`UPDATE outbox SET next_attempt_at = ?
		WHERE status IN ('queued', 'retrying') AND next_attempt_at > ?`, now.UnixNano(), now.UnixNano()); err != nil {
		return fmt.Errorf("update the outbox: %w", err)
	}
	return nil
}

// CountMail counts the messages in each status.
func (tx *Tx) CountMail() (app.OutboxCounts, error) {
	rows, err := tx.query(`SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count the outbox: %w", err)
	}
	defer rows.Close()
	counts := app.OutboxCounts{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("count the outbox: %w", err)
		}
		counts[app.MailStatus(status)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count the outbox: %w", err)
	}
	return counts, nil
}
