package ui

import (
	"context"
	"strings"

	"github.com/staffdesk/staffdesk/app"
)

// The Offices window: the practice's locations, which staff can be restricted to.

func (d *Desk) openOffices() { d.openDirectory(officeKind) }

var officeKind = &directoryKind{
	key:      "offices",
	title:    "Offices",
	noun:     "office",
	plural:   "offices",
	empty:    "No offices yet. Add the practice's locations so that staff can be restricted to the offices they work in.",
	detailed: true,
	deactivateNote: "It will no longer be offered when restricting staff to offices. " +
		"Staff already restricted to it keep the restriction. You can reactivate it later.",
	items: func(dir *app.Directory) []directoryItem {
		items := make([]directoryItem, 0, len(dir.Offices))
		for _, o := range dir.Offices {
			items = append(items, directoryItem{id: o.ID, title: o.Name, detail: officeDetail(o), active: o.Active, version: o.Version})
		}
		return items
	},
	setActive: func(ctx context.Context, svc *app.DirectoryService, id, version int64, active bool) error {
		return svc.SetOfficeActive(ctx, id, version, active)
	},
	form: officeForm,
}

// officeDetail is an office's address on one line, then its phone.
func officeDetail(o *app.Office) string {
	var parts []string
	if addr := strings.Join(strings.Fields(strings.ReplaceAll(o.Address, "\n", ", ")), " "); addr != "" {
		parts = append(parts, addr)
	}
	if o.Phone != "" {
		parts = append(parts, app.FormatPhone(o.Phone))
	}
	if len(parts) == 0 {
		return "No address or phone on file"
	}
	return strings.Join(parts, " · ")
}

func officeForm(w *directoryWindow, id int64) *recordForm {
	o := &app.Office{Active: true}
	title := "Add office"
	if id != 0 {
		o = findRecord(w.dir.Offices, func(o *app.Office) int64 { return o.ID }, id)
		if o == nil {
			return nil
		}
		title = "Edit office"
	}
	phone := ""
	if o.Phone != "" {
		phone = app.FormatPhone(o.Phone)
	}
	f := newRecordForm(w, title)
	f.id, f.version = o.ID, o.Version
	name := f.addEntry(app.FieldName, "Name", true, "Main Street Clinic", "", o.Name, false)
	addr := f.addEntry(app.FieldAddress, "Address", false, "Street\nCity, State ZIP", "", o.Address, true)
	ph := f.addEntry(app.FieldPhone, "Phone", false, "(212) 555-0123", "", phone, false)
	f.values = func() func(context.Context, *app.DirectoryService) (int64, error) {
		in := &app.Office{ID: o.ID, Name: name.Text, Address: addr.Text, Phone: ph.Text, Active: o.Active, Version: f.version}
		return func(ctx context.Context, svc *app.DirectoryService) (int64, error) {
			saved, err := svc.SaveOffice(ctx, in)
			if err != nil {
				return 0, err
			}
			return saved.ID, nil
		}
	}
	return f
}
