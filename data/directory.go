package data

import (
	"database/sql"
	"errors"

	"github.com/staffdesk/staffdesk/app"
)

// Providers, offices, roles and care team roles are never deleted, only made
// inactive, because staff accounts keep pointing at them.

func providerNotFound() error {
	return app.Errorf(app.ENOTFOUND, "That provider no longer exists.")
}

// Providers returns every provider, inactive ones included, by last then first name.
func (tx *Tx) Providers() ([]*app.Provider, error) {
	rows, err := tx.query(`
		SELECT id, first_name, last_name, suffix, credentials, npi, active
		FROM providers
		ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id`)
	if err != nil {
		return nil, app.Internal("load the providers", err)
	}
	defer rows.Close()
	var list []*app.Provider
	for rows.Next() {
		var p app.Provider
		if err := rows.Scan(&p.ID, &p.FirstName, &p.LastName, &p.Suffix, &p.Credentials, &p.NPI, &p.Active); err != nil {
			return nil, app.Internal("load the providers", err)
		}
		list = append(list, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal("load the providers", err)
	}
	return list, nil
}

// Provider returns one provider.
func (tx *Tx) Provider(id int64) (*app.Provider, error) {
	var p app.Provider
	if err := tx.queryRow(`
		SELECT id, first_name, last_name, suffix, credentials, npi, active
		FROM providers WHERE id = ?`, id).
		Scan(&p.ID, &p.FirstName, &p.LastName, &p.Suffix, &p.Credentials, &p.NPI, &p.Active); errors.Is(err, sql.ErrNoRows) {
		return nil, providerNotFound()
	} else if err != nil {
		return nil, app.Internal("load the provider", err)
	}
	return &p, nil
}

// CreateProvider inserts p and sets p.ID.
func (tx *Tx) CreateProvider(p *app.Provider) error {
	res, err := tx.exec(`
		INSERT INTO providers (first_name, last_name, suffix, credentials, npi, active)
		VALUES (?, ?, ?, ?, ?, ?)`,
		p.FirstName, p.LastName, p.Suffix, p.Credentials, p.NPI, p.Active)
	if err != nil {
		return tx.providerWriteError(p, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return app.Internal("save the provider", err)
	}
	p.ID = id
	return nil
}

// UpdateProvider writes every field of p.
func (tx *Tx) UpdateProvider(p *app.Provider) error {
	found, err := tx.execOne(`
		UPDATE providers
		SET first_name = ?, last_name = ?, suffix = ?, credentials = ?, npi = ?, active = ?
		WHERE id = ?`,
		p.FirstName, p.LastName, p.Suffix, p.Credentials, p.NPI, p.Active, p.ID)
	if err != nil {
		return tx.providerWriteError(p, err)
	} else if !found {
		return providerNotFound()
	}
	return nil
}

// providerWriteError names the provider that already has p's NPI when the unique
// index refuses it.
func (tx *Tx) providerWriteError(p *app.Provider, err error) error {
	if col, ok := uniqueColumn(err); ok && col == "providers.npi" {
		var owner app.Provider
		if e := tx.queryRow(`
			SELECT first_name, last_name, suffix, credentials FROM providers
			WHERE npi = ? AND id <> ?`, p.NPI, p.ID).
			Scan(&owner.FirstName, &owner.LastName, &owner.Suffix, &owner.Credentials); e != nil {
			return withCause(app.ConflictError(app.FieldNPI, "The NPI %s is already used by another provider.", p.NPI), err)
		}
		return withCause(app.ConflictError(app.FieldNPI, "The NPI %s is already used by %s.", p.NPI, owner.DisplayName()), err)
	}
	return app.Internal("save the provider", err)
}

func officeNotFound() error {
	return app.Errorf(app.ENOTFOUND, "That office no longer exists.")
}

// Offices returns every office, inactive ones included, by name.
func (tx *Tx) Offices() ([]*app.Office, error) {
	rows, err := tx.query(`SELECT id, name, address, phone, active FROM offices ORDER BY name, id`)
	if err != nil {
		return nil, app.Internal("load the offices", err)
	}
	defer rows.Close()
	var list []*app.Office
	for rows.Next() {
		var o app.Office
		if err := rows.Scan(&o.ID, &o.Name, &o.Address, &o.Phone, &o.Active); err != nil {
			return nil, app.Internal("load the offices", err)
		}
		list = append(list, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal("load the offices", err)
	}
	return list, nil
}

// Office returns one office.
func (tx *Tx) Office(id int64) (*app.Office, error) {
	var o app.Office
	if err := tx.queryRow(`SELECT id, name, address, phone, active FROM offices WHERE id = ?`, id).
		Scan(&o.ID, &o.Name, &o.Address, &o.Phone, &o.Active); errors.Is(err, sql.ErrNoRows) {
		return nil, officeNotFound()
	} else if err != nil {
		return nil, app.Internal("load the office", err)
	}
	return &o, nil
}

// CreateOffice inserts o and sets o.ID.
func (tx *Tx) CreateOffice(o *app.Office) error {
	res, err := tx.exec(`INSERT INTO offices (name, address, phone, active) VALUES (?, ?, ?, ?)`,
		o.Name, o.Address, o.Phone, o.Active)
	if err != nil {
		return officeWriteError(o, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return app.Internal("save the office", err)
	}
	o.ID = id
	return nil
}

// UpdateOffice writes every field of o.
func (tx *Tx) UpdateOffice(o *app.Office) error {
	found, err := tx.execOne(`UPDATE offices SET name = ?, address = ?, phone = ?, active = ? WHERE id = ?`,
		o.Name, o.Address, o.Phone, o.Active, o.ID)
	if err != nil {
		return officeWriteError(o, err)
	} else if !found {
		return officeNotFound()
	}
	return nil
}

func officeWriteError(o *app.Office, err error) error {
	if col, ok := uniqueColumn(err); ok && col == "offices.name" {
		return withCause(app.ConflictError(app.FieldName, "An office named %s already exists.", o.Name), err)
	}
	return app.Internal("save the office", err)
}

// A nameList is a table that is only a list of names a manager keeps: roles and care
// team roles. Both are read and written the same way; only the words differ.
type nameList struct {
	table string // SQL table
	noun  string // what the person calls one: "care team role"
}

var (
	roleList         = nameList{table: "roles", noun: "role"}
	careTeamRoleList = nameList{table: "care_team_roles", noun: "care team role"}
)

// namedRow is one row of a nameList.
type namedRow struct {
	ID     int64
	Name   string
	Active bool
}

func (l nameList) notFound() error {
	return app.Errorf(app.ENOTFOUND, "That %s no longer exists.", l.noun)
}

func (l nameList) writeError(name string, err error) error {
	if col, ok := uniqueColumn(err); ok && col == l.table+".name" {
		return withCause(app.ConflictError(app.FieldName, "A %s named %s already exists.", l.noun, name), err)
	}
	return app.Internal("save the "+l.noun, err)
}

func (tx *Tx) namedRows(l nameList) ([]namedRow, error) {
	rows, err := tx.query(`SELECT id, name, active FROM ` + l.table + ` ORDER BY name, id`)
	if err != nil {
		return nil, app.Internal("load the "+l.noun+"s", err)
	}
	defer rows.Close()
	var list []namedRow
	for rows.Next() {
		var r namedRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Active); err != nil {
			return nil, app.Internal("load the "+l.noun+"s", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal("load the "+l.noun+"s", err)
	}
	return list, nil
}

func (tx *Tx) namedRow(l nameList, id int64) (namedRow, error) {
	var r namedRow
	if err := tx.queryRow(`SELECT id, name, active FROM `+l.table+` WHERE id = ?`, id).
		Scan(&r.ID, &r.Name, &r.Active); errors.Is(err, sql.ErrNoRows) {
		return r, l.notFound()
	} else if err != nil {
		return r, app.Internal("load the "+l.noun, err)
	}
	return r, nil
}

func (tx *Tx) createNamedRow(l nameList, name string, active bool) (int64, error) {
	res, err := tx.exec(`INSERT INTO `+l.table+` (name, active) VALUES (?, ?)`, name, active)
	if err != nil {
		return 0, l.writeError(name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, app.Internal("save the "+l.noun, err)
	}
	return id, nil
}

func (tx *Tx) updateNamedRow(l nameList, r namedRow) error {
	found, err := tx.execOne(`UPDATE `+l.table+` SET name = ?, active = ? WHERE id = ?`, r.Name, r.Active, r.ID)
	if err != nil {
		return l.writeError(r.Name, err)
	} else if !found {
		return l.notFound()
	}
	return nil
}

// Roles returns every role, inactive ones included, by name.
func (tx *Tx) Roles() ([]*app.Role, error) {
	rows, err := tx.namedRows(roleList)
	if err != nil {
		return nil, err
	}
	list := make([]*app.Role, len(rows))
	for i, r := range rows {
		list[i] = &app.Role{ID: r.ID, Name: r.Name, Active: r.Active}
	}
	return list, nil
}

// Role returns one role.
func (tx *Tx) Role(id int64) (*app.Role, error) {
	r, err := tx.namedRow(roleList, id)
	if err != nil {
		return nil, err
	}
	return &app.Role{ID: r.ID, Name: r.Name, Active: r.Active}, nil
}

// CreateRole inserts r and sets r.ID.
func (tx *Tx) CreateRole(r *app.Role) error {
	id, err := tx.createNamedRow(roleList, r.Name, r.Active)
	if err != nil {
		return err
	}
	r.ID = id
	return nil
}

// UpdateRole writes r's name and whether it is active.
func (tx *Tx) UpdateRole(r *app.Role) error {
	return tx.updateNamedRow(roleList, namedRow{ID: r.ID, Name: r.Name, Active: r.Active})
}

// CareTeamRoles returns every care team role, inactive ones included, by name.
func (tx *Tx) CareTeamRoles() ([]*app.CareTeamRole, error) {
	rows, err := tx.namedRows(careTeamRoleList)
	if err != nil {
		return nil, err
	}
	list := make([]*app.CareTeamRole, len(rows))
	for i, r := range rows {
		list[i] = &app.CareTeamRole{ID: r.ID, Name: r.Name, Active: r.Active}
	}
	return list, nil
}

// CareTeamRole returns one care team role.
func (tx *Tx) CareTeamRole(id int64) (*app.CareTeamRole, error) {
	r, err := tx.namedRow(careTeamRoleList, id)
	if err != nil {
		return nil, err
	}
	return &app.CareTeamRole{ID: r.ID, Name: r.Name, Active: r.Active}, nil
}

// CreateCareTeamRole inserts r and sets r.ID.
func (tx *Tx) CreateCareTeamRole(r *app.CareTeamRole) error {
	id, err := tx.createNamedRow(careTeamRoleList, r.Name, r.Active)
	if err != nil {
		return err
	}
	r.ID = id
	return nil
}

// UpdateCareTeamRole writes r's name and whether it is active.
func (tx *Tx) UpdateCareTeamRole(r *app.CareTeamRole) error {
	return tx.updateNamedRow(careTeamRoleList, namedRow{ID: r.ID, Name: r.Name, Active: r.Active})
}
