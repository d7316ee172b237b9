package ui

import (
	"context"

	"github.com/staffdesk/staffdesk/app"
)

// The Roles and Care Team Roles windows. Both are a list of names that can be switched
// off, so they share everything but their words and service calls.

func (d *Desk) openRoles() { d.openDirectory(roleKind) }

func (d *Desk) openCareTeamRoles() { d.openDirectory(careTeamRoleKind) }

var roleKind = &directoryKind{
	key:            "roles",
	title:          "Roles",
	noun:           "role",
	plural:         "roles",
	empty:          "No roles yet. Add the jobs staff do here, such as Nurse or Front Desk — every staff member needs a role.",
	deactivateNote: "It will no longer be offered for new staff accounts. Staff who have it keep it. You can reactivate it later.",
	items: func(dir *app.Directory) []directoryItem {
		items := make([]directoryItem, 0, len(dir.Roles))
		for _, r := range dir.Roles {
			items = append(items, directoryItem{id: r.ID, title: r.Name, active: r.Active, version: r.Version})
		}
		return items
	},
	setActive: func(ctx context.Context, svc *app.DirectoryService, id, version int64, active bool) error {
		return svc.SetRoleActive(ctx, id, version, active)
	},
	form: func(w *directoryWindow, id int64) *recordForm {
		r := &app.Role{Active: true}
		if id != 0 {
			if r = findRecord(w.dir.Roles, func(r *app.Role) int64 { return r.ID }, id); r == nil {
				return nil
			}
		}
		return nameForm(w, "role", "Nurse", id, r.Version, r.Name, func(ctx context.Context, svc *app.DirectoryService, name string, version int64) (int64, error) {
			saved, err := svc.SaveRole(ctx, &app.Role{ID: r.ID, Name: name, Active: r.Active, Version: version})
			if err != nil {
				return 0, err
			}
			return saved.ID, nil
		})
	},
}

var careTeamRoleKind = &directoryKind{
	key:    "careteamroles",
	title:  "Care Team Roles",
	noun:   "care team role",
	plural: "care team roles",
	empty: "No care team roles yet. Add the occupations shown in a patient's care team, " +
		"such as General nurse (occupation).",
	deactivateNote: "It will no longer be offered for staff accounts. Staff who have it keep it. You can reactivate it later.",
	items: func(dir *app.Directory) []directoryItem {
		items := make([]directoryItem, 0, len(dir.CareTeamRoles))
		for _, r := range dir.CareTeamRoles {
			items = append(items, directoryItem{id: r.ID, title: r.Name, active: r.Active, version: r.Version})
		}
		return items
	},
	setActive: func(ctx context.Context, svc *app.DirectoryService, id, version int64, active bool) error {
		return svc.SetCareTeamRoleActive(ctx, id, version, active)
	},
	form: func(w *directoryWindow, id int64) *recordForm {
		r := &app.CareTeamRole{Active: true}
		if id != 0 {
			if r = findRecord(w.dir.CareTeamRoles, func(r *app.CareTeamRole) int64 { return r.ID }, id); r == nil {
				return nil
			}
		}
		return nameForm(w, "care team role", "General nurse (occupation)", id, r.Version, r.Name, func(ctx context.Context, svc *app.DirectoryService, name string, version int64) (int64, error) {
			saved, err := svc.SaveCareTeamRole(ctx, &app.CareTeamRole{ID: r.ID, Name: name, Active: r.Active, Version: version})
			if err != nil {
				return 0, err
			}
			return saved.ID, nil
		})
	},
}

// nameForm is the Add/Edit form of a record that is only a name, loaded at version.
func nameForm(w *directoryWindow, noun, placeholder string, id, version int64, current string,
	save func(ctx context.Context, svc *app.DirectoryService, name string, version int64) (int64, error)) *recordForm {
	title := "Add " + noun
	if id != 0 {
		title = "Edit " + noun
	}
	f := newRecordForm(w, title)
	f.id, f.version = id, version
	name := f.addEntry(app.FieldName, "Name", true, placeholder, "", current, false)
	f.values = func() func(context.Context, *app.DirectoryService) (int64, error) {
		text, version := name.Text, f.version
		return func(ctx context.Context, svc *app.DirectoryService) (int64, error) {
			return save(ctx, svc, text, version)
		}
	}
	return f
}
