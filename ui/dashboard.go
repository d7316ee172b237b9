package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// dashboardEvery is how often a Dashboard on the screen counts again: sign-ins fail
// and codes expire at other desks without anything done here.
var dashboardEvery = 30 * time.Second

// openDashboard shows the Dashboard in the main window (View → Dashboard), counted
// afresh. People with Use new dashboard? on land on it after signing in.
func (d *Desk) openDashboard() {
	if d.staff != nil {
		d.staff.showDashboard()
	}
}

// dashboard is the main window's other page: what needs a manager's attention over the
// staff they may see (pending activations and those expiring, locked accounts, emails
// waiting or failed, accounts never signed in), and the same by office and by role.
// Each count is a button to the Staff grid filtered to the accounts it counts.
type dashboard struct {
	w       *staffWindow
	page    *fyne.Container
	content *fyne.Container // the page inside its scroller

	title    *widget.Label
	usage    *widget.Label
	failed   *widget.Label   // the dashboard could not be counted
	list     *fyne.Container // the attention items
	calm     *fyne.Container // "Nothing needs your attention"
	offices  *fyne.Container // the by-office table, under its heading
	roles    *fyne.Container
	toStaff  *button
	loads    int
	summary  *app.Dashboard
	shownFor string // the summary shown, as counted, so that an unchanged one is not redrawn

	// items are the attention list's buttons by what they count: "pending",
	// "expiring", "locked", "never", "mail waiting", "mail failed"; cells the tables'
	// counts above zero, links, by "office:<name>:<column>" or "role:<name>:<column>",
	// the column one of "staff", "pending", "expiring", "locked", "never".
	items map[string]*button
	cells map[string]*widget.Hyperlink
}

func newDashboard(w *staffWindow) *dashboard {
	db := &dashboard{w: w, items: map[string]*button{}, cells: map[string]*widget.Hyperlink{}}
	db.title = widget.NewLabelWithStyle("Dashboard", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	db.title.SizeName = theme.SizeNameSubHeadingText
	db.usage = widget.NewLabel("")
	db.failed = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	db.failed.Hide()
	db.toStaff = newButton("Staff list", theme.ListIcon(), widget.MediumImportance, w.showStaffPage)
	db.list = container.NewVBox()
	calmTitle := widget.NewLabelWithStyle("Nothing needs your attention", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	db.calm = container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), container.NewVBox(calmTitle,
		widget.NewLabel("No activations are waiting, no account is locked and everyone active has signed in.")))
	db.calm.Hide()
	db.offices, db.roles = container.NewVBox(), container.NewVBox()

	attention := widget.NewLabelWithStyle("Needs your attention", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	db.content = container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewVBox(db.toStaff), container.NewVBox(db.title, db.usage)),
		db.failed,
		widget.NewSeparator(), attention, db.list, db.calm,
		widget.NewSeparator(), db.offices,
		widget.NewSeparator(), db.roles,
		layout.NewSpacer())
	db.page = container.NewStack(container.NewVScroll(container.NewPadded(db.content)))
	return db
}

// showDashboard shows the Dashboard page instead of the grid and counts again.
func (w *staffWindow) showDashboard() {
	if w.dash == nil {
		w.dash = newDashboard(w)
		w.pages.Add(w.dash.page)
		w.d.every(dashboardEvery, w.stop, func() {
			if w.dash.page.Visible() {
				w.dash.load(false)
			}
		})
	}
	w.tip.hide(w.tip.owner)
	w.staffPage.Hide()
	w.dash.page.Show()
	w.pages.Refresh()
	w.win.SetTitle(dashboardTitle)
	w.win.Canvas().Unfocus()
	w.dash.load(true)
}

func (db *dashboard) hide() {
	if db.page.Visible() {
		db.page.Hide()
	}
}

// load counts in the background and shows the counts; a failure is told in a dialog
// when the person asked (tell), and on the page either way.
func (db *dashboard) load(tell bool) {
	db.loads++
	load := db.loads
	var sum *app.Dashboard
	d := db.w.d
	d.background(func(ctx context.Context) (err error) {
		sum, err = d.svc.Dashboard.Summary(ctx)
		return err
	}, func(err error) {
		if load != db.loads {
			return
		}
		if err != nil {
			db.failed.SetText("The dashboard could not be counted: " + app.ErrorMessage(err))
			db.failed.Show()
			if tell {
				d.showError(db.w.win, err)
			} else {
				d.logError(err)
			}
			return
		}
		db.failed.Hide()
		db.show(sum)
	})
}

