-- 0005: claims on the messages being sent. A courier (one per running StaffDesk) that
-- moves a message to sending writes its own id in claim and renews lease_until while
-- the attempt lasts; every later change of that message is conditional on both, and
-- another courier takes the message over only once the lease has passed (its holder
-- stopped or died). A row left sending by an older version has no lease: it is free.

ALTER TABLE outbox ADD COLUMN claim TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;

-- What is due next, in the order it is sent: (next_attempt_at, id) so that the
-- courier's ORDER BY needs no sort.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status IN ('queued', 'retrying');

-- Whose lease has passed, and when the next one will.
CREATE INDEX outbox_leases ON outbox (lease_until) WHERE status = 'sending';

-- The bodies move to a table of their own. A message's row is then a few hundred
-- bytes, so that the courier's claims and outcomes (two updates per message, a batch
-- at a time) rewrite a shared page rather than each message's overflow pages; the
-- bodies are written once, and the sealed copy cleared once, when the message is final.
CREATE TABLE outbox_bodies (
	outbox_id     INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
	-- The bodies as sent, codes included, sealed with the app's Sealer (whose key is
	-- not in this file); NULL once the message is sent, cancelled or failed.
	payload       BLOB,
	-- The bodies with every code masked, kept for the Outbox window's View.
	redacted_text TEXT NOT NULL DEFAULT '',
	redacted_html TEXT NOT NULL DEFAULT ''
);

INSERT INTO outbox_bodies (outbox_id, payload, redacted_text, redacted_html)
	SELECT id, payload, redacted_text, redacted_html FROM outbox;

ALTER TABLE outbox DROP COLUMN payload;
ALTER TABLE outbox DROP COLUMN redacted_text;
ALTER TABLE outbox DROP COLUMN redacted_html;
