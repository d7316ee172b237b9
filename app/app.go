// Package app is StaffDesk's domain: the practice's staff accounts, providers, offices
// and roles, the rules they obey, and the services the windows call. It knows nothing of
// Fyne or SQL: storage is reached through the Store interface defined here.
//
// Every service call is made for the person signed in: its context carries their
// session (WithSession), and one entry point (gate.go) checks it, their permission and
// their offices before the call's transaction runs.
package app
