package app

import (
	"context"
	"errors"
)

// EBUSY: the records are held by another StaffDesk (a second window, another desk on
// the same file) for longer than a person should be kept waiting. Nothing was saved;
// the same action a moment later is expected to work.
const EBUSY = "busy"

// Busy is the EBUSY error for a write that waited its turn too long; err is the
// store's own report, for the log.
func Busy(err error) *Error {
	return &Error{Code: EBUSY, Message: "Another StaffDesk is still saving; try again in a moment.", Err: err}
}

// WaitingMessage is what a window shows while its save waits (WithWaitNotice).
const WaitingMessage = "Waiting for another StaffDesk to finish saving…"

// WaitNotice is told when a save starts waiting for another StaffDesk to finish saving
// (true) and when its wait is over (false), whatever the outcome. The store calls it
// from the saving goroutine; a window hands it on to the UI thread.
type WaitNotice func(waiting bool)

type waitNoticeKey struct{}

// WithWaitNotice returns ctx carrying notice, for the services' writes made with it.
func WithWaitNotice(ctx context.Context, notice WaitNotice) context.Context {
	return context.WithValue(ctx, waitNoticeKey{}, notice)
}

// NotifyWaiting tells ctx's WaitNotice, if any, that a write waits (or no longer
// does). Stores call it.
func NotifyWaiting(ctx context.Context, waiting bool) {
	if notice, ok := ctx.Value(waitNoticeKey{}).(WaitNotice); ok && notice != nil {
		notice(waiting)
	}
}

// ErrNestedWrite is the programming error of calling Store.Write from inside the
// function given to Write: the inner write would wait for the turn the outer one
// holds, for ever. Stores return it (wrapped) instead of hanging.
var ErrNestedWrite = errors.New("programming error: Store.Write called inside another Write on the same goroutine; compose the work inside the one transaction instead")
