package app

import (
	"context"
	"fmt"
)

// DirectoryService keeps the practice's providers, offices, roles and care team roles.
type DirectoryService struct {
	gate *gate
}

// Directory is everything the staff windows choose from, read in one transaction.
type Directory struct {
	Providers     []*Provider
	Offices       []*Office
	Roles         []*Role
	CareTeamRoles []*CareTeamRole
}

// Load reads the whole directory, inactive records included.
func (d *DirectoryService) Load(ctx context.Context) (*Directory, error) {
	var dir Directory
	err := d.gate.read(ctx, anyone, func(tx *call) (err error) {
		if dir.Providers, err = tx.Providers(); err != nil {
			return err
		}
		if dir.Offices, err = tx.Offices(); err != nil {
			return err
		}
		if dir.Roles, err = tx.Roles(); err != nil {
			return err
		}
		dir.CareTeamRoles, err = tx.CareTeamRoles()
		return err
	})
	if err != nil {
		return nil, wrapInternal("load providers, offices and roles", err)
	}
	return &dir, nil
}

// normalizeProvider trims and checks p's fields in place, recording problems under
// prefix + the field's name (Set up your practice puts its provider's under
// "provider_", its form's own names being the administrator's).
func normalizeProvider(p *Provider, probs *Problems, prefix string) {
	add := func(field string, err error) {
		if err != nil {
			probs.Add(prefix+field, ErrorMessage(err))
		}
	}
	var err error
	p.FirstName, err = CheckName(FieldFirstName, "first name", p.FirstName)
	add(FieldFirstName, err)
	p.LastName, err = CheckName(FieldLastName, "last name", p.LastName)
	add(FieldLastName, err)
	p.Suffix, err = CheckText(FieldSuffix, "suffix", p.Suffix, 20, false)
	add(FieldSuffix, err)
	p.Credentials, err = CheckText(FieldCredentials, "credentials", p.Credentials, 50, false)
	add(FieldCredentials, err)
	p.NPI, err = CheckNPI(FieldNPI, p.NPI)
	add(FieldNPI, err)
}

// SaveProvider creates p (ID 0) or updates it, after checking its fields.
func (d *DirectoryService) SaveProvider(ctx context.Context, in *Provider) (*Provider, error) {
	p := *in
	var probs Problems
	normalizeProvider(&p, &probs, "")
	if err := probs.Err(); err != nil {
		return nil, err
	}
	err := d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		if p.ID == 0 {
			p.Active = true
			return npiTaken(tx, &p, tx.CreateProvider(&p))
		}
		cur, err := tx.Provider(p.ID)
		if err != nil {
			return err
		}
		if cur.Version != p.Version {
			return directoryChanged(cur.DisplayName())
		}
		if cur.Active && !p.Active {
			if err := checkProviderUnused(tx, cur); err != nil {
				return err
			}
		}
		return npiTaken(tx, &p, tx.UpdateProvider(&p))
	})
	if err != nil {
		return nil, wrapInternal("save the provider", err)
	}
	return &p, nil
}

// SetProviderActive activates or deactivates a provider. A provider who is still the
// primary provider of active or pending staff cannot be deactivated. version is the
// provider's Version as the window showed it: a provider changed since is refused
// (ECONFLICT, IsChanged), like every update made from a stale copy.
func (d *DirectoryService) SetProviderActive(ctx context.Context, id, version int64, active bool) error {
	err := d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		p, err := tx.Provider(id)
		if err != nil {
			return err
		}
		if p.Version != version {
			return directoryMovedOn(p.DisplayName())
		}
		if !active {
			if err := checkProviderUnused(tx, p); err != nil {
				return err
			}
		}
		p.Active = active
		if err := tx.UpdateProvider(p); IsChanged(err) {
			return directoryMovedOn(p.DisplayName())
		} else if err != nil {
			return err
		}
		return nil
	})
	return wrapInternal("change the provider", err)
}

// directoryChanged is the refusal of an edit made from a copy of the record older than
// the stored one; what names the record as stored: "The office Riverside".
func directoryChanged(what string) error {
	return &Error{Code: ECONFLICT, Err: ErrChanged,
		Message: what + " was changed since you opened it: reload or keep your changes"}
}

// directoryMovedOn is the refusal of an activation or deactivation asked for from a
// copy of the record older than the stored one: there are no edits to keep, only a list
// to look at again. what names the record as stored.
func directoryMovedOn(what string) error {
	return &Error{Code: ECONFLICT, Err: ErrChanged,
		Message: what + " was changed since you opened it; look at it again, then try again."}
}

// npiTaken names the provider who already has p's NPI when the store refused it.
func npiTaken(tx Tx, p *Provider, err error) error {
	if f, ok := takenField(err); !ok || f != FieldNPI {
		return err
	}
	owner := "another provider"
	if list, e := tx.Providers(); e == nil {
		for _, o := range list {
			if o.NPI == p.NPI && o.ID != p.ID {
				owner = o.DisplayName()
			}
		}
	}
	e := ConflictError(FieldNPI, "The NPI %s is already used by %s.", p.NPI, owner)
	_, e.Err, _ = refusalOf(err)
	return e
}

// nameTaken says that a record named name already exists when the store refused the
// name: "An office named Riverside already exists."
func nameTaken(aRecord, name string, err error) error {
	if f, ok := takenField(err); !ok || f != FieldName {
		return err
	}
	e := ConflictError(FieldName, "%s named %s already exists.", aRecord, name)
	_, e.Err, _ = refusalOf(err)
	return e
}

