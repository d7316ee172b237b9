-- 0003: ids are never reused and every record carries a version.
--
-- Without AUTOINCREMENT SQLite hands out max(id)+1, so deleting the newest account and
-- creating another gave the new person the old id, and a window still open on the old
-- account saved over the new one. The version is bumped by every update; an update
-- names the version it read and is refused when the record has moved on since.
--
-- AUTOINCREMENT can only be given in CREATE TABLE, so the five tables are rebuilt the
-- way SQLite's ALTER TABLE documentation prescribes (create new_X, copy, drop X, rename
-- new_X to X, recreate the indexes). migrate() runs this with foreign keys off: with
-- them on, DROP TABLE staff would first delete every row, cascading to staff_offices
-- and codes and clearing outbox.staff_id. It checks the keys (PRAGMA foreign_key_check)
-- before committing. Every row keeps its id; sqlite_sequence starts from the highest.

CREATE TABLE new_providers (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	first_name  TEXT    NOT NULL,
	last_name   TEXT    NOT NULL,
	suffix      TEXT    NOT NULL DEFAULT '',
	credentials TEXT    NOT NULL DEFAULT '',
	npi         TEXT    NOT NULL DEFAULT '',
	active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version     INTEGER NOT NULL DEFAULT 1
);
INSERT INTO new_providers (id, first_name, last_name, suffix, credentials, npi, active)
	SELECT id, first_name, last_name, suffix, credentials, npi, active FROM providers;
DROP TABLE providers;
ALTER TABLE new_providers RENAME TO providers;
CREATE UNIQUE INDEX providers_npi ON providers (npi) WHERE npi <> '';

CREATE TABLE new_offices (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	name    TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	address TEXT    NOT NULL DEFAULT '',
	phone   TEXT    NOT NULL DEFAULT '',
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO new_offices (id, name, address, phone, active)
	SELECT id, name, address, phone, active FROM offices;
DROP TABLE offices;
ALTER TABLE new_offices RENAME TO offices;

CREATE TABLE new_roles (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	name    TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO new_roles (id, name, active) SELECT id, name, active FROM roles;
DROP TABLE roles;
ALTER TABLE new_roles RENAME TO roles;

CREATE TABLE new_care_team_roles (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	name    TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO new_care_team_roles (id, name, active) SELECT id, name, active FROM care_team_roles;
DROP TABLE care_team_roles;
ALTER TABLE new_care_team_roles RENAME TO care_team_roles;

CREATE TABLE new_staff (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
	first_name          TEXT    NOT NULL,
	last_name           TEXT    NOT NULL,
	provider_id         INTEGER NOT NULL REFERENCES providers (id),
	role_id             INTEGER NOT NULL REFERENCES roles (id),
	care_team_role_id   INTEGER REFERENCES care_team_roles (id), -- NULL: none
	care_team_id_type   TEXT    NOT NULL DEFAULT '',
	care_team_id        TEXT    NOT NULL DEFAULT '',
	email               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	username            TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	home_phone          TEXT    NOT NULL DEFAULT '',
	cell_phone          TEXT    NOT NULL DEFAULT '',
	send_daily_billing  INTEGER NOT NULL DEFAULT 1,
	unlock_pin          BLOB,   -- sealed with the app's Sealer, never plaintext
	support_pin         BLOB,   -- sealed with the app's Sealer, never plaintext
	restrict_offices    INTEGER NOT NULL DEFAULT 0,
	use_new_dashboard   INTEGER NOT NULL DEFAULT 0,
	enable_email_update INTEGER NOT NULL DEFAULT 1,
	emergency_access    INTEGER NOT NULL DEFAULT 0,
	two_factor          INTEGER NOT NULL DEFAULT 0,
	password_hash       TEXT    NOT NULL,
	status              TEXT    NOT NULL DEFAULT 'pending'
	                    CHECK (status IN ('pending', 'active', 'inactive')),
	activated_at        INTEGER, -- NULL until the account is first activated
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	version             INTEGER NOT NULL DEFAULT 1
);
INSERT INTO new_staff (
	id, first_name, last_name, provider_id, role_id, care_team_role_id,
	care_team_id_type, care_team_id, email, username, home_phone, cell_phone,
	send_daily_billing, unlock_pin, support_pin, restrict_offices,
	use_new_dashboard, enable_email_update, emergency_access, two_factor,
	password_hash, status, activated_at, created_at, updated_at)
SELECT
	id, first_name, last_name, provider_id, role_id, care_team_role_id,
	care_team_id_type, care_team_id, email, username, home_phone, cell_phone,
	send_daily_billing, unlock_pin, support_pin, restrict_offices,
	use_new_dashboard, enable_email_update, emergency_access, two_factor,
	password_hash, status, activated_at, created_at, updated_at
FROM staff;
DROP TABLE staff;
ALTER TABLE new_staff RENAME TO staff;
CREATE INDEX staff_provider_id ON staff (provider_id);
CREATE INDEX staff_role_id ON staff (role_id);
CREATE INDEX staff_care_team_role_id ON staff (care_team_role_id);
