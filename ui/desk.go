// Package ui is StaffDesk's Fyne interface: one file per window. It calls the services
// in app/ and never touches storage itself.
package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
)

// Desk is the running application: the services, the log and the open windows.
type Desk struct {
	app fyne.App
	svc *app.Services
	log logrus.FieldLogger

	staff *staffWindow // the main window

	// waitBanner tops the Staff window while a save made from a window with no place
	// of its own for it waits for another StaffDesk (background); waits counts them.
	waitBanner *fyne.Container
	staffFrame *fyne.Container // the Staff window's content under the banner
	waits      int

	run Runner // where background work and its UI changes run

	// session is the signed-in person's: the token every service call carries, and
	// their account as it was when they signed in (the services re-check it on every
	// call). token is "" while nobody is signed in.
	token string
	me    *app.Staff

	mu   sync.Mutex
	open map[string]fyne.Window // windows that exist once, by key ("edit:12", "providers")
}

// Runner is where a desk's work runs: Go starts work off the UI thread, Do runs a UI
// change on the UI thread, one at a time. Every goroutine the desk starts and every UI
// change from one goes through the desk's one Runner.
type Runner interface {
	Go(work func())
	Do(change func())
}

// FyneRunner is the Runner of a real screen: goroutines, and fyne.Do.
type FyneRunner struct{}

func (FyneRunner) Go(work func())   { go work() }
func (FyneRunner) Do(change func()) { fyne.Do(change) }

// NewDesk returns the application over svc, running its work on run. Nothing is shown
// until ShowMain.
func NewDesk(a fyne.App, svc *app.Services, log logrus.FieldLogger, run Runner) *Desk {
	return &Desk{app: a, svc: svc, log: log, run: run, open: map[string]fyne.Window{}}
}

// ShowMain builds and shows the Staff window and returns it.
func (d *Desk) ShowMain() fyne.Window {
	d.staff = newStaffWindow(d)
	d.waitBanner = infoBar(theme.InfoIcon(), theme.ColorNamePrimary, widget.NewLabel(app.WaitingMessage))
	d.waitBanner.Hide()
	d.staffFrame = container.NewBorder(d.waitBanner, nil, nil, nil, d.staff.win.Content())
	d.staff.win.SetContent(d.staffFrame)
	fitToScreen(d.app, d.staff.win, d.staff.win.Canvas().Size())
	d.staff.win.Show()
	return d.staff.win
}

// ctx is the context of a service call: the signed-in person's session.
func (d *Desk) ctx() context.Context {
	return app.WithSession(context.Background(), d.token)
}

// signedIn makes s the desk's session.
func (d *Desk) signedIn(s *app.SignedIn) {
	d.token, d.me = s.Token, s.Me
}

// can reports whether the signed-in person holds p, as of their sign-in: the windows
// offer only what they may do (the services check again on every call).
func (d *Desk) can(p app.Permission) bool {
	return d.me != nil && d.me.Permissions.Has(p)
}

// background runs work off the UI thread and then done on it. Every service call goes
// through here so that a slow disk never freezes a window. While one of work's saves
// waits for another StaffDesk to finish saving, the Staff window says so (a window with
// a place of its own for it uses backgroundShowing).
func (d *Desk) background(work func(ctx context.Context) error, done func(err error)) {
	d.backgroundShowing(d.showWaitBanner, work, done)
}

// backgroundShowing is background that tells waiting, on the UI thread, when a save of
// work's starts to wait for another StaffDesk (true) and when the wait is over
// (false), before done.
func (d *Desk) backgroundShowing(waiting func(bool), work func(ctx context.Context) error, done func(err error)) {
	ctx := app.WithWaitNotice(d.ctx(), func(on bool) { d.run.Do(func() { waiting(on) }) })
	d.run.Go(func() {
		err := work(ctx)
		d.run.Do(func() { done(err) })
	})
}

// showWaitBanner shows the Staff window's banner while any save waits.
func (d *Desk) showWaitBanner(waiting bool) {
	if waiting {
		d.waits++
	} else {
		d.waits = max(d.waits-1, 0)
	}
	if d.waitBanner == nil {
		return
	}
	if d.waits > 0 == d.waitBanner.Visible() {
		return
	}
	if d.waits > 0 {
		d.waitBanner.Show()
	} else {
		d.waitBanner.Hide()
	}
	layOutAgain(d.staffFrame) // the grid under (or without) the banner
}

// layOutAgain lays c's objects out again after one was shown or hidden, where nothing
// else would (c's size stays), without refreshing every object inside it as
// Container.Refresh does: the grid's cells would all redraw.
func layOutAgain(c *fyne.Container) {
	c.Layout.Layout(c.Objects, c.Size())
	canvas.Refresh(c)
}

// every runs fn on the UI thread each interval until stop is closed (or the app this
// desk belongs to is no longer the running one, as when a test ends). The ticker is
// not work under way: it waits, and only fn goes through the Runner.
func (d *Desk) every(interval time.Duration, stop <-chan struct{}, fn func()) {
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if fyne.CurrentApp() != d.app {
					return
				}
				d.run.Do(fn)
			}
		}
	}()
}

// showError tells the person what went wrong in win and logs the detail.
func (d *Desk) showError(win fyne.Window, err error) {
	d.logError(err)
	showNotice(dialog.NewError(humanError{err}, win), win)
}

// logError writes err's full chain to the log; app errors never carry secrets.
func (d *Desk) logError(err error) {
	if err == nil {
		return
	}
	entry := d.log.WithField("code", app.ErrorCode(err))
	if app.ErrorCode(err) == app.EINTERNAL {
		entry.Error(err.Error())
	} else {
		entry.Info(err.Error())
	}
}

// openOnce shows the window registered under key if it is open; otherwise it builds a
// screen with build, registers the screen's window under key until it closes, and shows
// it. It returns the screen it built, or nil when the window was only brought forward.
// Screens opened this way must not call SetOnClosed on their window.
func openOnce[S any](d *Desk, key string, build func() (*S, fyne.Window)) *S {
	d.mu.Lock()
	w, ok := d.open[key]
	d.mu.Unlock()
	if ok {
		w.Show()
		w.RequestFocus()
		return nil
	}
	screen, w := build()
	d.mu.Lock()
	d.open[key] = w
	d.mu.Unlock()
	w.SetOnClosed(func() {
		d.mu.Lock()
		delete(d.open, key)
		d.mu.Unlock()
	})
	w.Show()
	return screen
}

// window returns the open window registered under key, if any.
func (d *Desk) window(key string) (fyne.Window, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	w, ok := d.open[key]
	return w, ok
}

// humanError shows only the person-facing message of an app error in a dialog.
type humanError struct{ err error }

func (h humanError) Error() string { return app.ErrorMessage(h.err) }
