package app_test

import (
	"context"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// Every service call is made by someone signed in. The tests' practice is set up with
// its administrator, Pat Admin, who holds every permission; ctx is Pat's session.

const (
	testAdmin         = "padmin"
	testAdminPassword = "Lantern-Quartz-Meadow-77"
)

// lastSignIn is the session of the practice newServices set up last: the tests of this
// package run one at a time (none is parallel), each over its own file.
var lastSignIn context.Context

// signInAdmin sets up svc's practice if it is not yet, and signs Pat in.
func signInAdmin(tb testing.TB, svc *app.Services) context.Context {
	tb.Helper()
	c := context.Background()
	state, err := svc.Practice.State(c)
	if err != nil {
		tb.Fatal(err)
	}
	var in *app.SignedIn
	if state == app.SetupDone {
		in, err = svc.Session.SignIn(c, testAdmin, testAdminPassword, "test")
	} else {
		in, err = svc.Practice.SetUp(c, &app.PracticeSetup{
			Name:     "Test Practice",
			Provider: app.Provider{FirstName: "Yara", LastName: "Young-Test"},
			Admin: app.NewStaff{Staff: app.Staff{FirstName: "Pat", LastName: "Admin", Email: "pat.admin@example.com",
				Username: testAdmin, EnableEmailUpdate: true}, Password: testAdminPassword, ConfirmPassword: testAdminPassword},
			Desk: "test",
		})
	}
	if err != nil {
		tb.Fatalf("signing in the test administrator: %v", err)
	}
	lastSignIn = app.WithSession(c, in.Token)
	return lastSignIn
}

// ctx is the administrator's session over the practice newServices set up last.
func ctx(tb testing.TB) context.Context {
	if lastSignIn == nil {
		tb.Fatal("ctx before newServices")
	}
	return lastSignIn
}
