package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// The outbox's health is a state the window acts on, with the counts behind it; the
// banner's words come from its Label.
func TestOutboxHealthStates(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	h, err := r.svc.Outbox.Health(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if h.State != app.MailNotConfigured || h.Waiting != 0 || h.Label() != "Email is not set up" {
		t.Fatalf("fresh: %+v %q", h, h.Label())
	}
	r.createStaff("camilles", "Camille", "Staff")
	r.createStaff("marcus", "Marcus", "Staff")
	if h, _ = r.svc.Outbox.Health(r.ctx()); h.State != app.MailNotConfigured || h.Waiting != 2 {
		t.Fatalf("two queued before set-up: %+v", h)
	}
	r.setUp(r.settings())
	if h, _ = r.svc.Outbox.Health(r.ctx()); h.State != app.MailOK || h.Label() != "" {
		t.Fatalf("set up, nothing failed: %+v %q", h, h.Label())
	}
	for _, tt := range []struct {
		h    app.MailHealth
		want string
	}{
		{app.MailHealth{State: app.MailNotConfigured, Waiting: 1}, "Email is not set up — 1 message waiting"},
		{app.MailHealth{State: app.MailNotGoingOut, Waiting: 3, Problem: "the server refused the user name or password"},
			"Email is not going out: the server refused the user name or password — 3 messages waiting"},
		{app.MailHealth{State: app.MailSomeFailed, Failed: 2}, "2 messages failed"},
	} {
		if got := tt.h.Label(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.h, got, tt.want)
		}
	}
}

// The status is typed: the grid reads Kind, Expired and the pending email change, and
// shows Headline and Details without taking a sentence apart.
func TestStaffStatusInfo(t *testing.T) {
	now := time.Date(2026, 4, 10, 14, 32, 0, 0, time.UTC)
	pending := &app.Staff{Status: app.StatusPending, ActivationExpires: now.Add(48 * time.Hour)}
	st := pending.StatusInfo(now)
	if st.Kind != app.StatusPending || st.Expired || !st.Expires.Equal(now.Add(48*time.Hour)) || st.EmailChangePending {
		t.Errorf("pending: %+v", st)
	}
	if st.Headline() != "Pending activation" || !slices.Equal(st.Details(), []string{"expires in 2 days"}) {
		t.Errorf("pending: %q %q", st.Headline(), st.Details())
	}
	if st := pending.StatusInfo(now.Add(49 * time.Hour)); !st.Expired || !slices.Equal(st.Details(), []string{"code expired"}) {
		t.Errorf("expired: %+v %q", st, st.Details())
	}
	moving := &app.Staff{Status: app.StatusActive, PendingEmail: "new@email.xyz"}
	if st := moving.StatusInfo(now); st.Kind != app.StatusActive || !st.EmailChangePending || st.Expired ||
		!slices.Equal(st.Details(), []string{"Email change pending"}) || st.Label() != "Active · Email change pending" {
		t.Errorf("email change: %+v %q", st, st.Label())
	}
	if st := (&app.Staff{Status: app.StatusInactive}).StatusInfo(now); st.Details() != nil || st.Label() != "Inactive" {
		t.Errorf("inactive: %q", st.Label())
	}
}