// show puts sum on the page, unless it is what the page shows already.
func (db *dashboard) show(sum *app.Dashboard) {
	key := fmt.Sprintf("%+v", *sum)
	if key == db.shownFor {
		return
	}
	db.summary, db.shownFor = sum, key
	clear(db.items)
	clear(db.cells)
	if sum.Practice != "" {
		db.title.SetText("Dashboard — " + sum.Practice)
	}
	// A plan without a limit has nothing to count down to.
	db.usage.SetText(sum.Usage.Label())
	setVisible(db.usage, sum.Usage.Limit > 0)

	db.list.RemoveAll()
	item := func(key string, n int, one, many, hint string, icon fyne.Resource, tapped func()) {
		if n == 0 {
			return
		}
		b := newButton(plural(n, one, many), icon, widget.MediumImportance, tapped)
		db.items[key] = b
		db.list.Add(container.NewHBox(b, widget.NewLabel(hint)))
	}
	a := sum.All
	filter := func(st app.StatusChoice) func() {
		return func() { db.w.showFiltered(app.RosterFilter{Status: st}, false) }
	}
	// The hints name the grid's actions only to those who are offered them.
	expiringHint, lockedHint := "codes that expire within a day or have expired", "locked after failed sign-ins"
	if db.w.manage {
		expiringHint += ": resend them"
		lockedHint += ": unlock from the row's More menu"
	}
	item("pending", a.Pending, "pending activation", "pending activations",
		"waiting for the staff member to activate their account", theme.MailSendIcon(), filter(app.OnlyPending))
	item("expiring", a.Expiring, "activation expiring", "activations expiring",
		expiringHint, theme.WarningIcon(), filter(app.OnlyActivationExpiring))
	item("locked", a.Locked, "locked account", "locked accounts",
		lockedHint, theme.ErrorIcon(), filter(app.OnlyLocked))
	item("never", a.NeverSignedIn, "account never signed in", "accounts never signed in",
		"active, but nobody has signed in with them yet", theme.AccountIcon(), filter(app.OnlyNeverSignedIn))
	if sum.ShowMail {
		item("mail waiting", sum.MailWaiting, "email waiting", "emails waiting",
			"in the outbox, not sent yet", theme.MailComposeIcon(), db.w.d.openOutbox)
		item("mail failed", sum.MailFailed, "email failed", "emails failed",
			"could not be sent: see the outbox", theme.MailReplyAllIcon(), db.w.d.openOutbox)
	}
	setVisible(db.calm, len(db.list.Objects) == 0)

	db.fillTable(db.offices, "By office", "Office", "office", "No staff member is restricted to an office.", sum.Offices,
		func(g app.Group) app.RosterFilter { return app.RosterFilter{Office: g.ID} })
	db.fillTable(db.roles, "By role", "Role", "role", "No staff members yet.", sum.Roles,
		func(g app.Group) app.RosterFilter { return app.RosterFilter{Role: g.ID} })
	db.content.Refresh() // lays the page out again around what it holds now
}

// fillTable makes box a heading over a table of groups: each group's staff and
// attention counts, every count above zero a link to the grid filtered to it.
func (db *dashboard) fillTable(box *fyne.Container, heading, nameTitle, kind, empty string, groups []app.Group, of func(app.Group) app.RosterFilter) {
	box.RemoveAll()
	box.Add(widget.NewLabelWithStyle(heading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if len(groups) == 0 {
		box.Add(widget.NewLabel(empty))
		return
	}
	columns := []struct {
		key, title string
		status     app.StatusChoice
		count      func(app.Attention) int
	}{
		{"staff", "Staff", app.AnyStatus, func(a app.Attention) int { return a.Staff }},
		{"pending", "Pending", app.OnlyPending, func(a app.Attention) int { return a.Pending }},
		{"expiring", "Expiring", app.OnlyActivationExpiring, func(a app.Attention) int { return a.Expiring }},
		{"locked", "Locked", app.OnlyLocked, func(a app.Attention) int { return a.Locked }},
		{"never", "Never signed in", app.OnlyNeverSignedIn, func(a app.Attention) int { return a.NeverSignedIn }},
	}
	table := container.NewGridWithColumns(len(columns) + 1)
	bold := fyne.TextStyle{Bold: true}
	table.Add(widget.NewLabelWithStyle(nameTitle, fyne.TextAlignLeading, bold))
	for _, c := range columns {
		table.Add(widget.NewLabelWithStyle(c.title, fyne.TextAlignLeading, bold))
	}
	for _, g := range groups {
		table.Add(&widget.Label{Text: g.Name, Truncation: fyne.TextTruncateEllipsis})
		for _, c := range columns {
			n := c.count(g.Attention)
			if n == 0 {
				table.Add(widget.NewLabel("0"))
				continue
			}
			f := of(g)
			f.Status = c.status
			// "Staff" counts inactive accounts too: the grid shows them for it.
			withInactive := c.status == app.AnyStatus
			link := &widget.Hyperlink{Text: fmt.Sprint(n), OnTapped: func() { db.w.showFiltered(f, withInactive) }}
			link.ExtendBaseWidget(link)
			db.cells[kind+":"+g.Name+":"+c.key] = link
			table.Add(container.NewHBox(link))
		}
	}
	box.Add(table)
}

// plural is "1 locked account" or "3 locked accounts".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
