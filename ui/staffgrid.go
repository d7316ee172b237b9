package ui

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
)

// mailBannerEvery is how often the main window asks how mail is flowing: the courier
// sends in the background, so the banner changes without anything done here.
var mailBannerEvery = 5 * time.Second

// staffWindow is the main window: every staff account in a grid the manager searches,
// sorts and acts on.
type staffWindow struct {
	d   *Desk
	win fyne.Window

	roster   *app.Roster // nil until the first load
	selected int64       // the selected account's ID; an ID survives sorting and filtering
	loads    int         // numbers each reload so that only the newest one is shown
	sorts    int         // numbers each sort so that a first sort finishing late is dropped
	now      time.Time   // the time the rows' statuses are told at, set on each refresh
	rowSize  fyne.Size   // a grid cell's least size
	tip      *cellTip    // a cut-off value shown whole while the pointer is on it

	search       *entry // Escape clears it
	showInactive *widget.Check
	addButton    *button
	table        *staffTable
	footer       *widget.Label

	loading      *widget.Label
	emptyState   *fyne.Container // no staff at all
	emptyText    *widget.Label
	addProvider  *button
	emptyAdd     *button
	noMatch      *fyne.Container // the search or switch hides every account
	noMatchLabel *widget.Label
	clearSearch  *button

	// The mail banner: "Email is not set up — 2 messages waiting", hidden when mail flows.
	mailBanner *fyne.Container
	mailText   *widget.Label
	mailAction *button // "Set up email" or "Open outbox"
	mailLoads  int
	mailHealth app.MailHealth
	mailShown  bool          // mailHealth is on the screen
	stop       chan struct{} // closed when the window closes: ends the banner's refreshing

	confirm  *dialog.ConfirmDialog // the Deactivate or Resend activation question, while it is open
	deletion *staffDeletion        // the Delete dialog, while it is open
	menu     *widget.PopUpMenu     // the last row's More menu shown
	menuOf   *fyne.Menu            // its items
}

func newStaffWindow(d *Desk) *staffWindow {
	w := &staffWindow{d: d, win: d.app.NewWindow("StaffDesk — Staff"), stop: make(chan struct{})}
	// The accounts are read while the window is built (its fonts alone take a twentieth
	// of a second): at 100,000 accounts the reading is what the first rows wait for.
	w.reload()
	w.buildUI()
	w.win.Resize(fyne.NewSize(1280, 800))
	w.win.SetOnClosed(func() {
		select {
		case <-w.stop:
		default:
			close(w.stop)
		}
	})
	w.loadMailBanner()
	// The courier sends in the background: the banner looks again now and then.
	d.every(mailBannerEvery, w.stop, w.loadMailBanner)
	return w
}

