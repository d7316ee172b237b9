package app_test

import (
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// The store refuses a message that is not there without words; the outbox service
// says it in the manager's: the same sentence from every action on it.
func TestOutbox_VanishedMessageInWords(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	const gone = 987654
	const want = "That message is no longer in the outbox."
	_, err := r.svc.Outbox.Get(r.ctx(), gone)
	wantExact(t, err, app.ENOTFOUND, want)
	_, err = r.svc.Outbox.View(r.ctx(), gone)
	wantExact(t, err, app.ENOTFOUND, want)
	wantExact(t, r.svc.Outbox.RetryNow(r.ctx(), gone), app.ENOTFOUND, want)
	wantExact(t, r.svc.Outbox.Cancel(r.ctx(), gone), app.ENOTFOUND, want)
}

func wantExact(tb testing.TB, err error, code, msg string) {
	tb.Helper()
	if app.ErrorCode(err) != code || app.ErrorMessage(err) != msg {
		tb.Fatalf("error %v (code %s), want %s %q", err, app.ErrorCode(err), code, msg)
	}
}
