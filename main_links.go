package main

import (
	"context"

	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/internal/handoff"
)

// linkArg is the staffdesk: link StaffDesk was started with: the installers register
// the scheme with the link as the program's one argument (Exec=staffdesk %u). It is
// read by app.ParseLink when the desk opens it, not here.
func linkArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// claimLinks hands link to the StaffDesk already running for this user, if one is
// (handed: this one has nothing left to do), or makes this StaffDesk the one that
// takes the links opened from now on: links delivers them until stop. When neither
// works, StaffDesk starts all the same and opens its own link itself.
func claimLinks(dir, link string, log logrus.FieldLogger) (links <-chan string, stop func(), handed bool) {
	refused := func(err error) { log.WithError(err).Warn("A message on StaffDesk's link socket was refused") }
	l, handed, err := handoff.Claim(context.Background(), dir, link, refused)
	switch {
	case err != nil:
		// The error names the socket, never the link: it may hold a code.
		log.WithError(err).Warn("Links opened while StaffDesk runs will start another StaffDesk")
		return nil, func() {}, false
	case handed:
		log.Info("The link was handed to the StaffDesk already running")
		return nil, func() {}, true
	case l == nil:
		return nil, func() {}, false // another StaffDesk takes the links
	}
	return l.Links(), func() { l.Close() }, false
}