func checkProviderUnused(tx Tx, p *Provider) error {
	n, err := tx.CountStaffOfProvider(p.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(ECONFLICT, "%s is the primary provider of %d staff member%s. Assign them another provider first.", p.DisplayName(), n, plural(n))
	}
	return nil
}

// SaveOffice creates o (ID 0) or updates it.
func (d *DirectoryService) SaveOffice(ctx context.Context, in *Office) (*Office, error) {
	o := *in
	var probs Problems
	var err error
	o.Name, err = CheckText(FieldName, "office name", o.Name, 100, true)
	probs.AddErr(FieldName, err)
	o.Address, err = CheckAddress(FieldAddress, o.Address)
	probs.AddErr(FieldAddress, err)
	o.Phone, err = CheckPhone(FieldPhone, o.Phone)
	probs.AddErr(FieldPhone, err)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	err = d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		if o.ID == 0 {
			o.Active = true
			return nameTaken("An office", o.Name, tx.CreateOffice(&o))
		}
		cur, err := tx.Office(o.ID)
		if err != nil {
			return err
		} else if cur.Version != o.Version {
			return directoryChanged("The office " + cur.Name)
		}
		return nameTaken("An office", o.Name, tx.UpdateOffice(&o))
	})
	if err != nil {
		return nil, wrapInternal("save the office", err)
	}
	return &o, nil
}

// SetOfficeActive activates or deactivates an office. Staff restricted to it keep the
// restriction; an inactive office is no longer offered for new restrictions. version
// is as for SetProviderActive.
func (d *DirectoryService) SetOfficeActive(ctx context.Context, id, version int64, active bool) error {
	err := d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		o, err := tx.Office(id)
		if err != nil {
			return err
		}
		if o.Version != version {
			return directoryMovedOn("The office " + o.Name)
		}
		o.Active = active
		if err := tx.UpdateOffice(o); IsChanged(err) {
			return directoryMovedOn("The office " + o.Name)
		} else if err != nil {
			return err
		}
		return nil
	})
	return wrapInternal("change the office", err)
}

// SaveRole creates r (ID 0) or updates it.
func (d *DirectoryService) SaveRole(ctx context.Context, in *Role) (*Role, error) {
	r := *in
	var err error
	if r.Name, err = CheckText(FieldName, "role name", r.Name, 60, true); err != nil {
		return nil, err
	}
	err = d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		if r.ID == 0 {
			r.Active, r.Permissions = true, nil // permissions are given in the Permissions window
			return nameTaken("A role", r.Name, tx.CreateRole(&r))
		}
		cur, err := tx.Role(r.ID)
		if err != nil {
			return err
		} else if cur.Version != r.Version {
			return directoryChanged("The role " + cur.Name)
		}
		r.Permissions = cur.Permissions // they change in the Permissions window only
		return nameTaken("A role", r.Name, tx.UpdateRole(&r))
	})
	if err != nil {
		return nil, wrapInternal("save the role", err)
	}
	return &r, nil
}

// SetRoleActive activates or deactivates a role. Staff who have it keep it; an inactive
// role is no longer offered for new accounts. version is as for SetProviderActive.
func (d *DirectoryService) SetRoleActive(ctx context.Context, id, version int64, active bool) error {
	err := d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		r, err := tx.Role(id)
		if err != nil {
			return err
		}
		if r.Version != version {
			return directoryMovedOn("The role " + r.Name)
		}
		r.Active = active
		if err := tx.UpdateRole(r); IsChanged(err) {
			return directoryMovedOn("The role " + r.Name)
		} else if err != nil {
			return err
		}
		return nil
	})
	return wrapInternal("change the role", err)
}

// SaveCareTeamRole creates r (ID 0) or updates it.
func (d *DirectoryService) SaveCareTeamRole(ctx context.Context, in *CareTeamRole) (*CareTeamRole, error) {
	r := *in
	var err error
	if r.Name, err = CheckText(FieldName, "care team role", r.Name, 100, true); err != nil {
		return nil, err
	}
	err = d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		if r.ID == 0 {
			r.Active = true
			return nameTaken("A care team role", r.Name, tx.CreateCareTeamRole(&r))
		}
		cur, err := tx.CareTeamRole(r.ID)
		if err != nil {
			return err
		} else if cur.Version != r.Version {
			return directoryChanged("The care team role " + cur.Name)
		}
		return nameTaken("A care team role", r.Name, tx.UpdateCareTeamRole(&r))
	})
	if err != nil {
		return nil, wrapInternal(fmt.Sprintf("save the care team role %q", r.Name), err)
	}
	return &r, nil
}

// SetCareTeamRoleActive activates or deactivates a care team role. version is as for
// SetProviderActive.
func (d *DirectoryService) SetCareTeamRoleActive(ctx context.Context, id, version int64, active bool) error {
	err := d.gate.write(ctx, PermManagePractice, func(tx *call) error {
		r, err := tx.CareTeamRole(id)
		if err != nil {
			return err
		}
		if r.Version != version {
			return directoryMovedOn("The care team role " + r.Name)
		}
		r.Active = active
		if err := tx.UpdateCareTeamRole(r); IsChanged(err) {
			return directoryMovedOn("The care team role " + r.Name)
		} else if err != nil {
			return err
		}
		return nil
	})
	return wrapInternal("change the care team role", err)
}
