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
	// deskName is this computer's name as the person knows it, kept with each session
	// they open here (My Account lists their sessions by it).
	deskName string
	// sessionStop ends the watch on the session (watchSession) when it ends here;
	// checking is set while a look at it is under way.
	sessionStop chan struct{}
	checking    bool

	// The windows of the way in: Sign in, Set up your practice and Choose your
	// password, while open (nil otherwise).
	signIn *signInWindow
	setup  *setupWindow
	choose *choosePasswordWindow

	// demoText tops the Staff window while the demo practice is signed in as its office
	// manager (SetDemoBanner); demoBar shows it.
	demoText  string
	demoBar   *fyne.Container
	demoLabel *widget.Label
	// signInNote is said on Sign in under its title (SetSignInNote): the demo gives its
	// password there.
	signInNote string

	// started is set once the app runs: a window sized before then is fitted to the
	// screen when it starts (toFit), one sized after at once.
	started bool
	toFit   []func()

	// leave is signedOut, called through this field by backgroundShowing: the windows
	// the package's variables describe (officeKind …) call background, and a direct
	// call would make their initialisation refer to itself.
	leave func(msg string)

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
// until Start (or StartSignedIn).
func NewDesk(a fyne.App, svc *app.Services, log logrus.FieldLogger, run Runner) *Desk {
	d := &Desk{app: a, svc: svc, log: log, run: run, open: map[string]fyne.Window{}}
	d.leave = d.signedOut
	a.Lifecycle().SetOnStarted(func() {
		d.started = true
		for _, fit := range d.toFit {
			fit()
		}
		d.toFit = nil
	})
	return d
}

// SetDeskName names this computer in the sessions opened here (os.Hostname()).
func (d *Desk) SetDeskName(name string) { d.deskName = name }

// SetDemoBanner puts text at the top of the Staff window for as long as this sign-in
// lasts: the demo says whom it signed in and with which password.
func (d *Desk) SetDemoBanner(text string) {
	d.demoText = text
	if d.demoBar != nil {
		d.showDemoBar()
	}
}

// SetSignInNote puts text on Sign in, for every sign-in at this desk.
func (d *Desk) SetSignInNote(text string) { d.signInNote = text }

// Start opens the way in: Set up your practice while the database needs it (an empty
// one, or one from a release without sign-in), Sign in otherwise. It reads the
// database before any window is open, so there is nothing to freeze; an error means
// StaffDesk cannot start.
func (d *Desk) Start() error {
	state, err := d.svc.Practice.State(context.Background())
	if err != nil {
		return err
	}
	if state == app.SetupDone {
		d.showSignIn("")
	} else {
		d.showSetup(state)
	}
	return nil
}

// StartSignedIn starts with in already signed in (--demo signs in its office manager).
func (d *Desk) StartSignedIn(in *app.SignedIn) { d.enter(in) }

// Close ends the session of whoever is signed in, once the app has quit: its token was
// only ever in this process's memory, and My Account on another desk should not list
// it as open.
func (d *Desk) Close() {
	if d.token == "" {
		return
	}
	if err := d.svc.Session.SignOut(d.ctx()); err != nil {
		d.logError(err)
	}
	d.token, d.me = "", nil
}

// enter takes the person in after they signed in or set the practice up: first Choose
// your password when someone else chose theirs, then where they land.
func (d *Desk) enter(in *app.SignedIn) {
	d.signedIn(in)
	d.watchSession()
	if in.MustChangePassword {
		d.showChoosePassword(in)
		return
	}
	d.land(in)
}

// land shows the window the person lands on after signing in.
func (d *Desk) land(in *app.SignedIn) {
	d.ShowMain()
}

// signOut ends the session here and returns to Sign in saying so.
func (d *Desk) signOut() {
	token := d.token
	if token == "" {
		return
	}
	d.background(func(ctx context.Context) error {
		return d.svc.Session.SignOut(ctx)
	}, func(err error) {
		if d.token != token {
			return // signed out meanwhile (Sign out pressed twice)
		}
		// Signed out here either way: the token is forgotten and no later call can use
		// it; a session record left open only lists it in My Account.
		d.logError(err)
		d.signedOut(app.EndSignedOut.Message())
	})
}

