package data

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/staffdesk/staffdesk/app"
)

func staffNotFound() error {
	return app.Errorf(app.ENOTFOUND, "That staff member no longer exists.")
}

// Staff returns one account with its PINs opened and its offices and names resolved.
func (tx *Tx) Staff(id int64) (*app.Staff, error) {
	list, err := tx.findStaff(app.StaffFilter{ID: id})
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

// FindStaff returns the accounts matching f in id order (the grid sorts them), without PINs or
// offices.
func (tx *Tx) FindStaff(f app.StaffFilter) ([]*app.Staff, error) {
	return tx.findStaff(f)
}

// findStaff reads the accounts matching f, with the expiry of each one's live
// activation code and the address of its unexpired email change, which the grid's
// status cell shows. It is what the staff grid loads, up to 100,000 rows, so it reads
// neither the PINs (opening each costs a decryption) nor the offices (a second
// table), and it takes the provider, role and care team role names from
// directoryNames rather than joining them in: go-sqlite3 allocates every text value
// of every row, so joined names cost six allocations a row (measured: 16 allocations
// a row instead of 27, a quarter less CPU) and 100,000 copies of a handful of names.
func (tx *Tx) findStaff(f app.StaffFilter) ([]*app.Staff, error) {
	names, err := tx.directoryNames()
	if err != nil {
		return nil, err
	}

	// The joins on codes are probes of codes_live, the partial unique index on
	// (staff_id, kind) of unused, unrevoked codes.
	args := []any{string(app.CodeActivation), string(app.CodeEmailChange), tx.now.UnixNano()}
	where := []string{"1 = 1"}
	if f.ID != 0 {
		where, args = append(where, "s.id = ?"), append(args, f.ID)
	}
	// Both columns are COLLATE NOCASE, so "=" ignores case and uses their unique index.
	if f.Username != "" {
		where, args = append(where, "s.username = ?"), append(args, f.Username)
	}
	if f.Email != "" {
		where, args = append(where, "s.email = ?"), append(args, f.Email)
	}
	rows, err := tx.query(`
		SELECT s.id, s.first_name, s.last_name, s.provider_id, s.role_id, s.care_team_role_id,
		       s.care_team_id_type, s.care_team_id, s.email, s.username, s.home_phone, s.cell_phone,
		       s.send_daily_billing, s.restrict_offices, s.use_new_dashboard,
		       s.enable_email_update, s.emergency_access, s.two_factor,
		       s.status, s.activated_at, s.created_at, s.updated_at,
		       activation.expires_at, email_change.new_email
		FROM staff s
		LEFT JOIN codes activation
		       ON activation.staff_id = s.id AND activation.kind = ?
		      AND activation.used_at IS NULL AND activation.revoked_at IS NULL
		LEFT JOIN codes email_change
		       ON email_change.staff_id = s.id AND email_change.kind = ?
		      AND email_change.used_at IS NULL AND email_change.revoked_at IS NULL
		      AND email_change.expires_at > ?
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY s.id`, args...)
	if err != nil {
		return nil, app.Internal("load the staff list", err)
	}
	defer rows.Close()

	// Scan destinations other than the Staff itself are reused from row to row: their
	// addresses escape into Scan, so declaring them in the loop would allocate each.
	var (
		careTeamRoleID         sql.NullInt64
		careTeamIDType, status string
		activatedAt            sql.NullInt64
		createdAt, updatedAt   int64
		activationExpires      sql.NullInt64
		pendingEmail           sql.NullString
	)
	var list []*app.Staff
	for rows.Next() {
		s := &app.Staff{}
		if err := rows.Scan(&s.ID, &s.FirstName, &s.LastName, &s.ProviderID, &s.RoleID, &careTeamRoleID,
			&careTeamIDType, &s.CareTeamID, &s.Email, &s.Username, &s.HomePhone, &s.CellPhone,
			&s.SendDailyBilling, &s.RestrictOffices, &s.UseNewDashboard,
			&s.EnableEmailUpdate, &s.EmergencyAccess, &s.TwoFactor,
			&status, &activatedAt, &createdAt, &updatedAt,
			&activationExpires, &pendingEmail); err != nil {
			return nil, app.Internal("load the staff list", err)
		}
		s.CareTeamRoleID = careTeamRoleID.Int64
		s.ProviderName = names.providers[s.ProviderID]
		s.RoleName = names.roles[s.RoleID]
		s.CareTeamRoleName = names.careTeamRoles[s.CareTeamRoleID]
		s.CareTeamIDType, s.Status = app.CareTeamIDType(careTeamIDType), app.StaffStatus(status)
		s.ActivatedAt = timeFromNullNanos(activatedAt)
		s.CreatedAt, s.UpdatedAt = timeFromNanos(createdAt), timeFromNanos(updatedAt)
		s.ActivationExpires, s.PendingEmail = timeFromNullNanos(activationExpires), pendingEmail.String
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal("load the staff list", err)
	}
	return list, nil
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
	roles, err := tx.Roles()
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
		return app.Internal("load the staff member", err)
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
		return app.Internal("load the staff member's offices", err)
	}
	defer rows.Close()
	s.OfficeIDs, s.OfficeNames = nil, nil
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return app.Internal("load the staff member's offices", err)
		}
		s.OfficeIDs, s.OfficeNames = append(s.OfficeIDs, id), append(s.OfficeNames, name)
	}
	if err := rows.Err(); err != nil {
		return app.Internal("load the staff member's offices", err)
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
		return nil, app.Internal("encrypt the staff member's PINs", err)
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
		return "", app.Internal("decrypt the staff member's PINs", err)
	}
	return string(pin), nil
}

