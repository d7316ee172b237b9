package app

import (
	"context"
	"fmt"
)

// PermissionService is Permissions Administration: which permissions each role
// carries, and who holds each role.
type PermissionService struct {
	gate *gate
}

// RoleAccess is one row of the Permissions window: a role, its permissions, who
// holds it, and which of its boxes the caller may change.
type RoleAccess struct {
	Role    *Role
	Holders []*Staff // every account with the role, inactive ones included
	// Changeable says, per permission, whether the caller may tick or untick it: they
	// hold it themselves, and the role is not their own.
	Changeable map[Permission]bool
}

// PermissionMatrix is the Permissions window: roles × permissions.
type PermissionMatrix struct {
	Roles []*RoleAccess
	// MyRoleID is the caller's role, whose permissions they cannot change.
	MyRoleID int64
}

// Matrix returns every role with its permissions and holders.
func (s *PermissionService) Matrix(ctx context.Context) (*PermissionMatrix, error) {
	var out PermissionMatrix
	err := s.gate.read(ctx, PermManagePermissions, func(tx *call) error {
		roles, err := tx.Roles()
		if err != nil {
			return err
		}
		staff, err := tx.FindStaff(StaffFilter{})
		if err != nil {
			return err
		}
		byRole := map[int64][]*Staff{}
		for _, st := range staff {
			byRole[st.RoleID] = append(byRole[st.RoleID], st)
		}
		out.MyRoleID = tx.me.Staff.RoleID
		for _, r := range roles {
			ra := &RoleAccess{Role: r, Holders: byRole[r.ID], Changeable: map[Permission]bool{}}
			for _, p := range AllPermissions {
				ra.Changeable[p] = r.ID != out.MyRoleID && tx.me.Can(p)
			}
			out.Roles = append(out.Roles, ra)
		}
		return nil
	})
	if err != nil {
		return nil, wrapInternal("load the permissions", err)
	}
	return &out, nil
}

// SetRolePermission gives (on) or takes away perm from a role at version. Nobody
// grants a permission they do not hold, changes their own role's, or leaves the practice
// without an active holder of Manage Permissions. The holders' sessions end: they sign
// in again with the role's new permissions.
func (s *PermissionService) SetRolePermission(ctx context.Context, roleID, version int64, perm Permission, on bool) (*Role, error) {
	if !perm.Known() {
		return nil, Errorf(EINVALID, "There is no permission %q.", string(perm))
	}
	var out *Role
	err := s.gate.write(ctx, PermManagePermissions, func(tx *call) error {
		r, err := tx.Role(roleID)
		if err != nil {
			return err
		}
		if r.Version != version {
			return directoryMovedOn("The role " + r.Name)
		}
		if r.ID == tx.me.Staff.RoleID {
			return Forbidden(fmt.Sprintf("%s is your own role: another holder of Manage Permissions must change it.", r.Name))
		}
		if !tx.me.Can(perm) {
			return Forbidden(fmt.Sprintf("You do not hold %s, so you cannot give it or take it away.", perm.Label()))
		}
		if r.Permissions.Has(perm) == on {
			out = r
			return nil
		}
		if on {
			r.Permissions = NewPermissionSet(append(r.Permissions, perm)...)
		} else {
			var kept []Permission
			for _, p := range r.Permissions {
				if p != perm {
					kept = append(kept, p)
				}
			}
			r.Permissions = NewPermissionSet(kept...)
		}
		if !on && perm == PermManagePermissions {
			holders, err := tx.holdersOf(PermManagePermissions)
			if err != nil {
				return err
			}
			others := 0
			for _, h := range holders {
				if h.RoleID != r.ID {
					others++
				}
			}
			if others == 0 {
				return Forbidden(fmt.Sprintf("Only holders of %s hold Manage Permissions: taking it away would leave nobody who can give permissions.", r.Name))
			}
		}
		if err := tx.UpdateRole(r); IsChanged(err) {
			return directoryMovedOn("The role " + r.Name)
		} else if err != nil {
			return err
		}
		holders, err := tx.FindStaff(StaffFilter{RoleIDs: []int64{r.ID}})
		if err != nil {
			return err
		}
		now := s.gate.now().UTC()
		for _, h := range holders {
			if _, err := tx.EndSessions(h.ID, 0, EndPermissionsChanged, now); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, wrapInternal("change the role's permissions", err)
	}
	return out, nil
}
