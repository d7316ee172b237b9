-- 0001: the practice directory (providers, offices, roles, care team roles) and the
-- office staff accounts. Times are Unix nanoseconds in UTC. Names that must be unique
-- are compared ignoring case (COLLATE NOCASE folds ASCII letters only).

CREATE TABLE providers (
	id          INTEGER PRIMARY KEY,
	first_name  TEXT    NOT NULL,
	last_name   TEXT    NOT NULL,
	suffix      TEXT    NOT NULL DEFAULT '',
	credentials TEXT    NOT NULL DEFAULT '',
	npi         TEXT    NOT NULL DEFAULT '',
	active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- An NPI identifies one provider nationally; many providers may have none yet.
CREATE UNIQUE INDEX providers_npi ON providers (npi) WHERE npi <> '';

CREATE TABLE offices (
	id      INTEGER PRIMARY KEY,
	name    TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	address TEXT    NOT NULL DEFAULT '',
	phone   TEXT    NOT NULL DEFAULT '',
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE roles (
	id     INTEGER PRIMARY KEY,
	name   TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE care_team_roles (
	id     INTEGER PRIMARY KEY,
	name   TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE staff (
	id                  INTEGER PRIMARY KEY,
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
	updated_at          INTEGER NOT NULL
);

-- Foreign keys are checked against these when a parent row changes, and the provider
-- one also answers "how many staff does this provider have".
CREATE INDEX staff_provider_id ON staff (provider_id);
CREATE INDEX staff_role_id ON staff (role_id);
CREATE INDEX staff_care_team_role_id ON staff (care_team_role_id);

CREATE TABLE staff_offices (
	staff_id  INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	office_id INTEGER NOT NULL REFERENCES offices (id),
	PRIMARY KEY (staff_id, office_id)
) WITHOUT ROWID;

CREATE INDEX staff_offices_office_id ON staff_offices (office_id);

INSERT INTO roles (name) VALUES
	('Nurse'),
	('Medical Assistant'),
	('Front Desk'),
	('Biller'),
	('Office Manager');

-- Occupations as SNOMED CT names them, for a patient's care team.
INSERT INTO care_team_roles (name) VALUES
	('General nurse (occupation)'),
	('Registered nurse (occupation)'),
	('Licensed practical nurse (occupation)'),
	('Nurse practitioner (occupation)'),
	('Physician assistant (occupation)'),
	('Medical assistant (occupation)'),
	('Receptionist (occupation)'),
	('Medical secretary (occupation)'),
	('Pharmacist (occupation)'),
	('Social worker (occupation)'),
	('Dietitian (occupation)'),
	('Care coordinator (occupation)');
