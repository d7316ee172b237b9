package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// Deleting an account cancels every email still waiting for it, whatever its kind,
// and says how many: a deleted person gets no activation email.
func TestStaffDelete_CancelsWaitingMail(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	r.createStaff("marcus", "Marcus", "Staff")
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), camille.ID, camille.Version); err != nil {
		t.Fatal(err)
	}
	res, err := r.svc.Staff.Delete(r.ctx(), camille.ID, camille.Version, "camilles")
	if err != nil {
		t.Fatal(err)
	}
	if res.CancelledMail != 2 {
		t.Fatalf("Delete cancelled %d emails, want 2 (activation and password reset)", res.CancelledMail)
	}
	for _, m := range r.outbox() {
		want := app.MailCancelled
		if m.ToAddress == "marcus@email.xyz" {
			want = app.MailQueued // another account's mail is left alone
		}
		if m.Status != want {
			t.Errorf("%s to %s is %s, want %s", m.Kind, m.ToAddress, m.Status, want)
		}
	}
	// Nothing is delivered to the deleted person.
	r.setUp(r.settings())
	r.sendDue()
	if got := r.deliveredTo("camilles@email.xyz"); len(got) != 0 {
		t.Fatalf("%d emails delivered to the deleted account", len(got))
	}
}

// Correcting the address of an account never activated sends a new activation email
// to the new address at once, and the old code stops working; an activated account's
// address changes only through Change Email.
func TestStaffUpdate_PendingEmailCorrected(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	oldCode := r.peekCode(r.message(app.MailActivation, "camilles@email.xyz"))

	camille.Email = "camille@email.xyz"
	res, err := r.svc.Staff.Update(r.ctx(), camille)
	if err != nil {
		t.Fatal(err)
	}
	if res.ActivationSentTo != "camille@email.xyz" || res.Staff.Email != "camille@email.xyz" {
		t.Fatalf("update result: sent to %q, email %q", res.ActivationSentTo, res.Staff.Email)
	}
	if m := r.message(app.MailActivation, "camilles@email.xyz"); m.Status != app.MailCancelled {
		t.Fatalf("the activation to the mistyped address is %s, want cancelled", m.Status)
	}
	fresh := r.message(app.MailActivation, "camille@email.xyz")
	if fresh.Status != app.MailQueued {
		t.Fatalf("the new activation email is %s", fresh.Status)
	}
	_, err = r.svc.Accounts.Activate(r.ctx(), "camilles", oldCode)
	wantCode(t, err, app.EINVALID, "no longer works")
	if _, err := r.svc.Accounts.Activate(r.ctx(), "camilles", r.peekCode(fresh)); err != nil {
		t.Fatalf("activating with the new code: %v", err)
	}

	// Now activated: an edit of the address is refused; Change Email is the way.
	active, err := r.svc.Staff.Get(r.ctx(), camille.ID)
	if err != nil {
		t.Fatal(err)
	}
	active.Email = "camille.other@email.xyz"
	_, err = r.svc.Staff.Update(r.ctx(), active)
	if msg := app.ErrorFields(err)[app.FieldEmail]; !strings.Contains(msg, "Change Email") {
		t.Fatalf("editing an activated account's address: %v", err)
	}
	// Other edits leave the address alone and send nothing.
	active.Email = "camille@email.xyz"
	active.LastName = "Nurse"
	res, err = r.svc.Staff.Update(r.ctx(), active)
	if err != nil || res.ActivationSentTo != "" {
		t.Fatalf("plain edit: %+v, %v", res, err)
	}
}

// The service's clock stamps the records and decides when an email change has
// expired; the store has none of its own.
func TestStaff_OneClock(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	if !camille.CreatedAt.Equal(r.clock.Now()) || !camille.UpdatedAt.Equal(r.clock.Now()) {
		t.Fatalf("created at %v, updated %v; the service's clock says %v", camille.CreatedAt, camille.UpdatedAt, r.clock.Now())
	}
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "camille.new@email.xyz"); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Hour)
	got, err := r.svc.Staff.Get(r.ctx(), camille.ID)
	if err != nil || got.PendingEmail != "camille.new@email.xyz" {
		t.Fatalf("an hour later: pending %q, %v", got.PendingEmail, err)
	}
	got.LastName = "Nurse"
	saved, err := r.svc.Staff.Update(r.ctx(), got)
	if err != nil || !saved.Staff.UpdatedAt.Equal(r.clock.Now()) {
		t.Fatalf("updated at %v, want %v (%v)", saved.Staff.UpdatedAt, r.clock.Now(), err)
	}
	r.clock.Advance(app.EmailChangeValidFor)
	list, err := r.svc.Staff.List(r.ctx())
	if err != nil || list[0].PendingEmail != "" {
		t.Fatalf("after the code expired by the service's clock: pending %q, %v", list[0].PendingEmail, err)
	}
}
