-- 0007: who is at the desk. The practice itself (its name and staff account limit),
-- the permissions each role carries, the sessions of signed-in people (kept here so
-- that another process or desk on the same file sees them end), each account's record
-- of signing in, and the record of names typed at Sign in that match no account.
-- Times are Unix nanoseconds in UTC; NULL is "never" or "not".
--
-- Only tables are added and columns appended (ALTER TABLE ADD COLUMN): no table is
-- rebuilt, so nothing that points at staff or roles is touched.

-- At most one row: the practice this file keeps the staff of. No row until Set up
-- your practice has been done.
CREATE TABLE practice (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	name        TEXT    NOT NULL,
	staff_limit INTEGER NOT NULL DEFAULT 0 CHECK (staff_limit >= 0), -- 0: unlimited
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	version     INTEGER NOT NULL DEFAULT 1
);

-- A role is a preset of permissions (app.Permission values).
CREATE TABLE role_permissions (
	role_id    INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	permission TEXT    NOT NULL,
	PRIMARY KEY (role_id, permission)
) WITHOUT ROWID;

-- The practice administrator's role (app.AdministratorRole) holds every permission.
-- A practice that already made a role of that name has it become the administrator's.
INSERT OR IGNORE INTO roles (name) VALUES ('Practice Administrator');
INSERT INTO role_permissions (role_id, permission)
	SELECT r.id, p.permission
	FROM roles r,
	     (SELECT 'manage_accounts' AS permission UNION ALL SELECT 'see_pins'
	      UNION ALL SELECT 'manage_permissions' UNION ALL SELECT 'manage_practice') p
	WHERE r.name = 'Practice Administrator';
-- The seeded Office Manager runs the office: everything but the permissions themselves.
INSERT INTO role_permissions (role_id, permission)
	SELECT r.id, p.permission
	FROM roles r,
	     (SELECT 'manage_accounts' AS permission UNION ALL SELECT 'see_pins'
	      UNION ALL SELECT 'manage_practice') p
	WHERE r.name = 'Office Manager';

-- One row per sign-in at a desk. The token is never stored, only its digest. An ended
-- session outlives a deleted account (staff_id is then NULL) so that its window can
-- still be told why it was signed out; a live one cannot lose its account, so an
-- account's live sessions are ended before it is deleted.
CREATE TABLE sessions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	staff_id     INTEGER REFERENCES staff (id) ON DELETE SET NULL,
	token_digest BLOB    NOT NULL UNIQUE,
	desk         TEXT    NOT NULL DEFAULT '',
	started_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	ended_at     INTEGER, -- NULL while the session is live
	end_reason   TEXT    NOT NULL DEFAULT '',
	CHECK (staff_id IS NOT NULL OR ended_at IS NOT NULL)
);

-- The live sessions of an account, oldest first.
CREATE INDEX sessions_live ON sessions (staff_id, started_at) WHERE ended_at IS NULL;

-- Each account's record of signing in. Written without bumping the version: an Edit
-- window open on the account stays current.
ALTER TABLE staff ADD COLUMN last_signin_at INTEGER; -- NULL: never signed in
ALTER TABLE staff ADD COLUMN failed_signins INTEGER NOT NULL DEFAULT 0 CHECK (failed_signins >= 0);
ALTER TABLE staff ADD COLUMN last_failed_signin_at INTEGER;
ALTER TABLE staff ADD COLUMN locked_until INTEGER; -- NULL: not locked
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

-- Accounts from before sign-in still have the password their manager chose, unless the
-- person set their own with a password reset code: the rest choose their own at their
-- first sign-in.
UPDATE staff SET must_change_password = 1
WHERE id NOT IN (SELECT staff_id FROM codes WHERE kind = 'password_reset' AND used_at IS NOT NULL);

-- The failures of a name typed at Sign in that matches no account, by the name's key,
-- so that probing for accounts meets the same delays and locks as guessing a password.
CREATE TABLE name_throttle (
	key            TEXT    PRIMARY KEY,
	failures       INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
	last_failed_at INTEGER,
	locked_until   INTEGER
) WITHOUT ROWID;

-- The staff account limit counts accounts by status, and the grid filters by it.
CREATE INDEX staff_status ON staff (status);
