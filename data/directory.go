package data

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/staffdesk/staffdesk/app"
)

// Providers, offices, roles and care team roles are never deleted, only made
// inactive, because staff accounts keep pointing at them. Each update names the version
// it read and bumps it.

func providerNotFound() error { return app.NotFound(app.RecordProvider, "", nil) }

// Providers returns every provider, inactive ones included, by last then first name.
func (tx *Tx) Providers() ([]*app.Provider, error) {
	rows, err := tx.query(`
		SELECT id, first_name, last_name, suffix, credentials, npi, active, version
		FROM providers
		ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("load the providers: %w", err)
	}
	defer rows.Close()
	var list []*app.Provider
	for rows.Next() {
		var p app.Provider
		if err := rows.Scan(&p.ID, &p.FirstName, &p.LastName, &p.Suffix, &p.Credentials, &p.NPI, &p.Active, &p.Version); err != nil {
			return nil, fmt.Errorf("load the providers: %w", err)
		}
		list = append(list, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load the providers: %w", err)
	}
	return list, nil
}

// Provider returns one provider.
func (tx *Tx) Provider(id int64) (*app.Provider, error) {
	var p app.Provider
	if err := tx.queryRow(`
		SELECT id, first_name, last_name, suffix, credentials, npi, active, version
		FROM providers WHERE id = ?`, id).
		Scan(&p.ID, &p.FirstName, &p.LastName, &p.Suffix, &p.Credentials, &p.NPI, &p.Active, &p.Version); errors.Is(err, sql.ErrNoRows) {
		return nil, providerNotFound()
	} else if err != nil {
		return nil, fmt.Errorf("load the provider: %w", err)
	}
	return &p, nil
}

// CreateProvider inserts p and sets p.ID and p.Version.
func (tx *Tx) CreateProvider(p *app.Provider) error {
	res, err := tx.exec(`
		INSERT INTO providers (first_name, last_name, suffix, credentials, npi, active, version)
		VALUES (?, ?, ?, ?, ?, ?, 1)`,
		p.FirstName, p.LastName, p.Suffix, p.Credentials, p.NPI, p.Active)
	if err != nil {
		return providerWriteError(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("save the provider: %w", err)
	}
	p.ID, p.Version = id, 1
	return nil
}

// UpdateProvider writes every field of p when it is still at p.Version, and bumps it.
func (tx *Tx) UpdateProvider(p *app.Provider) error {
	found, err := tx.execOne(`
		UPDATE providers
		SET first_name = ?, last_name = ?, suffix = ?, credentials = ?, npi = ?, active = ?,
		    version = version + 1
		WHERE id = ? AND version = ?`,
		p.FirstName, p.LastName, p.Suffix, p.Credentials, p.NPI, p.Active, p.ID, p.Version)
	if err != nil {
		return providerWriteError(err)
	} else if !found {
		return tx.staleOrGone("providers", app.RecordProvider, p.ID)
	}
	p.Version++
	return nil
}

func providerWriteError(err error) error {
	if col, ok := uniqueColumn(err); ok && col == "providers.npi" {
		return app.Taken(app.RecordProvider, app.FieldNPI, err)
	}
	return fmt.Errorf("save the provider: %w", err)
}

func officeNotFound() error { return app.NotFound(app.RecordOffice, "", nil) }

// Offices returns every office, inactive ones included, by name.
func (tx *Tx) Offices() ([]*app.Office, error) {
	rows, err := tx.query(`SELECT id, name, address, phone, active, version FROM offices ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("load the offices: %w", err)
	}
	defer rows.Close()
	var list []*app.Office
	for rows.Next() {
		var o app.Office
		if err := rows.Scan(&o.ID, &o.Name, &o.Address, &o.Phone, &o.Active, &o.Version); err != nil {
			return nil, fmt.Errorf("load the offices: %w", err)
		}
		list = append(list, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load the offices: %w", err)
	}
	return list, nil
}

// Office returns one office.
func (tx *Tx) Office(id int64) (*app.Office, error) {
	var o app.Office
	if err := tx.queryRow(`SELECT id, name, address, phone, active, version FROM offices WHERE id = ?`, id).
		Scan(&o.ID, &o.Name, &o.Address, &o.Phone, &o.Active, &o.Version); errors.Is(err, sql.ErrNoRows) {
		return nil, officeNotFound()
	} else if err != nil {
		return nil, fmt.Errorf("load the office: %w", err)
	}
	return &o, nil
}

// CreateOffice inserts o and sets o.ID and o.Version.
func (tx *Tx) CreateOffice(o *app.Office) error {
	res, err := tx.exec(`INSERT INTO offices (name, address, phone, active, version) VALUES (?, ?, ?, ?, 1)`,
		o.Name, o.Address, o.Phone, o.Active)
	if err != nil {
		return officeWriteError(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("save the office: %w", err)
	}
	o.ID, o.Version = id, 1
	return nil
}

// UpdateOffice writes every field of o when it is still at o.Version, and bumps it.
func (tx *Tx) UpdateOffice(o *app.Office) error {
	found, err := tx.execOne(`
		UPDATE offices SET name = ?, address = ?, phone = ?, active = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		o.Name, o.Address, o.Phone, o.Active, o.ID, o.Version)
	if err != nil {
		return officeWriteError(err)
	} else if !found {
		return tx.staleOrGone("offices", app.RecordOffice, o.ID)
	}
	o.Version++
	return nil
}

func officeWriteError(err error) error {
	if col, ok := uniqueColumn(err); ok && col == "offices.name" {
		return app.Taken(app.RecordOffice, app.FieldName, err)
	}
	return fmt.Errorf("save the office: %w", err)
}

// A nameList is a table that is only a list of names a manager keeps: roles and care
// team roles. Both are read and written the same way.
type nameList struct {
	table  string // SQL table
	record app.Record
}

var (
	roleList         = nameList{table: "roles", record: app.RecordRole}
	careTeamRoleList = nameList{table: "care_team_roles", record: app.RecordCareTeamRole}
)

// namedRow is one row of a nameList.
type namedRow struct {
	ID      int64
	Name    string
	Active  bool
	Version int64
}

func (l nameList) writeError(err error) error {
	if col, ok := uniqueColumn(err); ok && col == l.table+".name" {
		return app.Taken(l.record, app.FieldName, err)
	}
	return fmt.Errorf("save %s: %w", l.record, err)
}

func (tx *Tx) namedRows(l nameList) ([]namedRow, error) {
	rows, err := tx.query(`SELECT id, name, active, version FROM ` + l.table + ` ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("load %ss: %w", l.record, err)
	}
	defer rows.Close()
	var list []namedRow
	for rows.Next() {
		var r namedRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Active, &r.Version); err != nil {
			return nil, fmt.Errorf("load %ss: %w", l.record, err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load %ss: %w", l.record, err)
	}
	return list, nil
}

func (tx *Tx) namedRow(l nameList, id int64) (namedRow, error) {
	var r namedRow
	if err := tx.queryRow(`SELECT id, name, active, version FROM `+l.table+` WHERE id = ?`, id).
		Scan(&r.ID, &r.Name, &r.Active, &r.Version); errors.Is(err, sql.ErrNoRows) {
		return r, app.NotFound(l.record, "", nil)
	} else if err != nil {
		return r, fmt.Errorf("load %s: %w", l.record, err)
	}
	return r, nil
}

func (tx *Tx) createNamedRow(l nameList, name string, active bool) (int64, error) {
	res, err := tx.exec(`INSERT INTO `+l.table+` (name, active, version) VALUES (?, ?, 1)`, name, active)
	if err != nil {
		return 0, l.writeError(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", l.record, err)
	}
	return id, nil
}

// updateNamedRow writes r when its row is still at r.Version and returns the new version.
func (tx *Tx) updateNamedRow(l nameList, r namedRow) (int64, error) {
	found, err := tx.execOne(`UPDATE `+l.table+` SET name = ?, active = ?, version = version + 1
		WHERE id = ? AND version = ?`, r.Name, r.Active, r.ID, r.Version)
	if err != nil {
		return 0, l.writeError(err)
	} else if !found {
		return 0, tx.staleOrGone(l.table, l.record, r.ID)
	}
	return r.Version + 1, nil
}

// Roles returns every role, inactive ones included, by name, with its permissions.
func (tx *Tx) Roles() ([]*app.Role, error) {
	rows, err := tx.namedRows(roleList)
	if err != nil {
		return nil, err
	}
	perms, err := tx.rolePermissions(0)
	if err != nil {
		return nil, err
	}
	list := make([]*app.Role, len(rows))
	for i, r := range rows {
		list[i] = &app.Role{ID: r.ID, Name: r.Name, Active: r.Active, Permissions: perms[r.ID], Version: r.Version}
	}
	return list, nil
}

// Role returns one role with its permissions.
func (tx *Tx) Role(id int64) (*app.Role, error) {
	r, err := tx.namedRow(roleList, id)
	if err != nil {
		return nil, err
	}
	perms, err := tx.rolePermissions(id)
	if err != nil {
		return nil, err
	}
	return &app.Role{ID: r.ID, Name: r.Name, Active: r.Active, Permissions: perms[r.ID], Version: r.Version}, nil
}

// rolePermissions reads the permissions of role id (0: of every role), each set in
// AllPermissions order. A permission this version does not know (written by a later
// one) is left out.
func (tx *Tx) rolePermissions(id int64) (map[int64]app.PermissionSet, error) {
	q, args := `SELECT role_id, permission FROM role_permissions`, []any{}
	if id != 0 {
		q, args = q+` WHERE role_id = ?`, append(args, id)
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("load the roles' permissions: %w", err)
	}
	defer rows.Close()
	held := map[int64][]app.Permission{}
	for rows.Next() {
		var roleID int64
		var p string
		if err := rows.Scan(&roleID, &p); err != nil {
			return nil, fmt.Errorf("load the roles' permissions: %w", err)
		}
		held[roleID] = append(held[roleID], app.Permission(p))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load the roles' permissions: %w", err)
	}
	sets := make(map[int64]app.PermissionSet, len(held))
	for roleID, ps := range held {
		sets[roleID] = app.NewPermissionSet(ps...)
	}
	return sets, nil
}

// replaceRolePermissions makes perms the exact set of the role's permissions.
func (tx *Tx) replaceRolePermissions(roleID int64, perms app.PermissionSet) error {
	for _, p := range perms {
		if !p.Known() {
			return fmt.Errorf("%q is not a permission", string(p))
		}
	}
	if _, err := tx.exec(`DELETE FROM role_permissions WHERE role_id = ?`, roleID); err != nil {
		return fmt.Errorf("save the role's permissions: %w", err)
	}
	for _, p := range perms {
		// OR IGNORE drops a permission listed twice.
		if _, err := tx.exec(`INSERT OR IGNORE INTO role_permissions (role_id, permission) VALUES (?, ?)`,
			roleID, string(p)); err != nil {
			return fmt.Errorf("save the role's permissions: %w", err)
		}
	}
	return nil
}

// CreateRole inserts r with its permissions and sets r.ID and r.Version.
func (tx *Tx) CreateRole(r *app.Role) error {
	id, err := tx.createNamedRow(roleList, r.Name, r.Active)
	if err != nil {
		return err
	}
	if err := tx.replaceRolePermissions(id, r.Permissions); err != nil {
		return err
	}
	r.ID, r.Version = id, 1
	return nil
}

// UpdateRole writes r's name, whether it is active and its permissions, when it is
// still at r.Version.
func (tx *Tx) UpdateRole(r *app.Role) error {
	v, err := tx.updateNamedRow(roleList, namedRow{ID: r.ID, Name: r.Name, Active: r.Active, Version: r.Version})
	if err != nil {
		return err
	}
	if err := tx.replaceRolePermissions(r.ID, r.Permissions); err != nil {
		return err
	}
	r.Version = v
	return nil
}

// CareTeamRoles returns every care team role, inactive ones included, by name.
func (tx *Tx) CareTeamRoles() ([]*app.CareTeamRole, error) {
	rows, err := tx.namedRows(careTeamRoleList)
	if err != nil {
		return nil, err
	}
	list := make([]*app.CareTeamRole, len(rows))
	for i, r := range rows {
		list[i] = &app.CareTeamRole{ID: r.ID, Name: r.Name, Active: r.Active, Version: r.Version}
	}
	return list, nil
}

// CareTeamRole returns one care team role.
func (tx *Tx) CareTeamRole(id int64) (*app.CareTeamRole, error) {
	r, err := tx.namedRow(careTeamRoleList, id)
	if err != nil {
		return nil, err
	}
	return &app.CareTeamRole{ID: r.ID, Name: r.Name, Active: r.Active, Version: r.Version}, nil
}

// CreateCareTeamRole inserts r and sets r.ID and r.Version.
func (tx *Tx) CreateCareTeamRole(r *app.CareTeamRole) error {
	id, err := tx.createNamedRow(careTeamRoleList, r.Name, r.Active)
	if err != nil {
		return err
	}
	r.ID, r.Version = id, 1
	return nil
}

// UpdateCareTeamRole writes r's name and whether it is active, when it is still at
// r.Version.
func (tx *Tx) UpdateCareTeamRole(r *app.CareTeamRole) error {
	v, err := tx.updateNamedRow(careTeamRoleList, namedRow{ID: r.ID, Name: r.Name, Active: r.Active, Version: r.Version})
	if err != nil {
		return err
	}
	r.Version = v
	return nil
}
