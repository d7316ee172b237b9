package data

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

func staffNotFound() error { return app.NotFound(app.RecordStaff, "", nil) }

// Staff returns one account with its PINs opened, its offices and names resolved and
// its sign-in record.
func (tx *Tx) Staff(id int64) (*app.Staff, error) {
	list, err := tx.findStaff(app.StaffFilter{ID: id}, false)
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, staffNotFound()
	}
	s := list[0]
	if err := tx.attachPINs(s); err != nil {
		return nil, err
	}
	if err := tx.attachOffices(s); err != nil {
		return nil, err
	}
	return s, nil
}

// FindStaff returns the accounts matching f in id order (the grid sorts them), with
// their office ids and sign-in records, without PINs or office names.
func (tx *Tx) FindStaff(f app.StaffFilter) ([]*app.Staff, error) {
	return tx.findStaff(f, true)
}

// staffWhere is the WHERE clause of the accounts (as s) matching f, and its arguments.
func staffWhere(f app.StaffFilter) (string, []any) {
	var args []any
	where := []string{"1 = 1"}
	if f.ID != 0 {
		where, args = append(where, "s.id = ?"), append(args, f.ID)
	}
	// The column is COLLATE NOCASE, so "=" ignores case and uses its unique index.
	if f.Username != "" {
		where, args = append(where, "s.username = ?"), append(args, f.Username)
	}
	// "<> ''" lets SQLite use the partial unique indexes on the keys.
	if f.EmailKey != "" {
		where, args = append(where, "s.email_key = ? AND s.email_key <> ''"), append(args, f.EmailKey)
	}
	if f.UsernameKey != "" {
		where, args = append(where, "s.username_key = ? AND s.username_key <> ''"), append(args, f.UsernameKey)
	}
	if f.MissingIdentityKeys {
		where = append(where, "(s.email_key = '' OR s.username_key = '')")
	}
	if len(f.RoleIDs) > 0 {
		where = append(where, "s.role_id IN ("+placeholders(len(f.RoleIDs))+")")
		for _, id := range f.RoleIDs {
			args = append(args, id)
		}
	}
	if len(f.Statuses) > 0 {
		where = append(where, "s.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	return strings.Join(where, " AND "), args
}

// staffOfficesQuery reads staff_offices whole in the order of its primary key, which
// needs no sort; staffOfficesOfQuery reads the rows of n accounts by their ids.
const staffOfficesQuery = `SELECT staff_id, office_id FROM staff_offices ORDER BY staff_id, office_id`

func staffOfficesOfQuery(n int) string {
	return `SELECT staff_id, office_id FROM staff_offices WHERE staff_id IN (` + placeholders(n) + `)
		ORDER BY staff_id, office_id`
}

// shortStaffList is the most accounts whose offices mergeOfficeIDs reads by their
// ids rather than by reading staff_offices whole.
const shortStaffList = 200

// placeholders is "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// findStaff reads the accounts matching f, with the expiry of each one's live
// activation code, the address of its unexpired email change (which the grid's status
// cell shows) and its sign-in record, and, withOffices, its office ids. It is what the
// staff grid loads, up to 100,000 rows, so it reads no PINs (opening each costs a
// decryption), takes the offices in one more query over staff_offices merged here
// rather than one per account, and takes the provider, role and care team role names
// from directoryNames rather than joining them in: go-sqlite3 allocates every text
// value of every row, so joined names cost six allocations a row (measured: 16
// allocations a row instead of 27, a quarter less CPU) and 100,000 copies of a
// handful of names.
func (tx *Tx) findStaff(f app.StaffFilter, withOffices bool) ([]*app.Staff, error) {
	if f.MissingIdentityKeys {
		// Asked at every start, and almost always every account has its keys: counting
		// through the keys' partial indexes says so without reading the table (7 ms
		// instead of 25 at 100,000 accounts).
		if all, err := tx.everyStaffKeyed(); err != nil || all {
			return nil, err
		}
	}
	names, err := tx.directoryNames()
	if err != nil {
		return nil, err
	}

	// The joins on codes are probes of codes_live, the partial unique index on
	// (staff_id, kind) of unused, unrevoked codes. Whether a live email change has
	// expired is the service's to say, by its clock: both are read as they are.
	where, whereArgs := staffWhere(f)
	args := append([]any{string(app.CodeActivation), string(app.CodeEmailChange)}, whereArgs...)
	rows, err := tx.query(`
		SELECT s.id, s.first_name, s.last_name, s.provider_id, s.role_id, s.care_team_role_id,
		       s.care_team_id_type, s.care_team_id, s.email, s.username, s.home_phone, s.cell_phone,
		       s.send_daily_billing, s.restrict_offices, s.use_new_dashboard,
		       s.enable_email_update, s.emergency_access, s.two_factor,
		       s.status, s.activated_at, s.created_at, s.updated_at, s.version,
		       activation.expires_at, email_change.new_email, email_change.expires_at,
		       s.email_key, s.username_key,
		       s.last_signin_at, s.failed_signins, s.last_failed_signin_at, s.locked_until,
		       s.must_change_password
		FROM staff s
		LEFT JOIN codes activation
		       ON activation.staff_id = s.id AND activation.kind = ?
		      AND activation.used_at IS NULL AND activation.revoked_at IS NULL
		LEFT JOIN codes email_change
		       ON email_change.staff_id = s.id AND email_change.kind = ?
		      AND email_change.used_at IS NULL AND email_change.revoked_at IS NULL
		WHERE `+where+`
		ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load the staff list: %w", err)
	}
	defer rows.Close()

	// Scan destinations other than the Staff itself are reused from row to row: their
	// addresses escape into Scan, so declaring them in the loop would allocate each.
	var (
		careTeamRoleID                     sql.NullInt64
		careTeamIDType, status             string
		activatedAt                        sql.NullInt64
		createdAt, updatedAt               int64
		activationExpires                  sql.NullInt64
		pendingEmail                       sql.NullString
		pendingEmailExpires                sql.NullInt64
		lastSignIn, lastFailed, lockedTill sql.NullInt64
	)
	var list []*app.Staff
	for rows.Next() {
		s := &app.Staff{}
		if err := rows.Scan(&s.ID, &s.FirstName, &s.LastName, &s.ProviderID, &s.RoleID, &careTeamRoleID,
			&careTeamIDType, &s.CareTeamID, &s.Email, &s.Username, &s.HomePhone, &s.CellPhone,
			&s.SendDailyBilling, &s.RestrictOffices, &s.UseNewDashboard,
			&s.EnableEmailUpdate, &s.EmergencyAccess, &s.TwoFactor,
			&status, &activatedAt, &createdAt, &updatedAt, &s.Version,
			&activationExpires, &pendingEmail, &pendingEmailExpires, &s.EmailKey, &s.UsernameKey,
			&lastSignIn, &s.SignIn.Failures, &lastFailed, &lockedTill,
			&s.SignIn.MustChangePassword); err != nil {
			return nil, fmt.Errorf("load the staff list: %w", err)
		}
		s.CareTeamRoleID = careTeamRoleID.Int64
		s.ProviderName = names.providers[s.ProviderID]
		s.RoleName = names.roles[s.RoleID]
		s.CareTeamRoleName = names.careTeamRoles[s.CareTeamRoleID]
		s.CareTeamIDType, s.Status = app.CareTeamIDType(careTeamIDType), app.StaffStatus(status)
		s.ActivatedAt = timeFromNullNanos(activatedAt)
		s.CreatedAt, s.UpdatedAt = timeFromNanos(createdAt), timeFromNanos(updatedAt)
		s.ActivationExpires, s.PendingEmail = timeFromNullNanos(activationExpires), pendingEmail.String
		s.PendingEmailExpires = timeFromNullNanos(pendingEmailExpires)
		s.SignIn.LastSignInAt, s.SignIn.LastFailedAt = timeFromNullNanos(lastSignIn), timeFromNullNanos(lastFailed)
		s.SignIn.LockedUntil = timeFromNullNanos(lockedTill)
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load the staff list: %w", err)
	}
	if withOffices && len(list) > 0 {
		if err := tx.mergeOfficeIDs(list); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// mergeOfficeIDs fills the OfficeIDs of list (accounts in id order) from one read of
// staff_offices in the order of its primary key, (staff_id, office_id): the whole
// table when the list is long (the grid's load), otherwise only the rows of its
// accounts. Each account's ids are then put in the order Staff gives them, by office
// name. All the ids share one array.
func (tx *Tx) mergeOfficeIDs(list []*app.Staff) error {
	offices, err := tx.Offices()
	if err != nil {
		return err
	}
	rank := make(map[int64]int, len(offices)) // Offices is by name
	for i, o := range offices {
		rank[o.ID] = i
	}
	q, args := staffOfficesQuery, []any(nil)
	if len(list) <= shortStaffList {
		q = staffOfficesOfQuery(len(list))
		for _, s := range list {
			args = append(args, s.ID)
		}
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return fmt.Errorf("load the staff members' offices: %w", err)
	}
	defer rows.Close()
	var staffIDs, officeIDs []int64
	var staffID, officeID int64
	for rows.Next() {
		if err := rows.Scan(&staffID, &officeID); err != nil {
			return fmt.Errorf("load the staff members' offices: %w", err)
		}
		staffIDs, officeIDs = append(staffIDs, staffID), append(officeIDs, officeID)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load the staff members' offices: %w", err)
	}
	byName := func(a, b int64) int { return cmp.Compare(rank[a], rank[b]) }
	i := 0
	for start := 0; start < len(staffIDs); {
		end := start + 1
		for end < len(staffIDs) && staffIDs[end] == staffIDs[start] {
			end++
		}
		for i < len(list) && list[i].ID < staffIDs[start] {
			i++
		}
		if i < len(list) && list[i].ID == staffIDs[start] {
			ids := officeIDs[start:end:end] // an append to one cannot overwrite the next
			if len(ids) > 1 {
				slices.SortFunc(ids, byName)
			}
			list[i].OfficeIDs = ids
		}
		start = end
	}
	return nil
}

// everyStaffKeyed reports whether every account has both identity keys, from the
// partial unique indexes on them (which hold only the accounts with the key) and the
// number of accounts.
func (tx *Tx) everyStaffKeyed() (bool, error) {
	var accounts, emailKeyed, usernameKeyed int
	err := tx.queryRow(`SELECT (SELECT count(*) FROM staff),
		(SELECT count(*) FROM staff INDEXED BY staff_email_key WHERE email_key <> ''),
		(SELECT count(*) FROM staff INDEXED BY staff_username_key WHERE username_key <> '')`).
		Scan(&accounts, &emailKeyed, &usernameKeyed)
	if err != nil {
		return false, fmt.Errorf("count the accounts' identity keys: %w", err)
	}
	return emailKeyed == accounts && usernameKeyed == accounts, nil
}

// directoryNames are the names staff rows show for the ids they hold. The foreign keys
// guarantee every id a staff row holds is in its map (0, no care team role, is not).
type directoryNames struct {
	providers, roles, careTeamRoles map[int64]string
}

// directoryNames reads the three small tables whole, inside the same transaction as
// the staff rows so that names and ids agree.
func (tx *Tx) directoryNames() (*directoryNames, error) {
	providers, err := tx.Providers()
	if err != nil {
		return nil, err
	}
	roles, err := tx.namedRows(roleList) // without their permissions
	if err != nil {
		return nil, err
	}
	careTeamRoles, err := tx.CareTeamRoles()
	if err != nil {
		return nil, err
	}
	names := &directoryNames{
		providers:     make(map[int64]string, len(providers)),
		roles:         make(map[int64]string, len(roles)),
		careTeamRoles: make(map[int64]string, len(careTeamRoles)),
	}
	for _, p := range providers {
		names.providers[p.ID] = p.DisplayName()
	}
	for _, r := range roles {
		names.roles[r.ID] = r.Name
	}
	for _, r := range careTeamRoles {
		names.careTeamRoles[r.ID] = r.Name
	}
	return names, nil
}

// attachPINs reads s's sealed PINs and opens them.
func (tx *Tx) attachPINs(s *app.Staff) error {
	var unlock, support []byte
	if err := tx.queryRow(`SELECT unlock_pin, support_pin FROM staff WHERE id = ?`, s.ID).
		Scan(&unlock, &support); errors.Is(err, sql.ErrNoRows) {
		return staffNotFound()
	} else if err != nil {
		return fmt.Errorf("load the staff member: %w", err)
	}
	var err error
	if s.UnlockPIN, err = tx.openPIN(unlock); err != nil {
		return err
	}
	s.SupportPIN, err = tx.openPIN(support)
	return err
}

// attachOffices fills s's offices, sorted by name.
func (tx *Tx) attachOffices(s *app.Staff) error {
	rows, err := tx.query(`
		SELECT o.id, o.name
		FROM staff_offices so
		JOIN offices o ON o.id = so.office_id
		WHERE so.staff_id = ?
		ORDER BY o.name, o.id`, s.ID)
	if err != nil {
		return fmt.Errorf("load the staff member's offices: %w", err)
	}
	defer rows.Close()
	s.OfficeIDs, s.OfficeNames = nil, nil
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("load the staff member's offices: %w", err)
		}
		s.OfficeIDs, s.OfficeNames = append(s.OfficeIDs, id), append(s.OfficeNames, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load the staff member's offices: %w", err)
	}
	return nil
}

// sealPIN seals a PIN for storage; no PIN is stored as NULL.
func (tx *Tx) sealPIN(pin string) ([]byte, error) {
	if pin == "" {
		return nil, nil
	}
	sealed, err := tx.sealer.Seal([]byte(pin))
	if err != nil {
		// The sealer's error is passed on, never the PIN.
		return nil, fmt.Errorf("encrypt the staff member's PINs: %w", err)
	}
	return sealed, nil
}

// openPIN opens a sealed PIN; NULL is no PIN.
func (tx *Tx) openPIN(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	pin, err := tx.sealer.Open(sealed)
	if err != nil {
		// Most likely the key is not the one the PINs were sealed with.
		return "", fmt.Errorf("decrypt the staff member's PINs: %w", err)
	}
	return string(pin), nil
}

// CreateStaff inserts s with the given password hash and sets s.ID and s.Version.
// Status, ActivatedAt, the times and the sign-in record are written as s has them.
func (tx *Tx) CreateStaff(s *app.Staff, passwordHash string) error {
	if err := checkStatus(s.Status); err != nil {
		return err
	} else if s.CreatedAt.IsZero() || s.UpdatedAt.IsZero() {
		return errors.New("create staff: no time given")
	}
	unlock, err := tx.sealPIN(s.UnlockPIN)
	if err != nil {
		return err
	}
	support, err := tx.sealPIN(s.SupportPIN)
	if err != nil {
		return err
	}

	res, err := tx.exec(`
		INSERT INTO staff (
			first_name, last_name, provider_id, role_id, care_team_role_id,
			care_team_id_type, care_team_id, email, username, home_phone, cell_phone,
			send_daily_billing, unlock_pin, support_pin, restrict_offices,
			use_new_dashboard, enable_email_update, emergency_access, two_factor,
			password_hash, status, activated_at, created_at, updated_at, version,
			email_key, username_key,
			last_signin_at, failed_signins, last_failed_signin_at, locked_until, must_change_password
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
		s.FirstName, s.LastName, s.ProviderID, s.RoleID, nullableID(s.CareTeamRoleID),
		string(s.CareTeamIDType), s.CareTeamID, s.Email, s.Username, s.HomePhone, s.CellPhone,
		s.SendDailyBilling, unlock, support, s.RestrictOffices,
		s.UseNewDashboard, s.EnableEmailUpdate, s.EmergencyAccess, s.TwoFactor,
		passwordHash, string(s.Status), nullableNanos(s.ActivatedAt), s.CreatedAt.UnixNano(), s.UpdatedAt.UnixNano(),
		s.EmailKey, s.UsernameKey,
		nullableNanos(s.SignIn.LastSignInAt), s.SignIn.Failures, nullableNanos(s.SignIn.LastFailedAt),
		nullableNanos(s.SignIn.LockedUntil), s.SignIn.MustChangePassword)
	if err != nil {
		return tx.staffWriteError(s, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("save the staff member: %w", err)
	}
	if err := tx.replaceStaffOffices(id, s.OfficeIDs); err != nil {
		return err
	}
	s.ID, s.Version = id, 1
	return nil
}

// UpdateStaff writes every editable field of s, PINs and offices included, and
// s.UpdatedAt, when the account is still at s.Version, and bumps s.Version. Password,
// status and CreatedAt have their own paths and are left alone.
func (tx *Tx) UpdateStaff(s *app.Staff) error {
	unlock, err := tx.sealPIN(s.UnlockPIN)
	if err != nil {
		return err
	}
	support, err := tx.sealPIN(s.SupportPIN)
	if err != nil {
		return err
	}
	found, err := tx.execOne(`
		UPDATE staff SET
			first_name = ?, last_name = ?, provider_id = ?, role_id = ?, care_team_role_id = ?,
			care_team_id_type = ?, care_team_id = ?, email = ?, username = ?,
			home_phone = ?, cell_phone = ?, send_daily_billing = ?,
			unlock_pin = ?, support_pin = ?, restrict_offices = ?, use_new_dashboard = ?,
			enable_email_update = ?, emergency_access = ?, two_factor = ?, updated_at = ?,
			email_key = ?, username_key = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		s.FirstName, s.LastName, s.ProviderID, s.RoleID, nullableID(s.CareTeamRoleID),
		string(s.CareTeamIDType), s.CareTeamID, s.Email, s.Username,
		s.HomePhone, s.CellPhone, s.SendDailyBilling,
		unlock, support, s.RestrictOffices, s.UseNewDashboard,
		s.EnableEmailUpdate, s.EmergencyAccess, s.TwoFactor, s.UpdatedAt.UnixNano(),
		s.EmailKey, s.UsernameKey,
		s.ID, s.Version)
	if err != nil {
		return tx.staffWriteError(s, err)
	} else if !found {
		return tx.staleOrGone("staff", app.RecordStaff, s.ID)
	}
	if err := tx.replaceStaffOffices(s.ID, s.OfficeIDs); err != nil {
		return err
	}
	s.Version++
	return nil
}

// staleOrGone says why an update of the row id of table at a version matched nothing:
// the row was deleted, or it is at another version.
func (tx *Tx) staleOrGone(table string, rec app.Record, id int64) error {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("save %s: %w", rec, err)
	} else if n == 0 {
		return app.NotFound(rec, "", nil)
	}
	return app.Changed(rec)
}

// replaceStaffOffices makes officeIDs the exact set of the account's offices.
func (tx *Tx) replaceStaffOffices(staffID int64, officeIDs []int64) error {
	if _, err := tx.exec(`DELETE FROM staff_offices WHERE staff_id = ?`, staffID); err != nil {
		return fmt.Errorf("save the staff member's offices: %w", err)
	}
	for _, officeID := range officeIDs {
		// OR IGNORE drops an office listed twice; it does not cover foreign keys.
		_, err := tx.exec(`INSERT OR IGNORE INTO staff_offices (staff_id, office_id) VALUES (?, ?)`,
			staffID, officeID)
		if isForeignKeyFailure(err) {
			return app.NotFound(app.RecordOffice, app.FieldOffices, err)
		} else if err != nil {
			return fmt.Errorf("save the staff member's offices: %w", err)
		}
	}
	return nil
}

// staffWriteError says which unique index or foreign key refused an INSERT or UPDATE
// of s. The transaction is still usable here: SQLite undid only the failed statement.
func (tx *Tx) staffWriteError(s *app.Staff, err error) error {
	if col, ok := uniqueColumn(err); ok {
		switch col {
		case "staff.username", "staff.username_key":
			return app.Taken(app.RecordStaff, app.FieldUsername, err)
		case "staff.email", "staff.email_key":
			return app.Taken(app.RecordStaff, app.FieldEmail, err)
		}
	}
	if isForeignKeyFailure(err) {
		return tx.staffReferenceError(s, err)
	}
	return fmt.Errorf("save staff %q: %w", s.Username, err)
}

// staffReferenceError finds which of the records s points to is missing, since
// SQLite's foreign key error does not say.
func (tx *Tx) staffReferenceError(s *app.Staff, err error) error {
	type reference struct {
		table, field string
		record       app.Record
		id           int64
	}
	refs := []reference{
		{"providers", app.FieldProvider, app.RecordProvider, s.ProviderID},
		{"roles", app.FieldRole, app.RecordRole, s.RoleID},
	}
	if s.CareTeamRoleID != 0 { // 0 is "none", stored as NULL
		refs = append(refs, reference{"care_team_roles", app.FieldCareTeamRole, app.RecordCareTeamRole, s.CareTeamRoleID})
	}
	for _, ref := range refs {
		var n int
		if e := tx.queryRow(`SELECT COUNT(*) FROM `+ref.table+` WHERE id = ?`, ref.id).Scan(&n); e != nil {
			return fmt.Errorf("find the missing reference: %w", errors.Join(err, e))
		} else if n == 0 {
			return app.NotFound(ref.record, ref.field, err)
		}
	}
	return fmt.Errorf("save the staff member: %w", err)
}

func checkStatus(status app.StaffStatus) error {
	switch status {
	case app.StatusPending, app.StatusActive, app.StatusInactive:
		return nil
	}
	return fmt.Errorf("%q is not a staff account status", string(status))
}

// SetStaffIdentityKeys stores an account's identity keys as app computed them. It
// does not bump the version: the keys follow from the fields the version covers.
func (tx *Tx) SetStaffIdentityKeys(id int64, emailKey, usernameKey string) error {
	found, err := tx.execOne(`UPDATE staff SET email_key = ?, username_key = ? WHERE id = ?`,
		emailKey, usernameKey, id)
	if col, ok := uniqueColumn(err); ok && (col == "staff.email_key" || col == "staff.username_key") {
		field := app.FieldEmail
		if col == "staff.username_key" {
			field = app.FieldUsername
		}
		return app.Taken(app.RecordStaff, field, err)
	} else if err != nil {
		return fmt.Errorf("store the identity keys: %w", err)
	} else if !found {
		return staffNotFound()
	}
	return nil
}

// SetStaffStatus writes s's status, ActivatedAt and UpdatedAt when the account is still
// at s.Version, and bumps s.Version.
func (tx *Tx) SetStaffStatus(s *app.Staff) error {
	if err := checkStatus(s.Status); err != nil {
		return err
	}
	found, err := tx.execOne(`
		UPDATE staff SET status = ?, activated_at = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		string(s.Status), nullableNanos(s.ActivatedAt), s.UpdatedAt.UnixNano(), s.ID, s.Version)
	if err != nil {
		return fmt.Errorf("change the staff member's status: %w", err)
	} else if !found {
		return tx.staleOrGone("staff", app.RecordStaff, s.ID)
	}
	s.Version++
	return nil
}

// SetPasswordHash replaces an account's password hash at at.
func (tx *Tx) SetPasswordHash(id int64, hash string, at time.Time) error {
	found, err := tx.execOne(`UPDATE staff SET password_hash = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		hash, at.UnixNano(), id)
	if err != nil {
		return fmt.Errorf("save the password: %w", err)
	} else if !found {
		return staffNotFound()
	}
	return nil
}

// PasswordHash returns an account's password hash.
func (tx *Tx) PasswordHash(id int64) (string, error) {
	var hash string
	if err := tx.queryRow(`SELECT password_hash FROM staff WHERE id = ?`, id).Scan(&hash); errors.Is(err, sql.ErrNoRows) {
		return "", staffNotFound()
	} else if err != nil {
		return "", fmt.Errorf("check the password: %w", err)
	}
	return hash, nil
}

// DeleteStaff removes an account; its office rows go with it (ON DELETE CASCADE), its
// ended sessions stay without it. It fails while the account has a live session: a
// session cannot outlive its account unended, so the caller ends them first
// (EndSessions, with the reason the window is to be told).
func (tx *Tx) DeleteStaff(id int64) error {
	found, err := tx.execOne(`DELETE FROM staff WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete the staff member: %w", err)
	} else if !found {
		return staffNotFound()
	}
	return nil
}

// CountStaff returns how many accounts there are, inactive ones included.
func (tx *Tx) CountStaff() (int, error) {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM staff`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the staff members: %w", err)
	}
	return n, nil
}

// countByStatusQuery counts through staff_status, without reading the table.
const countByStatusQuery = `SELECT status, COUNT(*) FROM staff GROUP BY status`

// CountStaffByStatus returns how many accounts there are in each status, every
// status present (0 when none).
func (tx *Tx) CountStaffByStatus() (map[app.StaffStatus]int, error) {
	counts := map[app.StaffStatus]int{app.StatusPending: 0, app.StatusActive: 0, app.StatusInactive: 0}
	rows, err := tx.query(countByStatusQuery)
	if err != nil {
		return nil, fmt.Errorf("count the staff members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("count the staff members: %w", err)
		}
		counts[app.StaffStatus(status)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count the staff members: %w", err)
	}
	return counts, nil
}

// CountStaffOfProvider returns how many accounts that are not inactive have the
// provider as their primary provider.
func (tx *Tx) CountStaffOfProvider(providerID int64) (int, error) {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM staff WHERE provider_id = ? AND status <> ?`,
		providerID, string(app.StatusInactive)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the provider's staff members: %w", err)
	}
	return n, nil
}
