package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// The issue: signing in (the password check included) takes under 100 ms of work
// besides the Argon2id hash. BenchmarkSignIn signs in at a practice of 10,000 staff,
// once with the real HashPassword and once with CheapPasswordHash: the difference is
// the hash, the cheap figure is the rest.
//
//	go test -tags migrated_fynedo -run '^$' -bench BenchmarkSignIn -benchtime 20x ./app/
func BenchmarkSignIn(b *testing.B) {
	for _, tc := range []struct {
		name string
		hash func(string) (string, error)
	}{{"argon2id", app.HashPassword}, {"cheap", app.CheapPasswordHash}} {
		b.Run(tc.name, func(b *testing.B) {
			svc, db := newServices(b)
			svc.SetPasswordHash(tc.hash)
			seedSignInStaff(b, svc, db, 10000, tc.hash)
			// The account signed in as: in the middle of the ids.
			const login = "bench5000"
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := svc.Session.SignIn(context.Background(), login, personPassword, "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// seedSignInStaff adds n active accounts through the store, a thousand to a
// transaction, as tools/seedstaff does (Create would hash and mail each one), all with
// one hash of personPassword made by hash.
func seedSignInStaff(b *testing.B, svc *app.Services, db app.Store, n int, hash func(string) (string, error)) {
	b.Helper()
	c := lastSignIn
	dir, err := svc.Directory.Load(c)
	if err != nil {
		b.Fatal(err)
	}
	var role int64
	for _, r := range dir.Roles {
		if r.Name == "Nurse" {
			role = r.ID
		}
	}
	h, err := hash(personPassword)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	for done := 0; done < n; done += 1000 {
		err := db.Write(c, func(tx app.Tx) error {
			for i := done; i < min(done+1000, n); i++ {
				u := fmt.Sprintf("bench%d", i)
				st := &app.Staff{FirstName: "Bench", LastName: fmt.Sprintf("Staff %d", i), Username: u,
					Email: u + "@example.com", ProviderID: dir.Providers[0].ID, RoleID: role,
					Status: app.StatusActive, UnlockPIN: "8453", SupportPIN: "583920",
					CreatedAt: now, UpdatedAt: now, ActivatedAt: now}
				st.EmailKey, st.UsernameKey = app.EmailKey(st.Email), app.UsernameKey(st.Username)
				if err := tx.CreateStaff(st, h); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
