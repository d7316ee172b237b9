package app

import (
	"context"
	"slices"
	"strings"
	"time"
)

// DashboardService is the Dashboard: what needs a manager's attention, over the staff
// the caller may see.
type DashboardService struct {
	gate *gate
}

// ExpiringWithin is how soon an activation code must expire to count as expiring.
const ExpiringWithin = 24 * time.Hour

// Attention counts accounts that need something, in one group (the whole practice, an
// office, a role).
type Attention struct {
	Staff         int // every account, inactive ones included
	Pending       int // waiting for activation
	Expiring      int // pending, with the activation code expiring within a day or expired
	Locked        int // locked after failed sign-ins
	NeverSignedIn int // active but never signed in
}

// Group is an office's or a role's Attention.
type Group struct {
	ID   int64
	Name string
	Attention
}

// Dashboard is the Dashboard's content.
type Dashboard struct {
	Practice string
	All      Attention
	Offices  []Group // offices with staff restricted to them, by name
	Roles    []Group // roles with staff, by name
	// Mail: the outbox's counts, for those who hold Manage Practice (ShowMail).
	ShowMail    bool
	MailWaiting int
	MailFailed  int
	Usage       StaffUsage
}

// Summary counts what needs attention at now.
func (s *DashboardService) Summary(ctx context.Context) (*Dashboard, error) {
	var out Dashboard
	err := s.gate.read(ctx, anyone, func(tx *call) error {
		now := s.gate.now().UTC()
		if p, err := tx.Practice(); err == nil {
			out.Practice = p.Name
		} else if ErrorCode(err) != ENOTFOUND {
			return err
		}
		all, err := tx.FindStaff(StaffFilter{})
		if err != nil {
			return err
		}
		offices, err := tx.Offices()
		if err != nil {
			return err
		}
		officeName := map[int64]string{}
		for _, o := range offices {
			officeName[o.ID] = o.Name
		}
		byOffice, byRole := map[int64]*Group{}, map[int64]*Group{}
		for _, st := range all {
			if !tx.me.MaySee(st) {
				continue
			}
			add := func(a *Attention) { a.count(st, now) }
			add(&out.All)
			g := byRole[st.RoleID]
			if g == nil {
				g = &Group{ID: st.RoleID, Name: st.RoleName}
				byRole[st.RoleID] = g
			}
			add(&g.Attention)
			if st.RestrictOffices {
				for _, id := range st.OfficeIDs {
					g := byOffice[id]
					if g == nil {
						g = &Group{ID: id, Name: officeName[id]}
						byOffice[id] = g
					}
					add(&g.Attention)
				}
			}
		}
		out.Offices, out.Roles = sortedGroups(byOffice), sortedGroups(byRole)
		if tx.me.Can(PermManagePractice) {
			counts, err := tx.CountMail()
			if err != nil {
				return err
			}
			out.ShowMail, out.MailWaiting, out.MailFailed = true, counts.Waiting(), counts[MailFailed]
		}
		out.Usage, err = tx.usage()
		return err
	})
	if err != nil {
		return nil, wrapInternal("load the dashboard", err)
	}
	return &out, nil
}

func (a *Attention) count(st *Staff, now time.Time) {
	a.Staff++
	switch st.Status {
	case StatusPending:
		a.Pending++
		if st.ActivationExpiring(now) {
			a.Expiring++
		}
	case StatusActive:
		if st.NeverSignedIn() {
			a.NeverSignedIn++
		}
	}
	if st.SignIn.Locked(now) {
		a.Locked++
	}
}

func sortedGroups(m map[int64]*Group) []Group {
	out := make([]Group, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}

// Locked reports whether the account is locked after failed sign-ins at now.
func (s *Staff) Locked(now time.Time) bool { return s.SignIn.Locked(now) }

// NeverSignedIn reports whether an active account has never signed in.
func (s *Staff) NeverSignedIn() bool {
	return s.Status == StatusActive && s.SignIn.LastSignInAt.IsZero()
}

// ActivationExpiring reports whether a pending account's activation code expires within
// ExpiringWithin of now, or has expired (or none is live).
func (s *Staff) ActivationExpiring(now time.Time) bool {
	return s.Status == StatusPending && (s.ActivationExpires.IsZero() || s.ActivationExpires.Sub(now) < ExpiringWithin)
}
