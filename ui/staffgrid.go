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
// filters, sorts and acts on, and the Dashboard (dashboard.go) as its other page.
type staffWindow struct {
	d   *Desk
	win fyne.Window

	// What the signed-in person may do, as of the window's building (a change of their
	// role or its permissions ends their session, and the window with it): the window
	// offers nothing else.
	manage   bool // Manage Accounts: add, edit, the More menu's actions
	practice bool // Manage Practice: the Practice and Email menus' settings, the outbox

	roster   *app.Roster // nil until the first load
	selected int64       // the selected account's ID; an ID survives sorting and filtering
	loads    int         // numbers each reload so that only the newest one is shown
	sorts    int         // numbers each sort so that a first sort finishing late is dropped
	now      time.Time   // the time the rows' statuses are told at, set on each refresh
	rowSize  fyne.Size   // a grid cell's least size
	tip      *cellTip    // a cut-off value shown whole while the pointer is on it

	search       *entry // Escape clears it
	showInactive *widget.Check
	addButton    *button         // nil without Manage Accounts
	usage        app.StaffUsage  // as of the last reload
	usageLabel   *widget.Label   // "14 of 15 staff accounts used", shown when near the limit
	searchRow    *fyne.Container // the search box, the usage and Add
	table        *staffTable
	footer       *widget.Label

	// The filters: status, office and role drop-downs over the roster's RosterFilter.
	filter       app.RosterFilter
	officeOpts   options // All offices, Not restricted, then the practice's offices
	roleOpts     options // All roles, then the practice's roles
	officeChoice *choice
	roleChoice   *choice
	statusChoice *choice
	officeBox    *fyne.Container // the office drop-down, as wide as its longest office
	roleBox      *fyne.Container
	syncing      bool // the drop-downs are being set from filter: their OnChanged waits

	pages       *fyne.Container // the Staff page and the Dashboard, one of them shown
	staffPage   *fyne.Container
	dash        *dashboard // nil until first shown
	toDashboard *button

	loading      *widget.Label
	noMatch      *fyne.Container // the search, a filter or the switch hides every account
	noMatchLabel *widget.Label
	clearSearch  *button // "Clear search", "Clear filters" or "Show inactive"

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
	w := &staffWindow{d: d, win: d.app.NewWindow(staffTitle), stop: make(chan struct{}),
		manage: d.can(app.PermManageAccounts), practice: d.can(app.PermManagePractice)}
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

// The main window's titles, one per page.
const (
	staffTitle     = "StaffDesk — Staff"
	dashboardTitle = "StaffDesk — Dashboard"
)

func (w *staffWindow) buildUI() {
	w.search = newEntry(&formKeys{cancel: w.onSearchEscape}, "Search name, username, email, phone or provider")
	w.search.OnChanged = w.onSearch
	w.showInactive = widget.NewCheck("Show inactive", w.onShowInactive)
	// The window's buttons are the ui's button: Enter presses it, and Escape reaches
	// onTypedKey, as in the other windows.
	w.usageLabel = widget.NewLabel("")
	w.usageLabel.Hide()
	right := container.NewHBox(w.usageLabel)
	if w.manage {
		w.addButton = newButton("+ Add Staff Member", nil, widget.HighImportance, w.onAdd)
		right.Add(w.addButton)
	}
	w.officeOpts, w.roleOpts = officeChoices(nil), roleChoices(nil)
	escape := &formKeys{cancel: func() { w.onTypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) }}
	w.statusChoice = newChoice(escape, statusLabels(), func(string) { w.onFilterChosen() })
	w.officeChoice = newChoice(escape, w.officeOpts.labels, func(string) { w.onFilterChosen() })
	w.roleChoice = newChoice(escape, w.roleOpts.labels, func(string) { w.onFilterChosen() })
	w.toDashboard = newButton("Dashboard", theme.HomeIcon(), widget.MediumImportance, w.d.openDashboard)
	w.syncFilterChoices()
	w.officeBox, w.roleBox = fixedWidth(w.officeChoice), fixedWidth(w.roleChoice)
	filters := container.NewHBox(fixedWidth(w.statusChoice), w.officeBox, w.roleBox, w.showInactive)
	w.searchRow = container.NewBorder(nil, nil, nil, right, w.search)
	toolbar := container.NewVBox(
		w.searchRow,
		container.NewBorder(nil, nil, filters, w.toDashboard))

	w.mailText = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	w.mailAction = newButton("Open outbox", nil, widget.MediumImportance, w.onMailAction)
	var mailAction fyne.CanvasObject
	if w.practice {
		mailAction = w.mailAction // settings and the outbox are Manage Practice's
	}
	w.mailBanner = infoBar(theme.WarningIcon(), theme.ColorNameWarning,
		container.NewBorder(nil, nil, nil, mailAction, w.mailText))
	w.mailBanner.Hide()

	w.rowSize = gridRowSize()
	w.tip = newCellTip()
	w.table = newStaffTable(w)
	w.footer = widget.NewLabel("")

	w.loading = widget.NewLabel("Loading staff…")

	w.noMatchLabel = &widget.Label{Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}
	w.clearSearch = newButton("Clear search", nil, widget.MediumImportance, w.onClearSearch)
	w.noMatch = container.NewVBox(layout.NewSpacer(), w.noMatchLabel, container.NewCenter(w.clearSearch), layout.NewSpacer())

	w.showOnly(w.loading)
	body := container.NewStack(w.table, w.noMatch, container.NewCenter(w.loading), w.tip.layer)
	w.staffPage = container.NewBorder(toolbar, w.footer, nil, nil, body)
	w.pages = container.NewStack(w.staffPage)
	w.win.SetContent(container.NewBorder(w.mailBanner, nil, nil, nil, w.pages))
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
	case ev.Name == fyne.KeyEscape && w.staffPage.Visible():
		w.win.Canvas().Focus(w.search)
	}
}

