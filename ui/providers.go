package ui

import (
	"context"

	"github.com/staffdesk/staffdesk/app"
)

// The Providers window: the clinicians staff members are assigned to.

func (d *Desk) openProviders() { d.openDirectory(providerKind) }

var providerKind = &directoryKind{
	key:            "providers",
	title:          "Providers",
	noun:           "provider",
	plural:         "providers",
	empty:          "No providers yet. Add the practice's first provider — every staff member needs a primary provider.",
	detailed:       true,
	person:         true,
	deactivateNote: "They will no longer be offered as a primary provider for staff. You can reactivate them later.",
	items: func(dir *app.Directory) []directoryItem {
		items := make([]directoryItem, 0, len(dir.Providers))
		for _, p := range dir.Providers {
			detail := "No NPI on file"
			if p.NPI != "" {
				detail = "NPI " + p.NPI
			}
			items = append(items, directoryItem{id: p.ID, title: p.DisplayName(), detail: detail, active: p.Active, version: p.Version})
		}
		return items
	},
	setActive: func(ctx context.Context, svc *app.DirectoryService, id, version int64, active bool) error {
		return svc.SetProviderActive(ctx, id, version, active)
	},
	form: providerForm,
}

func providerForm(w *directoryWindow, id int64) *recordForm {
	p := &app.Provider{Active: true}
	title := "Add provider"
	if id != 0 {
		p = findRecord(w.dir.Providers, func(p *app.Provider) int64 { return p.ID }, id)
		if p == nil {
			return nil
		}
		title = "Edit provider"
	}
	f := newRecordForm(w, title)
	f.id, f.version = p.ID, p.Version
	first := f.addEntry(app.FieldFirstName, "First name", true, "", "", p.FirstName, false)
	last := f.addEntry(app.FieldLastName, "Last name", true, "", "", p.LastName, false)
	suffix := f.addEntry(app.FieldSuffix, "Suffix", false, "Jr.", "", p.Suffix, false)
	creds := f.addEntry(app.FieldCredentials, "Credentials", false, "MD", "", p.Credentials, false)
	npi := f.addEntry(app.FieldNPI, "NPI", false, "10 digits", "The provider's National Provider Identifier; leave it blank if they have none yet.", p.NPI, false)
	f.values = func() func(context.Context, *app.DirectoryService) (int64, error) {
		in := &app.Provider{ID: p.ID, FirstName: first.Text, LastName: last.Text, Suffix: suffix.Text,
			Credentials: creds.Text, NPI: npi.Text, Active: p.Active, Version: f.version}
		return func(ctx context.Context, svc *app.DirectoryService) (int64, error) {
			saved, err := svc.SaveProvider(ctx, in)
			if err != nil {
				return 0, err
			}
			return saved.ID, nil
		}
	}
	return f
}

// findRecord returns the record of recs whose id is id, or nil when it is gone.
func findRecord[T any](recs []*T, idOf func(*T) int64, id int64) *T {
	for _, r := range recs {
		if idOf(r) == id {
			return r
		}
	}
	return nil
}
