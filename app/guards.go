package app

import (
	"fmt"
	"slices"
)

// The rules of who may do what to whom, checked inside the call's transaction against
// the records as they are now. The entry point (gate.go) has already checked the
// permission the action needs.

// manageable reads account id for an action of the caller's on it, refusing it when it
// is outside the caller's offices (EFORBIDDEN: they cannot open it from any list).
func (c *call) manageable(id int64) (*Staff, error) {
	st, err := c.visible(id)
	if err != nil {
		return nil, err
	}
	if err := c.checkAbove(st); err != nil {
		return nil, err
	}
	return st, nil
}

// outsideOffices is the refusal of an account the caller may not see.
func outsideOffices() *Error {
	return Forbidden("That staff member works in offices you are not given; ask a manager of those offices.")
}

// emailChangeable reads account id for a change of its email address: anyone with
// Manage Accounts for the other accounts they may see, and a person for their own
// only when Enable Email Update is on for them (the View sheet says so), managers too.
func (c *call) emailChangeable(id int64) (*Staff, error) {
	if id == c.me.Staff.ID && c.me.Staff.EnableEmailUpdate {
		return c.Staff(id)
	}
	if id == c.me.Staff.ID {
		return nil, Forbidden("Email update is turned off for your account; ask your manager to change your email address.")
	}
	if !c.me.Can(PermManageAccounts) {
		return nil, forbiddenWithout(PermManageAccounts)
	}
	return c.manageable(id)
}

// checkRoleGrant refuses giving role roleID to someone when it carries a permission
// the caller does not hold: nobody grants what they do not have.
func (c *call) checkRoleGrant(roleID int64) error {
	r, err := c.Role(roleID)
	if ErrorCode(err) == ENOTFOUND {
		return nil // checkReferences words it
	} else if err != nil {
		return err
	}
	return c.grantable(r)
}

// grantable refuses role r when it carries a permission the caller does not hold.
func (c *call) grantable(r *Role) error {
	if !c.me.Permissions.Covers(r.Permissions) {
		var missing PermissionSet
		for _, p := range r.Permissions {
			if !c.me.Can(p) {
				missing = append(missing, p)
			}
		}
		return FieldError(FieldRole, "The role %s carries %s, which you do not hold, so you cannot give it.", r.Name, missing.Labels())
	}
	return nil
}

// checkOfficeGrant refuses what a person restricted to offices may not give: an office
// they do not have, or no restriction at all (every office). had are the offices the
// account already has, which they may keep.
func (c *call) checkOfficeGrant(st *Staff, had []int64) error {
	if !c.me.Staff.RestrictOffices {
		return nil
	}
	if !st.RestrictOffices {
		return FieldError(FieldOffices, "You work in some offices only, so the people you manage must be restricted to offices too.")
	}
	mine := 0
	for _, id := range st.OfficeIDs {
		if c.me.HasOffice(id) {
			mine++
		} else if !slices.Contains(had, id) {
			return FieldError(FieldOffices, "You can only give offices you work in yourself.")
		}
	}
	if mine == 0 {
		return FieldError(FieldOffices, "Choose at least one of your own offices, or the account would be out of your sight.")
	}
	return nil
}

