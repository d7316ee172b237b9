-- 0002: account emails. The outbox holds every email from the moment the change that
-- causes it commits until it is delivered; codes hold the one-time codes those emails
-- carry, as digests only; settings hold the email settings (never the SMTP password).
-- Times are Unix nanoseconds in UTC.

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	staff_id        INTEGER REFERENCES staff (id) ON DELETE SET NULL,
	kind            TEXT    NOT NULL,
	to_name         TEXT    NOT NULL DEFAULT '',
	to_address      TEXT    NOT NULL,
	subject         TEXT    NOT NULL,
	message_id      TEXT    NOT NULL UNIQUE,
	-- The bodies as sent, codes included, sealed with the app's Sealer (whose key is
	-- not in this file); NULL once the message is sent, cancelled or failed.
	payload         BLOB,
	-- The bodies with every code masked, kept for the Outbox window's View.
	redacted_text   TEXT    NOT NULL DEFAULT '',
	redacted_html   TEXT    NOT NULL DEFAULT '',
	status          TEXT    NOT NULL DEFAULT 'queued'
	                CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER
);

-- The courier's question: what is due next.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'retrying');
CREATE INDEX outbox_staff_id ON outbox (staff_id);
CREATE INDEX outbox_status ON outbox (status);

CREATE TABLE codes (
	id         INTEGER PRIMARY KEY,
	staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	kind       TEXT    NOT NULL CHECK (kind IN ('activation', 'password_reset', 'email_change')),
	-- HMAC-SHA256 of the code, its kind and its account, keyed outside this file.
	digest     BLOB    NOT NULL UNIQUE,
	new_email  TEXT    NOT NULL DEFAULT '' COLLATE NOCASE, -- email_change only
	expires_at INTEGER NOT NULL,
	used_at    INTEGER, -- NULL until entered
	revoked_at INTEGER, -- NULL until a newer code, a new password or email, or deactivation ends it
	created_at INTEGER NOT NULL
);

-- At most one live code of a kind per account; the staff grid joins on it.
CREATE UNIQUE INDEX codes_live ON codes (staff_id, kind) WHERE used_at IS NULL AND revoked_at IS NULL;
-- "Is this new address already waiting to be confirmed by someone else?"
CREATE INDEX codes_live_new_email ON codes (new_email) WHERE kind = 'email_change' AND used_at IS NULL AND revoked_at IS NULL;

-- One row per wrong code typed, for "at most 5 wrong codes per account per hour".
CREATE TABLE code_failures (
	staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	at       INTEGER NOT NULL
);

CREATE INDEX code_failures_staff_at ON code_failures (staff_id, at);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
