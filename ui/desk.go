// Package ui is StaffDesk's Fyne interface: one file per window. It calls the services
// in app/ and never touches storage itself.
package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
)

// Desk is the running application: the services, the log and the open windows.
type Desk struct {
	app fyne.App
	svc *app.Services
	log logrus.FieldLogger

	staff *staffWindow // the main window

	mu   sync.Mutex
	open map[string]fyne.Window // windows that exist once, by key ("edit:12", "providers")
	busy sync.WaitGroup         // background work under way; tests wait on it
	// done serialises what onUI runs. On a real screen
	// fyne.Do already runs them one at a time on the UI thread; Fyne's test driver runs
	// them on the calling goroutine, where two could otherwise overlap.
	done sync.Mutex
	// uiQueue, when set (tests), holds what onUI is asked to run until waitIdle runs it
	// on the test's goroutine: Fyne's test driver runs fyne.Do at once on whichever
	// goroutine calls it, which would race the test driving the same widgets.
	uiQueue chan func()
}

// NewDesk returns the application over svc. Nothing is shown until ShowMain.
func NewDesk(a fyne.App, svc *app.Services, log logrus.FieldLogger) *Desk {
	return &Desk{app: a, svc: svc, log: log, open: map[string]fyne.Window{}}
}

// ShowMain builds and shows the Staff window and returns it.
func (d *Desk) ShowMain() fyne.Window {
	d.staff = newStaffWindow(d)
	d.staff.win.Show()
	return d.staff.win
}

// ctx is the context of a service call: the acting person is the manager at this desk
// until sign-in exists.
func (d *Desk) ctx() context.Context {
	return app.WithActor(context.Background(), app.LocalManager)
}

// background runs work off the UI thread and then done on it. Every service call goes
// through here so that a slow disk never freezes a window.
func (d *Desk) background(work func(ctx context.Context) error, done func(err error)) {
	d.busy.Add(1)
	go func() {
		defer d.busy.Done()
		err := work(d.ctx())
		d.onUI(func() { done(err) })
	}()
}

// onUI runs fn on the UI thread. Every UI change from a goroutine goes through here.
func (d *Desk) onUI(fn func()) {
	if d.uiQueue != nil {
		d.uiQueue <- fn
		return
	}
	fyne.Do(func() {
		d.done.Lock()
		defer d.done.Unlock()
		fn()
	})
}

// every runs fn on the UI thread each interval until stop is closed (or the app this
// desk belongs to is no longer the running one, as when a test ends).
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
				d.onUI(fn)
			}
		}
	}()
}

// queueUI makes onUI queue its work for waitIdle (see uiQueue). Tests call it.
func (d *Desk) queueUI() { d.uiQueue = make(chan func(), 4096) }

// waitIdle blocks until all background work has finished and reported back, running
// the queued UI work on the caller's goroutine when queueUI is on.
func (d *Desk) waitIdle() {
	for {
		d.busy.Wait()
		select {
		case fn := <-d.uiQueue: // a nil channel (no queue) never delivers
			d.done.Lock()
			fn()
			d.done.Unlock()
		default:
			return
		}
	}
}

// showError tells the person what went wrong in win and logs the detail.
func (d *Desk) showError(win fyne.Window, err error) {
	d.logError(err)
	dialog.ShowError(humanError{err}, win)
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