// CreateStaff inserts s with the given password hash and sets s.ID, CreatedAt and
// UpdatedAt. An account with no status starts pending; one created active gets its
// ActivatedAt now.
func (tx *Tx) CreateStaff(s *app.Staff, passwordHash string) error {
	status := s.Status
	if status == "" {
		status = app.StatusPending
	} else if err := checkStatus(status); err != nil {
		return err
	}
	activatedAt := s.ActivatedAt
	if status == app.StatusActive && activatedAt.IsZero() {
		activatedAt = tx.now
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
			password_hash, status, activated_at, created_at, updated_at
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.FirstName, s.LastName, s.ProviderID, s.RoleID, nullableID(s.CareTeamRoleID),
		string(s.CareTeamIDType), s.CareTeamID, s.Email, s.Username, s.HomePhone, s.CellPhone,
		s.SendDailyBilling, unlock, support, s.RestrictOffices,
		s.UseNewDashboard, s.EnableEmailUpdate, s.EmergencyAccess, s.TwoFactor,
		passwordHash, string(status), nullableNanos(activatedAt), tx.now.UnixNano(), tx.now.UnixNano())
	if err != nil {
		return tx.staffWriteError(s, 0, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return app.Internal("save the staff member", err)
	}
	if err := tx.replaceStaffOffices(id, s.OfficeIDs); err != nil {
		return err
	}
	s.ID, s.Status, s.ActivatedAt = id, status, activatedAt
	s.CreatedAt, s.UpdatedAt = tx.now, tx.now
	return nil
}

// UpdateStaff writes every editable field of s, PINs and offices included, and sets
// UpdatedAt. Password, status and CreatedAt have their own paths and are left alone.
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
			enable_email_update = ?, emergency_access = ?, two_factor = ?, updated_at = ?
		WHERE id = ?`,
		s.FirstName, s.LastName, s.ProviderID, s.RoleID, nullableID(s.CareTeamRoleID),
		string(s.CareTeamIDType), s.CareTeamID, s.Email, s.Username,
		s.HomePhone, s.CellPhone, s.SendDailyBilling,
		unlock, support, s.RestrictOffices, s.UseNewDashboard,
		s.EnableEmailUpdate, s.EmergencyAccess, s.TwoFactor, tx.now.UnixNano(),
		s.ID)
	if err != nil {
		return tx.staffWriteError(s, s.ID, err)
	} else if !found {
		return staffNotFound()
	}
	if err := tx.replaceStaffOffices(s.ID, s.OfficeIDs); err != nil {
		return err
	}
	s.UpdatedAt = tx.now
	return nil
}

// replaceStaffOffices makes officeIDs the exact set of the account's offices.
func (tx *Tx) replaceStaffOffices(staffID int64, officeIDs []int64) error {
	if _, err := tx.exec(`DELETE FROM staff_offices WHERE staff_id = ?`, staffID); err != nil {
		return app.Internal("save the staff member's offices", err)
	}
	for _, officeID := range officeIDs {
		// OR IGNORE drops an office listed twice; it does not cover foreign keys.
		_, err := tx.exec(`INSERT OR IGNORE INTO staff_offices (staff_id, office_id) VALUES (?, ?)`,
			staffID, officeID)
		if isForeignKeyFailure(err) {
			return withCause(app.FieldError(app.FieldOffices, "One of the chosen offices no longer exists."), err)
		} else if err != nil {
			return app.Internal("save the staff member's offices", err)
		}
	}
	return nil
}

// staffWriteError turns a failed INSERT or UPDATE of s into the error the person
// should see. selfID is the account being written (0 when creating), so that the
// owner of a clashing email is another account. The transaction is still usable
// here: SQLite undid only the failed statement.
func (tx *Tx) staffWriteError(s *app.Staff, selfID int64, err error) error {
	if col, ok := uniqueColumn(err); ok {
		switch col {
		// The messages are the StaffService's own, naming the other account as stored.
		case "staff.username":
			owner := s.Username
			_ = tx.queryRow(`SELECT username FROM staff WHERE username = ? AND id <> ?`,
				s.Username, selfID).Scan(&owner) // on failure, the name as typed will do
			return withCause(app.ConflictError(app.FieldUsername, "The username %s is taken.", owner), err)
		case "staff.email":
			var owner string
			if e := tx.queryRow(`SELECT username FROM staff WHERE email = ? AND id <> ?`,
				s.Email, selfID).Scan(&owner); e != nil {
				return withCause(app.ConflictError(app.FieldEmail, "This email is already used by another staff member."), err)
			}
			return withCause(app.ConflictError(app.FieldEmail, "This email is already used by %s.", owner), err)
		}
	}
	if isForeignKeyFailure(err) {
		return tx.staffReferenceError(s, err)
	}
	return app.Internal("save the staff member", fmt.Errorf("save staff %q: %w", s.Username, err))
}

// staffReferenceError finds which of the records s points to is missing, since
// SQLite's foreign key error does not say. The messages are checkReferences' own.
func (tx *Tx) staffReferenceError(s *app.Staff, err error) error {
	type reference struct {
		table, field, message string
		id                    int64
	}
	refs := []reference{
		{"providers", app.FieldProvider, "That provider no longer exists; choose another.", s.ProviderID},
		{"roles", app.FieldRole, "That role no longer exists; choose another.", s.RoleID},
	}
	if s.CareTeamRoleID != 0 { // 0 is "none", stored as NULL
		refs = append(refs, reference{"care_team_roles", app.FieldCareTeamRole, "That care team role no longer exists; choose another.", s.CareTeamRoleID})
	}
	for _, ref := range refs {
		var n int
		if e := tx.queryRow(`SELECT COUNT(*) FROM `+ref.table+` WHERE id = ?`, ref.id).Scan(&n); e != nil {
			return app.Internal("save the staff member", errors.Join(err, e))
		} else if n == 0 {
			return withCause(app.FieldError(ref.field, "%s", ref.message), err)
		}
	}
	return &app.Error{Code: app.EINVALID, Message: "A record this staff member refers to no longer exists.", Err: err}
}

// withCause keeps the SQLite error behind a human one, for the log.
func withCause(e *app.Error, cause error) *app.Error {
	e.Err = cause
	return e
}

func checkStatus(status app.StaffStatus) error {
	switch status {
	case app.StatusPending, app.StatusActive, app.StatusInactive:
		return nil
	}
	return app.Errorf(app.EINVALID, "%q is not a staff account status.", string(status))
}

// SetStaffStatus changes an account's status. The first move to active stamps
// ActivatedAt; later ones keep that first time.
func (tx *Tx) SetStaffStatus(id int64, status app.StaffStatus) error {
	if err := checkStatus(status); err != nil {
		return err
	}
	var activatedAt any // NULL leaves activated_at as it is
	if status == app.StatusActive {
		activatedAt = tx.now.UnixNano()
	}
	found, err := tx.execOne(`
		UPDATE staff SET status = ?, activated_at = COALESCE(activated_at, ?), updated_at = ?
		WHERE id = ?`, string(status), activatedAt, tx.now.UnixNano(), id)
	if err != nil {
		return app.Internal("change the staff member's status", err)
	} else if !found {
		return staffNotFound()
	}
	return nil
}

// SetPasswordHash replaces an account's password hash.
func (tx *Tx) SetPasswordHash(id int64, hash string) error {
	found, err := tx.execOne(`UPDATE staff SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, tx.now.UnixNano(), id)
	if err != nil {
		return app.Internal("save the password", err)
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
		return "", app.Internal("check the password", err)
	}
	return hash, nil
}

// DeleteStaff removes an account; its office rows go with it (ON DELETE CASCADE).
func (tx *Tx) DeleteStaff(id int64) error {
	found, err := tx.execOne(`DELETE FROM staff WHERE id = ?`, id)
	if err != nil {
		return app.Internal("delete the staff member", err)
	} else if !found {
		return staffNotFound()
	}
	return nil
}

// CountStaff returns how many accounts there are, inactive ones included.
func (tx *Tx) CountStaff() (int, error) {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM staff`).Scan(&n); err != nil {
		return 0, app.Internal("count the staff members", err)
	}
	return n, nil
}

// CountStaffOfProvider returns how many accounts that are not inactive have the
// provider as their primary provider.
func (tx *Tx) CountStaffOfProvider(providerID int64) (int, error) {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM staff WHERE provider_id = ? AND status <> ?`,
		providerID, string(app.StatusInactive)).Scan(&n); err != nil {
		return 0, app.Internal("count the provider's staff members", err)
	}
	return n, nil
}
