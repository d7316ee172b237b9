package app_test

import (
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// The dashboard counts what needs a manager's attention, overall, by office and by
// role; the outbox's counts only for those who hold Manage Practice.
func TestDashboard_Summary(t *testing.T) {
	f := newAccessRig(t)
	c := f.ctx()
	main, err := f.svc.Directory.SaveOffice(c, &app.Office{Name: "Main Street Clinic"})
	if err != nil {
		t.Fatal(err)
	}
	river, err := f.svc.Directory.SaveOffice(c, &app.Office{Name: "Riverside"})
	if err != nil {
		t.Fatal(err)
	}
	in := func(ids ...int64) func(*app.NewStaff) {
		return func(n *app.NewStaff) { n.RestrictOffices, n.OfficeIDs = true, ids }
	}
	base := func() app.Attention {
		d, err := f.svc.Dashboard.Summary(c)
		if err != nil {
			t.Fatal(err)
		}
		return d.All
	}()
	scribe := f.newRole("Scribe")

	f.newAccount(scribe, in(main.ID)) // pending, its code expiring within a day once the clock moves
	f.clock.Advance(60 * time.Hour)
	f.newAccount(scribe, in(main.ID, river.ID))    // pending, three days left
	f.activate(f.newAccount(scribe, in(river.ID))) // active, never signed in
	locked := f.newPerson(scribe)
	for i := 0; i < app.LockAfter; i++ {
		f.signInErr(locked.st.Username, "Not-The-Password-At-All-42")
		f.clock.Advance(5 * time.Minute) // past every delay
	}
	gone := f.newAccount(scribe, in(river.ID))
	if _, err := f.svc.Staff.Deactivate(c, gone.ID, gone.Version); err != nil {
		t.Fatal(err)
	}

	d, err := f.svc.Dashboard.Summary(c)
	if err != nil {
		t.Fatal(err)
	}
	want := base
	want.Staff += 5
	want.Pending += 2
	want.Expiring++
	want.Locked++
	want.NeverSignedIn++
	if d.All != want {
		t.Fatalf("all: %+v, want %+v", d.All, want)
	}
	if d.Practice != "Test Practice" || !d.ShowMail || d.Usage.Used != 6+4 {
		t.Fatalf("dashboard %+v", d)
	}
	groups := func(gs []app.Group) map[string]app.Attention {
		m := map[string]app.Attention{}
		for _, g := range gs {
			m[g.Name] = g.Attention
		}
		return m
	}
	offices := groups(d.Offices)
	if got := offices["Main Street Clinic"]; got != (app.Attention{Staff: 2, Pending: 2, Expiring: 1}) {
		t.Errorf("Main Street Clinic: %+v", got)
	}
	if got := offices["Riverside"]; got != (app.Attention{Staff: 3, Pending: 1, NeverSignedIn: 1}) {
		t.Errorf("Riverside: %+v", got)
	}
	if got := groups(d.Roles)["Scribe"]; got != (app.Attention{Staff: 5, Pending: 2, Expiring: 1, Locked: 1, NeverSignedIn: 1}) {
		t.Errorf("Scribe: %+v", got)
	}
	if d.Offices[0].Name != "Main Street Clinic" || d.Offices[0].ID != main.ID {
		t.Errorf("offices not by name: %+v", d.Offices)
	}
	// Every account the rig made queued its activation; none went out.
	if d.MailWaiting != len(f.outbox())-countFinal(f) || d.MailFailed != 0 {
		t.Errorf("mail waiting %d, failed %d", d.MailWaiting, d.MailFailed)
	}

	// Without Manage Practice: no mail counts.
	for _, p := range []*person{f.nobody, f.holders[app.PermManageAccounts]} {
		d, err := f.svc.Dashboard.Summary(p.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d.ShowMail || d.MailWaiting != 0 {
			t.Errorf("%s sees the mail counts", p.st.Username)
		}
		if d.All != want {
			t.Errorf("%s (unrestricted) sees %+v", p.st.Username, d.All)
		}
	}
}

func countFinal(f *accessRig) int {
	n := 0
	for _, m := range f.outbox() {
		if m.Status.Final() {
			n++
		}
	}
	return n
}
