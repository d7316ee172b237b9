-- 0006: the address an email change waits to confirm, by its identity key. "Is this
-- address already waiting to be confirmed by another account?" compared new_email with
-- COLLATE NOCASE, which folds ASCII letters only: "JÖRG" and "jörg", Cyrillic capitals
-- and small letters, a domain and its xn-- form were different addresses, and two
-- accounts could wait for look-alikes of one. app computes the key (app.EmailKey) and
-- data stores it, as for staff.email_key (0004). Codes written before this migration
-- get their keys when the app starts (StaffService.BackfillIdentityKeys).

ALTER TABLE codes ADD COLUMN new_email_key TEXT NOT NULL DEFAULT '';

-- The comparison is by key now; the old index on the address as typed is no longer used.
DROP INDEX codes_live_new_email;
CREATE INDEX codes_live_new_email_key ON codes (new_email_key)
	WHERE kind = 'email_change' AND used_at IS NULL AND revoked_at IS NULL;