func (w *staffWindow) buildUI() {
	w.search = newEntry(&formKeys{cancel: w.onSearchEscape}, "Search name, username, email, phone or provider")
	w.search.OnChanged = w.onSearch
	w.showInactive = widget.NewCheck("Show inactive", w.onShowInactive)
	// The window's buttons are the ui's button: Enter presses it, and Escape reaches
	// onTypedKey, as in the other windows.
	w.addButton = newButton("+ Add Staff Member", nil, widget.HighImportance, w.d.openNewStaff)
	toolbar := container.NewBorder(nil, nil, nil, container.NewHBox(w.showInactive, w.addButton), w.search)

	w.mailText = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	w.mailAction = newButton("Open outbox", nil, widget.MediumImportance, w.onMailAction)
	w.mailBanner = infoBar(theme.WarningIcon(), theme.ColorNameWarning,
		container.NewBorder(nil, nil, nil, w.mailAction, w.mailText))
	w.mailBanner.Hide()

	w.rowSize = gridRowSize()
	w.tip = newCellTip()
	w.table = newStaffTable(w)
	w.footer = widget.NewLabel("")

	w.loading = widget.NewLabel("Loading staff…")

	title := widget.NewLabelWithStyle("No staff members yet", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	w.emptyText = &widget.Label{Alignment: fyne.TextAlignCenter}
	w.addProvider = newButton("Add a provider", nil, widget.HighImportance, w.d.openProviders)
	w.emptyAdd = newButton("+ Add Staff Member", nil, widget.HighImportance, w.d.openNewStaff)
	w.emptyState = container.NewCenter(container.NewVBox(
		title, w.emptyText, container.NewCenter(container.NewHBox(w.addProvider, w.emptyAdd))))

	w.noMatchLabel = &widget.Label{Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}
	w.clearSearch = newButton("Clear search", nil, widget.MediumImportance, w.onClearSearch)
	w.noMatch = container.NewVBox(layout.NewSpacer(), w.noMatchLabel, container.NewCenter(w.clearSearch), layout.NewSpacer())

	w.showOnly(w.loading)
	body := container.NewStack(w.table, w.emptyState, w.noMatch, container.NewCenter(w.loading), w.tip.layer)
	w.win.SetContent(container.NewBorder(container.NewVBox(w.mailBanner, toolbar), w.footer, nil, nil, body))
	w.win.SetMainMenu(w.mainMenu())
	w.win.Canvas().SetOnTypedKey(w.onTypedKey)
}

// onTypedKey gets the keys no widget takes, and Escape from the window's buttons and
// the grid, which pass it on. Escape closes the Delete dialog or whatever else is on
// top; with nothing open it brings the keyboard back to the search box: this window is
// the app, and Escape does not close it. (A question asked with newConfirm, and a
// notice, take the keys while they are up.)
func (w *staffWindow) onTypedKey(ev *fyne.KeyEvent) {
	switch top := w.win.Canvas().Overlays().Top(); {
	case w.deletion != nil:
		w.deletion.keys.handle(ev, false)
	case top != nil:
		if ev.Name == fyne.KeyEscape {
			top.Hide()
		}
	case ev.Name == fyne.KeyEscape:
		w.win.Canvas().Focus(w.search)
	}
}

func (w *staffWindow) mainMenu() *fyne.MainMenu {
	newStaff := fyne.NewMenuItem("New Staff Member", w.d.openNewStaff)
	newStaff.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	find := fyne.NewMenuItem("Find Staff", w.onFind)
	find.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	quit := fyne.NewMenuItem("Quit", w.d.app.Quit)
	quit.IsQuit = true
	return fyne.NewMainMenu(
		fyne.NewMenu("File", newStaff, find, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu("Practice",
			fyne.NewMenuItem("Providers…", w.d.openProviders),
			fyne.NewMenuItem("Offices…", w.d.openOffices),
			fyne.NewMenuItem("Roles…", w.d.openRoles),
			fyne.NewMenuItem("Care Team Roles…", w.d.openCareTeamRoles)),
		fyne.NewMenu("Email",
			fyne.NewMenuItem("Email Settings…", w.d.openEmailSettings),
			fyne.NewMenuItem("Outbox…", w.d.openOutbox),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Activate Account…", w.d.openActivate),
			fyne.NewMenuItem("Set a New Password…", w.d.openSetPassword)),
		fyne.NewMenu("Help", fyne.NewMenuItem("About StaffDesk", w.onAbout)),
	)
}

// reload reads every account again, keeping the selection.
func (w *staffWindow) reload() { w.reloadThen(nil) }

// reloadThen reads every account in the background and calls then once they are shown.
// With no staff at all it also checks for an active provider, which the empty state needs.
func (w *staffWindow) reloadThen(then func()) {
	w.loads++
	load := w.loads
	// The new roster is built and sorted in the background too (at 100,000 accounts that
	// is a tenth of a second the window would otherwise freeze for), with the search,
	// switch and sort as they are now; whatever changes meanwhile is applied after.
	query, showInactive := "", false // the first load starts before the window is built
	if w.search != nil {
		query, showInactive = w.search.Text, w.showInactive.Checked
	}
	col, desc := app.ColLogin, false
	first := w.roster == nil
	if !first {
		col, desc = w.roster.Sort()
	}
	var roster *app.Roster
	var longest *longestValues
	var hasProvider bool
	var read, built time.Duration
	w.d.background(func(ctx context.Context) error {
		began := time.Now()
		staff, err := w.d.svc.Staff.List(ctx)
		if err != nil {
			return err
		}
		read = time.Since(began)
		defer func() { built = time.Since(began) - read }()
		longest = findLongest(staff)
		roster = app.NewRoster(staff)
		roster.SetShowInactive(showInactive)
		roster.SortBy(col, desc)
		roster.SetQuery(query)
		if len(staff) > 0 {
			return nil
		}
		dir, err := w.d.svc.Directory.Load(ctx)
		if err != nil {
			return err
		}
		for _, p := range dir.Providers {
			hasProvider = hasProvider || p.Active
		}
		return nil
	}, func(err error) {
		if load != w.loads {
			return // a newer reload is under way and will show its own result
		}
		if err != nil {
			w.loading.SetText("The staff list could not be loaded.")
			w.d.showError(w.win, err)
			return
		}
		if w.search.Text != query {
			roster.SetQuery(w.search.Text)
		}
		if w.showInactive.Checked != showInactive {
			roster.SetShowInactive(w.showInactive.Checked)
		}
		if !first {
			if c, d := w.roster.Sort(); c != col || d != desc {
				roster.SortBy(c, d)
			}
		}
		// The columns fit the new values before the rows are drawn: each width that
		// changes redraws the table.
		w.table.cols.measure(longest)
		w.table.applyWidths()
		w.roster = roster
		if first {
			// Typing straight away searches: looking someone up is what the window is for.
			w.win.Canvas().Focus(w.search)
		}
		w.setEmptyStateText(hasProvider)
		if then != nil {
			then()
		}
		w.refresh(true)
		if first {
			// Reading many accounts left garbage several times their size (every text
			// value of every row is copied twice on its way in), which the Go runtime
			// would keep from the system for minutes: give it back now (18 MiB of
			// 291 at 100,000 accounts, 6 of 198 at 10,000).
			if roster.Total() >= 1000 {
				w.d.run.Go(debug.FreeOSMemory)
			}
			w.d.log.WithFields(logrus.Fields{"rows": roster.Total(), "read_ms": read.Milliseconds(),
				"built_ms": built.Milliseconds()}).Debug("start: the staff list is in the grid")
		}
	})
}

func (w *staffWindow) setEmptyStateText(hasProvider bool) {
	if hasProvider {
		w.emptyText.SetText("Staff members you add appear here.\nEach one gets an email to activate their account.")
		w.addProvider.Hide()
		w.emptyAdd.Importance = widget.HighImportance
	} else {
		w.emptyText.SetText("Every staff member needs a primary provider.\nAdd a provider first, then add your staff.")
		w.addProvider.Show()
		w.emptyAdd.Importance = widget.MediumImportance
	}
	w.emptyAdd.Refresh()
}

// refresh redraws the grid from the roster, once, and shows the right state: the grid,
// the empty practice, or a search that matches nothing. With scroll, the selected row
// is brought into view.
func (w *staffWindow) refresh(scroll bool) {
	if w.roster == nil {
		return
	}
	w.now = time.Now()
	switch {
	case w.roster.Total() == 0:
		w.showOnly(w.emptyState)
	case w.roster.Len() == 0:
		if q := strings.TrimSpace(w.search.Text); q != "" {
			w.noMatchLabel.SetText(fmt.Sprintf("No staff members match “%s”.", q))
			w.clearSearch.SetText("Clear search")
		} else {
			w.noMatchLabel.SetText("Every staff member is inactive.")
			w.clearSearch.SetText("Show inactive")
		}
		w.showOnly(w.noMatch)
	default:
		w.showOnly(w.table)
	}
	w.footer.SetText(fmt.Sprintf("Showing %d of %d records", w.roster.Len(), w.roster.Total()))
	if row := w.selectedRow(); scroll && row >= 0 && w.table.Size().Width > 0 {
		w.scrollTo(row) // scrolling redraws the rows
		return
	}
	w.table.Refresh()
}

func (w *staffWindow) showOnly(shown fyne.CanvasObject) {
	for _, o := range []fyne.CanvasObject{w.table, w.emptyState, w.noMatch, w.loading} {
		if o == shown {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// selectedRow is the shown position of the selected account, or -1.
func (w *staffWindow) selectedRow() int {
	if w.roster == nil || w.selected == 0 {
		return -1
	}
	return w.roster.IndexOf(w.selected)
}

// selectRow selects the account shown at row and brings it into view.
func (w *staffWindow) selectRow(row int) {
	if w.roster == nil || row < 0 || row >= w.roster.Len() {
		return
	}
	w.selected = w.roster.Row(row).ID
	w.table.markSelected()
	w.scrollToSelected()
}

// scrollToSelected brings the selected row into view.
func (w *staffWindow) scrollToSelected() {
	if row := w.selectedRow(); row >= 0 {
		w.scrollTo(row)
	}
}

// scrollTo brings row into view, redrawing the rows once. Before any row is drawn to
// measure from, the table's own selection does it (marking a single cell, which is
// unselected at once: the row highlight is drawn by the cells).
func (w *staffWindow) scrollTo(row int) {
	if w.table.scrollTo(row) {
		return
	}
	id := widget.TableCellID{Row: row, Col: 0}
	w.table.Select(id)
	w.table.Unselect(id)
}

// staffSaved shows a created or edited account: reloaded, selected and in view, even
// when the search or the Show inactive switch would have hidden it.
func (d *Desk) staffSaved(s *app.Staff) {
	w := d.staff
	if w == nil || s == nil {
		return
	}
	w.reloadThen(func() {
		w.selected = s.ID
		if w.roster.IndexOf(s.ID) < 0 && s.Status == app.StatusInactive && !w.showInactive.Checked {
			w.showInactive.SetChecked(true)
		}
		if w.roster.IndexOf(s.ID) < 0 && w.search.Text != "" {
			w.search.SetText("")
		}
	})
	d.mailChanged()
}

// mailChanged shows the main window's mail banner as the outbox is now: after
// anything that queues, sends or cancels an email, or changes the email settings.
func (d *Desk) mailChanged() {
	if d.staff != nil {
		d.staff.loadMailBanner()
	}
}

// loadMailBanner asks the outbox how mail flows and shows the answer above the grid.
func (w *staffWindow) loadMailBanner() {
	w.mailLoads++
	load := w.mailLoads
	var health app.MailHealth
	w.d.background(func(ctx context.Context) (err error) {
		health, err = w.d.svc.Outbox.Health(ctx)
		return err
	}, func(err error) {
		if load != w.mailLoads {
			return
		}
		if err != nil {
			w.d.logError(err) // the banner keeps its last words; the next look may succeed
			return
		}
		w.showMailHealth(health)
	})
}

// showMailHealth shows h in the banner. The banner looks again every few seconds and
// the answer is mostly the same: then nothing is set, since setting the same words
// again still redraws the window.
func (w *staffWindow) showMailHealth(h app.MailHealth) {
	if h == w.mailHealth && w.mailShown {
		return
	}
	w.mailHealth, w.mailShown = h, true
	if h.State == app.MailOK {
		w.mailBanner.Hide()
		return
	}
	w.mailText.SetText(h.Label())
	if h.State == app.MailNotConfigured {
		w.mailAction.SetText("Set up email")
	} else {
		w.mailAction.SetText("Open outbox")
	}
	w.mailBanner.Show()
}

func (w *staffWindow) onMailAction() {
	if w.mailHealth.State == app.MailNotConfigured {
		w.d.openEmailSettings()
	} else {
		w.d.openOutbox()
	}
}

// directoryChanged reloads the grid: a provider's or role's name may have changed.
func (d *Desk) directoryChanged() {
	if d.staff != nil {
		d.staff.reload()
	}
}

// onSearch filters the accounts already in memory: typing never waits on the database.
func (w *staffWindow) onSearch(q string) {
	if w.roster == nil {
		return
	}
	w.roster.SetQuery(q)
	w.refresh(false)
}

// onSearchEscape clears the search, showing every row again. In an empty search box
// Escape is the window's, as from the grid and the buttons: it closes what is on top,
// and otherwise leaves the keyboard where it is, in the search box.
func (w *staffWindow) onSearchEscape() {
	if w.search.Text != "" {
		w.search.SetText("")
		return
	}
	w.onTypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
}

func (w *staffWindow) onShowInactive(show bool) {
	if w.roster == nil {
		return
	}
	w.roster.SetShowInactive(show)
	w.refresh(true)
}

func (w *staffWindow) onClearSearch() {
	if strings.TrimSpace(w.search.Text) == "" {
		w.showInactive.SetChecked(true)
	} else {
		w.search.SetText("")
	}
	w.win.Canvas().Focus(w.search)
}

func (w *staffWindow) onFind() {
	w.win.Canvas().Focus(w.search)
}

func (w *staffWindow) onAbout() {
	meta := fyne.CurrentApp().Metadata()
	name := meta.Name
	if name == "" {
		name = "StaffDesk"
	}
	version := meta.Version
	if version == "" {
		version = "development build"
	} else if meta.Build > 0 {
		version = fmt.Sprintf("%s (build %d)", version, meta.Build)
	}
	showNotice(dialog.NewInformation("About StaffDesk",
		fmt.Sprintf("%s %s\n\nOffice staff accounts for your practice, kept on this computer.", name, version), w.win), w.win)
}

// onSort sorts by the column whose header was clicked; clicking it again reverses.
func (w *staffWindow) onSort(col int) {
	if w.roster == nil || col >= colActions {
		return
	}
	cur, desc := w.roster.Sort()
	sortCol := app.StaffColumn(col)
	desc = cur == sortCol && !desc
	w.sorts++
	if w.roster.HasOrder(sortCol) {
		w.roster.SortBy(sortCol, desc)
		w.refresh(true)
		return
	}
	// The first sort by a column compares every account (a twentieth of a second at
	// 100,000): it runs in the background, and the window keeps answering meanwhile.
	roster, sort, work := w.roster, w.sorts, w.roster.OrderWork(sortCol)
	var order app.ColumnOrder
	w.d.background(func(context.Context) error {
		order = work()
		return nil
	}, func(error) {
		roster.AddOrder(order)
		if w.roster != roster || w.sorts != sort {
			return // reloaded or sorted again meanwhile
		}
		roster.SortBy(sortCol, desc)
		w.refresh(true)
	})
}

func (w *staffWindow) onEditSelected() {
	if w.selectedRow() >= 0 {
		w.d.openEditStaff(w.selected)
	}
}

func (w *staffWindow) onMoveSelection(delta int) {
	if w.roster == nil || w.roster.Len() == 0 {
		return
	}
	row := w.selectedRow()
	if row < 0 {
		row = 0
	} else {
		row = min(max(row+delta, 0), w.roster.Len()-1)
	}
	w.selectRow(row)
}

// onDeactivate asks before an account loses its sign-in.
func (w *staffWindow) onDeactivate(s *app.Staff) {
	w.selected = s.ID
	w.table.markSelected()
	w.confirm = newConfirm("Deactivate staff member",
		fmt.Sprintf("Deactivate %s (%s)? They will no longer be able to sign in.", s.FullName(), s.Username),
		func(ok bool) {
			w.confirm = nil
			if ok {
				w.changeStatus(s, w.d.svc.Staff.Deactivate)
			}
		}, w.win)
	w.confirm.SetConfirmText("Deactivate")
	w.confirm.SetConfirmImportance(widget.DangerImportance)
	w.confirm.Show()
}

// onReactivate needs no question: it is undone by Deactivate.
func (w *staffWindow) onReactivate(s *app.Staff) {
	w.selected = s.ID
	w.changeStatus(s, w.d.svc.Staff.Reactivate)
}

// changeStatus deactivates or reactivates s as the grid showed it: an account changed
// since on another desk is refused by the service, and the grid then shows it as it
// is now, for the manager to look at before trying again.
func (w *staffWindow) changeStatus(s *app.Staff, change func(ctx context.Context, id, version int64) (*app.Staff, error)) {
	w.d.background(func(ctx context.Context) error {
		_, err := change(ctx, s.ID, s.Version)
		return err
	}, func(err error) {
		w.d.mailChanged() // deactivating cancels the account's waiting emails
		if app.IsChanged(err) {
			w.reloadThen(func() { w.d.showMovedOn(w.win, app.AccountOf(s.FirstName), err) })
			return
		}
		if err != nil {
			w.d.showError(w.win, err)
		}
		w.reload()
	})
}

// onResendActivation asks, then sends a Pending account a new activation email.
func (w *staffWindow) onResendActivation(s *app.Staff) {
	w.selected = s.ID
	w.table.markSelected()
	w.confirm = newConfirm("Resend activation email",
		fmt.Sprintf("Send a new activation email to %s? The code in the previous one stops working.", s.Email),
		func(ok bool) {
			w.confirm = nil
			if !ok {
				return
			}
			w.d.background(func(ctx context.Context) error {
				return w.d.svc.Accounts.ResendActivation(ctx, s.ID, s.Version)
			}, func(err error) {
				if app.IsChanged(err) {
					w.reloadThen(func() { w.d.showMovedOn(w.win, app.AccountOf(s.FirstName), err) })
					return
				}
				if err != nil {
					w.d.showError(w.win, err)
				}
				w.reload() // the expiry starts again
				w.d.mailChanged()
			})
		}, w.win)
	w.confirm.SetConfirmText("Send")
	w.confirm.Show()
}

// rowMenu is a row's More menu: what is done to an account less often than viewing or
// editing it.
func (w *staffWindow) rowMenu(s *app.Staff) *fyne.Menu {
	var items []*fyne.MenuItem
	if s.Status == app.StatusPending {
		items = append(items, fyne.NewMenuItem("Resend activation email…", func() { w.onResendActivation(s) }))
	}
	if s.Status == app.StatusInactive {
		items = append(items, fyne.NewMenuItem("Reactivate", func() { w.onReactivate(s) }))
	} else {
		items = append(items, fyne.NewMenuItem("Deactivate…", func() { w.onDeactivate(s) }))
	}
	del := fyne.NewMenuItem("Delete…", func() { w.onDelete(s) })
	del.Icon = theme.DeleteIcon()
	items = append(items, fyne.NewMenuItemSeparator(), del)
	return fyne.NewMenu("", items...)
}

// showRowMenu opens the More menu of account s under the button that asked for it.
func (w *staffWindow) showRowMenu(s *app.Staff, under fyne.CanvasObject) {
	w.selected = s.ID
	w.table.markSelected()
	w.menuOf = w.rowMenu(s)
	w.menu = widget.NewPopUpMenu(w.menuOf, w.win.Canvas())
	// The menu hangs from the button's right edge: the column is the window's last.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(under)
	x := max(pos.X+under.Size().Width-w.menu.MinSize().Width, 0)
	w.menu.ShowAtPosition(fyne.NewPos(x, pos.Y+under.Size().Height))
}

func (w *staffWindow) onDelete(s *app.Staff) {
	w.selected = s.ID
	w.table.markSelected()
	w.deletion = newStaffDeletion(w, s)
}
