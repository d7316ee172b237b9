package app_test

import (
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// A cheap hash is still an Argon2id hash that VerifyPassword reads, at the lowest cost.
func TestCheapPasswordHashVerifies(t *testing.T) {
	h, err := app.CheapPasswordHash("Walrus-Tusk-42")
	if err != nil {
		t.Fatal(err)
	}
	hp, err := app.ParseHashParams(h)
	if err != nil {
		t.Fatal(err)
	}
	if hp.Memory != 8 || hp.Iterations != 1 {
		t.Errorf("params = %+v; want 8 KiB and one pass", hp)
	}
	if ok, err := app.VerifyPassword(h, "Walrus-Tusk-42"); err != nil || !ok {
		t.Errorf("VerifyPassword = %v, %v", ok, err)
	}
	if ok, _ := app.VerifyPassword(h, "walrus-tusk-42"); ok {
		t.Error("a different password verifies")
	}
}

// SetPasswordHash reaches every password the services store: created accounts and the
// demo seed's settled ones alike.
func TestSetPasswordHashCoversTheDemoSeed(t *testing.T) {
	svc, db := newServices(t)
	svc.SetPasswordHash(app.CheapPasswordHash)
	if err := app.SeedDemo(ctx(t), svc); err != nil {
		t.Fatal(err)
	}
	err := db.Read(ctx(t), func(tx app.Tx) error {
		list, err := tx.FindStaff(app.StaffFilter{})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			t.Fatal("the demo seeded nobody")
		}
		for _, s := range list {
			h, err := tx.PasswordHash(s.ID)
			if err != nil {
				return err
			}
			if hp, err := app.ParseHashParams(h); err != nil || hp.Memory != 8 {
				t.Errorf("%s (%s): hash params %+v, %v; want the cheap hash", s.Username, s.Status, hp, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