// mainMenu offers what the signed-in person may do: adding staff with Manage
// Accounts, the practice's settings and the outbox with Manage Practice, Permissions
// with Manage Permissions. Activate Account and Set a New Password are everyone's (the
// emailed-code flows), and so are My Account and Sign Out.
func (w *staffWindow) mainMenu() *fyne.MainMenu {
	find := fyne.NewMenuItem("Find Staff", w.onFind)
	find.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	quit := fyne.NewMenuItem("Quit", w.d.app.Quit)
	quit.IsQuit = true
	file := fyne.NewMenu("File", find, fyne.NewMenuItemSeparator(), quit)
	if w.manage {
		newStaff := fyne.NewMenuItem("New Staff Member", w.onAdd)
		newStaff.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
		file.Items = append([]*fyne.MenuItem{newStaff}, file.Items...)
	}
	view := fyne.NewMenu("View",
		fyne.NewMenuItem("Dashboard", w.d.openDashboard),
		fyne.NewMenuItem("Staff", w.showStaffPage))
	email := fyne.NewMenu("Email",
		fyne.NewMenuItem("Activate Account…", w.d.openActivate),
		fyne.NewMenuItem("Set a New Password…", w.d.openSetPassword))
	menus := []*fyne.Menu{file, view}
	practice := fyne.NewMenu("Practice")
	if w.practice {
		practice.Items = append(practice.Items,
			fyne.NewMenuItem("Providers…", w.d.openProviders),
			fyne.NewMenuItem("Offices…", w.d.openOffices),
			fyne.NewMenuItem("Roles…", w.d.openRoles),
			fyne.NewMenuItem("Care Team Roles…", w.d.openCareTeamRoles),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Practice Settings…", w.d.openPracticeSettings))
	}
	if w.d.can(app.PermManagePermissions) {
		practice.Items = append(practice.Items, fyne.NewMenuItem("Permissions…", w.d.openPermissions))
	}
	if len(practice.Items) > 0 {
		menus = append(menus, practice)
	}
	if w.practice {
		email.Items = append([]*fyne.MenuItem{
			fyne.NewMenuItem("Email Settings…", w.d.openEmailSettings),
			fyne.NewMenuItem("Outbox…", w.d.openOutbox),
			fyne.NewMenuItemSeparator()}, email.Items...)
	}
	account := fyne.NewMenu("Account",
		fyne.NewMenuItem("My Account…", w.d.openMyAccount),
		fyne.NewMenuItem("Sign Out", w.d.signOut))
	menus = append(menus, email, account, fyne.NewMenu("Help", fyne.NewMenuItem("About StaffDesk", w.onAbout)))
	return fyne.NewMainMenu(menus...)
}

// reload reads every account again, keeping the selection.
func (w *staffWindow) reload() { w.reloadThen(nil) }

// reloadThen reads every account in the background and calls then once they are shown,
// with the offices and roles the filters offer and how many accounts the plan has left.
// (The list is never empty: the person signed in sees their own account.)
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
	filter := w.filter
	col, desc := app.ColLogin, false
	first := w.roster == nil
	if !first {
		col, desc = w.roster.Sort()
	}
	var roster *app.Roster
	var longest *longestValues
	var dir *app.Directory
	var usage app.StaffUsage
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
		roster.SetFilter(filter, time.Now())
		roster.SortBy(col, desc)
		roster.SetQuery(query)
		// The filters' offices and roles, and how many accounts the plan has left:
		// creating, deactivating, reactivating and deleting all reload.
		if usage, err = w.d.svc.Practice.Usage(ctx); err != nil {
			return err
		}
		if dir, err = w.d.svc.Directory.Load(ctx); err != nil {
			return err
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
		w.setDirectoryChoices(dir)
		if w.filter != filter {
			roster.SetFilter(w.filter, time.Now())
		}
		w.showUsage(usage)
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
		if then != nil {
			then()
		}
		w.refresh(true)
		if w.dash != nil && w.dash.page.Visible() {
			w.dash.load(false) // what changed the accounts changed their counts
		}
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

// refresh redraws the grid from the roster, once, and shows the right state: the grid,
// or a search or filter that matches nothing. With scroll, the selected row
// is brought into view.
func (w *staffWindow) refresh(scroll bool) {
	if w.roster == nil {
		return
	}
	w.now = time.Now()
	w.roster.SetNow(w.now) // a lock that ended leaves the Locked filter
	switch {
	case w.roster.Len() == 0:
		if q := strings.TrimSpace(w.search.Text); q != "" {
			w.noMatchLabel.SetText(fmt.Sprintf("No staff members match “%s”.", q))
			w.clearSearch.SetText("Clear search")
		} else if w.filter.Narrows() {
			w.noMatchLabel.SetText("No staff members match the filters.")
			w.clearSearch.SetText("Clear filters")
		} else {
			w.noMatchLabel.SetText("Every staff member is inactive.")
			w.clearSearch.SetText("Show inactive")
		}
		w.showOnly(w.noMatch)
	default:
		w.showOnly(w.table)
	}
	w.footer.SetText(fmt.Sprintf("Showing %d of %d records", w.roster.Len(), w.roster.Total()))
	// The rows change under the pointer: the row under it shows its buttons again when
	// it moves (staffCell.MouseMoved).
	w.table.setHover(0)
	if row := w.selectedRow(); scroll && row >= 0 && w.table.Size().Width > 0 {
		w.scrollTo(row) // scrolling redraws the rows
		return
	}
	w.table.Refresh()
}

func (w *staffWindow) showOnly(shown fyne.CanvasObject) {
	for _, o := range []fyne.CanvasObject{w.table, w.noMatch, w.loading} {
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
// when the search, a filter or the Show inactive switch would have hidden it.
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
		if w.roster.IndexOf(s.ID) < 0 && w.filter.Narrows() {
			w.setFilter(app.RosterFilter{})
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

// practiceChanged reloads the grid after the practice's settings are saved: its staff
// account limit, which "+ Add Staff Member" counts against, may have changed.
func (d *Desk) practiceChanged() { d.directoryChanged() }

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
	switch {
	case strings.TrimSpace(w.search.Text) != "":
		w.search.SetText("")
	case w.filter.Narrows():
		w.setFilter(app.RosterFilter{})
	default:
		w.showInactive.SetChecked(true)
	}
	w.win.Canvas().Focus(w.search)
}

func (w *staffWindow) onFind() {
	w.showStaffPage()
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

// onEditSelected opens the selected account: for editing with Manage Accounts, to
// view without.
func (w *staffWindow) onEditSelected() {
	if w.selectedRow() >= 0 {
		w.open(w.selected)
	}
}

// open opens account id as the person may: Edit with Manage Accounts, View without.
func (w *staffWindow) open(id int64) {
	if w.mayManageID(id) {
		w.d.openEditStaff(id)
	} else {
		w.d.openView(id)
	}
}

// mayManageID is mayManage for the account id shows in the grid.
func (w *staffWindow) mayManageID(id int64) bool {
	if w.roster == nil {
		return false
	}
	row := w.roster.IndexOf(id)
	return row >= 0 && w.mayManage(w.roster.Row(row))
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

// showStaffPage shows the grid in the main window (View → Staff).
func (w *staffWindow) showStaffPage() {
	if w.dash != nil {
		w.dash.hide()
	}
	if !w.staffPage.Visible() {
		w.staffPage.Show()
		w.pages.Refresh()
	}
	w.win.SetTitle(staffTitle)
	w.win.Canvas().Focus(w.search)
}
