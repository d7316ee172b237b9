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
