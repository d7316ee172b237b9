package app

import (
	"slices"
	"strings"
)

// Permission is something a person may do at the practice. Permissions are carried by
// roles (Nurse, Front Desk, Office Manager, …), a role being a preset of permissions as
// in the Permissions Administration the seeds name: a person holds the permissions of
// their role and no others. Everyone signed in may see the staff they share offices with
// (office scoping) and their own account (My Account) without any permission.
type Permission string

const (
	// PermManageAccounts: create, edit, deactivate, reactivate, delete staff accounts,
	// reset their passwords, change their emails, unlock them.
	PermManageAccounts Permission = "manage_accounts"
	// PermSeePINs: see the App Unlock and Support PINs of others (everyone sees their
	// own).
	PermSeePINs Permission = "see_pins"
	// PermManagePermissions: change which permissions each role carries.
	PermManagePermissions Permission = "manage_permissions"
	// PermManagePractice: providers, offices, roles, care team roles, email settings,
	// the practice and its staff account limit, the outbox.
	PermManagePractice Permission = "manage_practice"
)

// AllPermissions lists every permission in the order the Permissions window shows them.
var AllPermissions = []Permission{PermManageAccounts, PermSeePINs, PermManagePermissions, PermManagePractice}

// Label is the permission's name as the windows show it.
func (p Permission) Label() string {
	switch p {
	case PermManageAccounts:
		return "Manage Accounts"
	case PermSeePINs:
		return "See staff PINs"
	case PermManagePermissions:
		return "Manage Permissions"
	case PermManagePractice:
		return "Manage Practice"
	}
	return string(p)
}

// Description says what the permission allows, for the Permissions window's tips.
func (p Permission) Description() string {
	switch p {
	case PermManageAccounts:
		return "Create, edit, deactivate, reactivate and delete staff accounts; reset their passwords, change their emails, unlock them."
	case PermSeePINs:
		return "See the App Unlock PIN and Support PIN of other staff members. Everyone sees their own."
	case PermManagePermissions:
		return "Choose which permissions each role carries."
	case PermManagePractice:
		return "Providers, offices, roles, care team roles, email settings, the outbox, the practice's name and staff account limit."
	}
	return ""
}

// Known reports whether p is one of AllPermissions.
func (p Permission) Known() bool { return slices.Contains(AllPermissions, p) }

// PermissionSet is a set of permissions, kept sorted in AllPermissions order.
type PermissionSet []Permission

// Has reports whether the set holds p.
func (s PermissionSet) Has(p Permission) bool { return slices.Contains(s, p) }

// Covers reports whether the set holds every permission of other.
func (s PermissionSet) Covers(other PermissionSet) bool {
	for _, p := range other {
		if !s.Has(p) {
			return false
		}
	}
	return true
}

// Labels is the set's names joined for display ("Manage Accounts, See staff PINs"), or
// "None".
func (s PermissionSet) Labels() string {
	if len(s) == 0 {
		return "None"
	}
	names := make([]string, len(s))
	for i, p := range s {
		names[i] = p.Label()
	}
	return strings.Join(names, ", ")
}

// NewPermissionSet returns the known permissions among ps, once each, in AllPermissions
// order.
func NewPermissionSet(ps ...Permission) PermissionSet {
	var out PermissionSet
	for _, p := range AllPermissions {
		if slices.Contains(ps, p) {
			out = append(out, p)
		}
	}
	return out
}

// AdministratorRole is the role migration 0007 adds and Set up your practice gives the
// practice administrator: it carries every permission.
const AdministratorRole = "Practice Administrator"

// Principal is the signed-in person a service call is made for, as the one entry point
// into the services found them in this call's transaction.
type Principal struct {
	Session     *Session
	Staff       *Staff // their account, with offices, as it is now
	Permissions PermissionSet
}

// Can reports whether the person holds p.
func (p *Principal) Can(perm Permission) bool { return p != nil && p.Permissions.Has(perm) }

// MaySee reports whether the person may see (and, with the permission, manage) st:
// everyone when they are not restricted to offices; otherwise only accounts restricted
// to at least one of their offices (an unrestricted account is visible only to
// unrestricted people). Everyone sees themselves.
func (p *Principal) MaySee(st *Staff) bool {
	if p == nil || st == nil {
		return false
	}
	if st.ID == p.Staff.ID || !p.Staff.RestrictOffices {
		return true
	}
	if !st.RestrictOffices {
		return false
	}
	for _, id := range st.OfficeIDs {
		if slices.Contains(p.Staff.OfficeIDs, id) {
			return true
		}
	}
	return false
}

// HasOffice reports whether the person may give others office id: anyone unrestricted,
// or a restricted person who has it.
func (p *Principal) HasOffice(id int64) bool {
	return !p.Staff.RestrictOffices || slices.Contains(p.Staff.OfficeIDs, id)
}
