// Package app is StaffDesk's domain: the practice's staff accounts, providers, offices
// and roles, the rules they obey, and the services the windows call. It knows nothing of
// Fyne or SQL: storage is reached through the Store interface defined here.
package app

import "context"

// Actor is the person on whose behalf a service call is made. Every call carries one in
// its context so that sign-in, permissions and the audit log can be added without
// changing the services' signatures.
type Actor struct {
	Username string
	Name     string
}

// LocalManager is the actor used until sign-in exists: the manager at this desktop.
var LocalManager = Actor{Username: "manager", Name: "Front-office manager"}

type actorKey struct{}

// WithActor returns a context that carries the acting person.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting person carried by ctx, and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