// signedOut closes every window the session opened, forgets the session and shows
// Sign in saying msg (why, when the session ended elsewhere).
func (d *Desk) signedOut(msg string) {
	// Sign in first: the app quits when its last window closes.
	d.showSignIn(msg)
	d.mu.Lock()
	windows := make([]fyne.Window, 0, len(d.open))
	for _, w := range d.open {
		windows = append(windows, w)
	}
	d.mu.Unlock()
	for _, w := range windows {
		w.Close() // Close skips a window's close intercept ("Discard changes?")
	}
	if d.staff != nil {
		d.staff.win.Close()
		d.staff = nil
	}
	if d.choose != nil {
		d.choose.win.Close()
		d.choose = nil
	}
	d.waitBanner, d.staffFrame, d.demoBar, d.demoLabel, d.waits = nil, nil, nil, nil, 0
	d.demoText = "" // it named who was signed in
	if d.sessionStop != nil {
		close(d.sessionStop)
		d.sessionStop = nil
	}
	d.token, d.me, d.checking = "", nil, false
}

// sessionCheckEvery is how often the desk asks whether its session is still live, so
// that one ended on another desk (a password reset, a deactivation, End in My Account)
// returns this one to Sign in within seconds even while nobody touches it.
var sessionCheckEvery = 5 * time.Second

// watchSession starts asking, now and then, whether the session is still live.
func (d *Desk) watchSession() {
	if d.sessionStop != nil {
		close(d.sessionStop)
	}
	d.sessionStop = make(chan struct{})
	d.every(sessionCheckEvery, d.sessionStop, d.checkSession)
}

// checkSession asks whether the session is still live; background returns the desk to
// Sign in when it is not.
func (d *Desk) checkSession() {
	if d.token == "" || d.checking {
		return
	}
	d.checking = true
	d.background(func(ctx context.Context) error {
		_, err := d.svc.Session.Me(ctx)
		return err
	}, func(err error) {
		d.checking = false
		if err != nil {
			d.logError(err) // a busy disk, say: the next look may get through
		}
	})
}

// ShowMain builds and shows the Staff window and returns it; when it is open already it
// is brought forward.
func (d *Desk) ShowMain() fyne.Window {
	if d.staff != nil {
		d.staff.win.Show()
		d.staff.win.RequestFocus()
		return d.staff.win
	}
	d.staff = newStaffWindow(d)
	d.waitBanner = infoBar(theme.InfoIcon(), theme.ColorNamePrimary, widget.NewLabel(app.WaitingMessage))
	d.waitBanner.Hide()
	d.demoLabel = &widget.Label{Wrapping: fyne.TextWrapWord}
	d.demoBar = infoBar(theme.InfoIcon(), theme.ColorNamePrimary, d.demoLabel)
	d.showDemoBar()
	d.staffFrame = container.NewBorder(container.NewVBox(d.demoBar, d.waitBanner), nil, nil, nil, d.staff.win.Content())
	d.staff.win.SetContent(d.staffFrame)
	// Closing the Staff window quits the app, as its being the master window did; but a
	// master window also quits it when it is closed by signedOut.
	d.staff.win.SetCloseIntercept(d.app.Quit)
	d.fitToScreen(d.staff.win, d.staff.win.Canvas().Size())
	d.staff.win.Show()
	return d.staff.win
}

// showDemoBar shows demoText over the Staff window, or hides the bar without it.
func (d *Desk) showDemoBar() {
	d.demoLabel.SetText(d.demoText)
	if d.demoText == "" {
		d.demoBar.Hide()
	} else {
		d.demoBar.Show()
	}
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
//
// A call whose session has ended (ESIGNEDOUT: signed out on another desk, a password
// reset, a deactivation …) does not reach done: the desk returns to Sign in saying
// why, closing the window that asked. A late answer for a session already left is
// dropped.
func (d *Desk) backgroundShowing(waiting func(bool), work func(ctx context.Context) error, done func(err error)) {
	token := d.token
	ctx := app.WithWaitNotice(app.WithSession(context.Background(), token), func(on bool) { d.run.Do(func() { waiting(on) }) })
	d.run.Go(func() {
		err := work(ctx)
		d.run.Do(func() {
			if token != "" && app.ErrorCode(err) == app.ESIGNEDOUT {
				if token == d.token {
					d.logError(err)
					d.leave(app.ErrorMessage(err))
				}
				return
			}
			done(err)
		})
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
