-- 0004: identity keys. An account's email and username are unique by what a reader
-- sees, not by their bytes: COLLATE NOCASE folds ASCII letters only, so "JÖRG" and
-- "jörg", NFC and NFD "café", or a domain and its xn-- form were different addresses.
-- app computes each key (app.EmailKey, app.UsernameKey) and data stores it. Rows
-- written before this migration get their keys when the app starts
-- (StaffService.BackfillIdentityKeys); until then, and for a row whose key clashes
-- with an older row's, the key is '' and left out of the unique index.

ALTER TABLE staff ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN username_key TEXT NOT NULL DEFAULT '';

CREATE UNIQUE INDEX staff_email_key ON staff (email_key) WHERE email_key <> '';
CREATE UNIQUE INDEX staff_username_key ON staff (username_key) WHERE username_key <> '';
