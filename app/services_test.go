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
