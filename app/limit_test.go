package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// setLimit sets the practice's staff account limit as the administrator.
func setLimit(t *testing.T, svc *app.Services, c context.Context, limit int) (*app.PracticeInfo, error) {
	t.Helper()
	info, err := svc.Practice.Get(c)
	if err != nil {
		t.Fatal(err)
	}
	return svc.Practice.Save(c, info.Practice.Name, limit, info.Practice.Version)
}

func newStaffFor(provider, role int64, username string) *app.NewStaff {
	return &app.NewStaff{Staff: app.Staff{FirstName: "Sam", LastName: "Staff", ProviderID: provider, RoleID: role,
		Email: username + "@email.xyz", Username: username, UnlockPIN: "8453"}, Password: personPassword, ConfirmPassword: personPassword}
}

// With a limit of N, account N+1 (pending or active) is refused, naming the limit and
// the count; inactive accounts do not count, but reactivating one does.
func TestStaffLimit(t *testing.T) {
	f := newAccessRig(t)
	c := f.ctx()
	used := func() app.StaffUsage {
		u, err := f.svc.Practice.Usage(c)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	u := used()
	if u.Limit != 0 || u.Used != 6 || u.Near() || u.Full() || u.Label() != "6 staff accounts used" {
		t.Fatalf("unlimited, the administrator and the rig's five: %+v %q", u, u.Label())
	}
	pending := f.newAccount(f.none) // 7
	off := f.newAccount(f.none)
	if _, err := f.svc.Staff.Deactivate(c, off.ID, off.Version); err != nil {
		t.Fatal(err)
	}
	if u := used(); u.Used != 7 {
		t.Fatalf("with one pending and one inactive more: %+v", u)
	}

	// The limit cannot go below what is used.
	_, err := setLimit(t, f.svc, c, 6)
	if msg := app.ErrorFields(err)[app.FieldStaffLimit]; !strings.Contains(msg, "7 staff accounts") {
		t.Fatalf("a limit below the count: %v", err)
	}
	info, err := setLimit(t, f.svc, c, 8)
	if err != nil {
		t.Fatal(err)
	}
	if info.Usage != (app.StaffUsage{Used: 7, Limit: 8}) || !info.Usage.Near() || info.Usage.Full() || info.Usage.Label() != "7 of 8 staff accounts used" {
		t.Fatalf("after saving 8: %+v %q", info.Usage, info.Usage.Label())
	}
	f.newAccount(f.none) // 8 of 8
	if u := used(); !u.Full() || u.Label() != "8 of 8 staff accounts used" {
		t.Fatalf("full: %+v %q", u, u.Label())
	}
	before := f.snapshot()
	_, err = f.svc.Staff.Create(c, newStaffFor(f.provider, f.none.ID, "oneover"))
	wantCode(t, err, app.EFORBIDDEN, "allows 8 staff accounts, and 8 are pending or active")
	if !errors.Is(err, app.ErrStaffLimit) {
		t.Fatalf("not the limit's refusal: %v", err)
	}
	cur := f.get(c, off.ID)
	_, err = f.svc.Staff.Reactivate(c, cur.ID, cur.Version)
	wantCode(t, err, app.EFORBIDDEN, "allows 8 staff accounts")
	if f.snapshot() != before {
		t.Fatal("a refusal at the limit changed something")
	}
	// One made inactive frees a place; the limit counts again at once.
	cur = f.get(c, pending.ID)
	if _, err := f.svc.Staff.Deactivate(c, cur.ID, cur.Version); err != nil {
		t.Fatal(err)
	}
	cur = f.get(c, off.ID)
	if _, err := f.svc.Staff.Reactivate(c, cur.ID, cur.Version); err != nil {
		t.Fatalf("reactivating into the freed place: %v", err)
	}
	_, err = f.svc.Staff.Create(c, newStaffFor(f.provider, f.none.ID, "oneover"))
	wantCode(t, err, app.EFORBIDDEN, "allows 8 staff accounts")
	// Unlimited again.
	if _, err := setLimit(t, f.svc, c, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Staff.Create(c, newStaffFor(f.provider, f.none.ID, "oneover")); err != nil {
		t.Fatal(err)
	}
	if _, err := setLimit(t, f.svc, c, app.MaxStaffLimit+1); app.ErrorFields(err)[app.FieldStaffLimit] == "" {
		t.Fatalf("a limit over the maximum: %v", err)
	}
}

// Two desks (two handles on one file, two Services, the administrator's one session
// good on both) create at the boundary at the same moment, many times over: exactly
// one of each pair gets the last place.
func TestStaffLimit_TwoDesksAtTheBoundary(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.svc.SetPasswordHash(app.CheapPasswordHash)
	_, other := r.openDesk(r.logs)
	other.SetPasswordHash(app.CheapPasswordHash)
	c := r.ctx()
	if _, err := other.Session.Me(c); err != nil {
		t.Fatalf("the session on the second desk: %v", err)
	}
	desks := []*app.Services{r.svc, other}
	const rounds = 12
	for round := 0; round < rounds; round++ {
		u, err := r.svc.Practice.Usage(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := setLimit(t, r.svc, c, u.Used+1); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(desks))
		start := make(chan struct{})
		for i, svc := range desks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = svc.Staff.Create(c, newStaffFor(r.provider, r.role, fmt.Sprintf("r%02dd%d", round, i)))
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, app.ErrStaffLimit):
			default:
				t.Fatalf("round %d desk %d: %v", round, i, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d desks created the last account (%v)", round, won, errs)
		}
		if u, _ := r.svc.Practice.Usage(c); !u.Full() || u.Used != u.Limit {
			t.Fatalf("round %d: %+v", round, u)
		}
	}
}