// holdersOf returns the active accounts whose role carries perm.
func (c *call) holdersOf(perm Permission) ([]*Staff, error) {
	roles, err := c.Roles()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, r := range roles {
		if r.Permissions.Has(perm) {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return c.FindStaff(StaffFilter{RoleIDs: ids, Statuses: []StaffStatus{StatusActive}})
}

// checkNotLastAdministrator refuses taking Manage Permissions away from st (by
// deactivating, deleting or giving another role) when nobody else active would hold
// it: the practice would be left with nobody who can give permissions.
func (c *call) checkNotLastAdministrator(st *Staff, what string) error {
	holders, err := c.holdersOf(PermManagePermissions)
	if err != nil {
		return err
	}
	if len(holders) == 1 && holders[0].ID == st.ID {
		return Forbidden(fmt.Sprintf("%s is the only active person who holds Manage Permissions, so you cannot %s. Give someone else a role with it first.", st.FullName(), what))
	}
	return nil
}

// checkStaffLimit refuses one more pending or active account over the practice's
// limit. It runs in the write transaction that adds the account, so two desks
// adding at the boundary cannot both pass.
func (c *call) checkStaffLimit() error {
	u, err := c.usage()
	if err != nil {
		return err
	}
	if u.Limit > 0 && u.Used >= u.Limit {
		return &Error{Code: EFORBIDDEN, Err: ErrStaffLimit, Message: u.FullMessage()}
	}
	return nil
}

// ErrStaffLimit is in the chain of a refusal because the staff account limit is reached.
var ErrStaffLimit = fmt.Errorf("staff account limit reached")

// StaffUsage is how many of the practice's staff accounts are used.
type StaffUsage struct {
	Used  int // pending or active accounts
	Limit int // 0: unlimited
}

// Near reports whether the grid should say how many are used: at most one left.
func (u StaffUsage) Near() bool { return u.Limit > 0 && u.Used >= u.Limit-1 }

// Full reports whether no account can be added.
func (u StaffUsage) Full() bool { return u.Limit > 0 && u.Used >= u.Limit }

// FullMessage says why no account can be added when the limit is reached, naming the
// limit and the count.
func (u StaffUsage) FullMessage() string {
	return fmt.Sprintf("Your practice's plan allows %d staff accounts, and %d are pending or active. "+
		"Deactivate an account that is no longer needed, or raise the limit in Practice Settings.", u.Limit, u.Used)
}

// Label is "3 of 3 staff accounts used".
func (u StaffUsage) Label() string {
	if u.Limit == 0 {
		return fmt.Sprintf("%d staff account%s used", u.Used, plural(u.Used))
	}
	return fmt.Sprintf("%d of %d staff accounts used", u.Used, u.Limit)
}

func (c *call) usage() (StaffUsage, error) {
	var u StaffUsage
	p, err := c.Practice()
	if ErrorCode(err) == ENOTFOUND {
		p = &Practice{}
	} else if err != nil {
		return u, err
	}
	counts, err := c.CountStaffByStatus()
	if err != nil {
		return u, err
	}
	return StaffUsage{Used: counts[StatusPending] + counts[StatusActive], Limit: p.StaffLimit}, nil
}

// reread reads account id again after a change, as view prepares it for the caller.
func (c *call) reread(id int64) (*Staff, error) {
	st, err := c.Staff(id)
	if err != nil {
		return nil, err
	}
	return c.view(st)
}

// view prepares an account read for the caller: its role's permissions filled in,
// and its PINs blanked unless it is the caller's own or they may see others' PINs.
func (c *call) view(st *Staff) (*Staff, error) {
	if st == nil {
		return nil, nil
	}
	if r, err := c.Role(st.RoleID); err == nil {
		st.Permissions = r.Permissions
	} else if ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	if c.me != nil && st.ID != c.me.Staff.ID && !c.me.Can(PermSeePINs) {
		st.UnlockPIN, st.SupportPIN, st.PINsHidden = "", "", true
	}
	return st, nil
}

// visible reads account id for the caller to look at: refused when it is outside their
// offices.
func (c *call) visible(id int64) (*Staff, error) {
	st, err := c.Staff(id)
	if err != nil {
		return nil, err
	}
	if !c.me.MaySee(st) {
		return nil, outsideOffices()
	}
	return st, nil
}

// checkAbove refuses acting on an account whose role carries a permission the caller
// does not hold: nobody takes away, or resets the password of, what they could not give.
func (c *call) checkAbove(st *Staff) error {
	if st.ID == c.me.Staff.ID {
		return nil
	}
	r, err := c.Role(st.RoleID)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if !c.me.Permissions.Covers(r.Permissions) {
		return Forbidden(fmt.Sprintf("%s's role, %s, carries permissions you do not hold, so only someone who holds them can change the account.", st.FullName(), r.Name))
	}
	return nil
}

// checkAccessChange checks what an edit of cur into st changes about the person's
// access: their role (not one's own; one the caller could give; not the practice's
// last Manage Permissions) and their offices (only ones the caller has), and keeps the
// PINs when the caller may not see them. It returns why the person's sessions end, or
// "" when they go on.
func (c *call) checkAccessChange(st, cur *Staff) (SessionEnd, error) {
	if st.PINsHidden || (st.ID != c.me.Staff.ID && !c.me.Can(PermSeePINs)) {
		st.UnlockPIN, st.SupportPIN = cur.UnlockPIN, cur.SupportPIN
	}
	// Offices left as they were give nothing, whatever the caller's own.
	if !sameOffices(st, cur) {
		if err := c.checkOfficeGrant(st, cur.OfficeIDs); err != nil {
			return "", err
		}
	}
	if st.RoleID == cur.RoleID {
		return "", nil
	}
	if st.ID == c.me.Staff.ID {
		return "", FieldError(FieldRole, "You cannot change your own role; ask another manager.")
	}
	next, err := c.Role(st.RoleID)
	if ErrorCode(err) == ENOTFOUND {
		next = nil // checkReferences words it
	} else if err != nil {
		return "", err
	} else if err := c.grantable(next); err != nil {
		return "", err
	}
	if next == nil || !next.Permissions.Has(PermManagePermissions) {
		if err := c.checkNotLastAdministrator(cur, "give them another role"); err != nil {
			return "", err
		}
	}
	return EndRoleChanged, nil
}

// sameOffices reports whether st is restricted to the same offices as cur, in any order.
func sameOffices(st, cur *Staff) bool {
	if st.RestrictOffices != cur.RestrictOffices || len(st.OfficeIDs) != len(cur.OfficeIDs) {
		return false
	}
	for _, id := range st.OfficeIDs {
		if !slices.Contains(cur.OfficeIDs, id) {
			return false
		}
	}
	return true
}
