package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// gridColumn is one column of the Staff grid. The first nine are the roster's sort
// columns in the same order (app.ColLogin ... app.ColStatus); the last holds the actions.
type gridColumn struct {
	title  string // a "\n" splits a long title over the header's two lines
	sample string // the widest text the column should show without cutting it off
}

var staffColumns = []gridColumn{
	{title: "Login", sample: "camilles.staff"},
	{title: "Name", sample: "Camille Staffordson"},
	{title: "Email", sample: "luis.ortega@example.com."},
	{title: "Primary\nProvider", sample: "Kate Provider, MD"},
	{title: "Cell", sample: "(212) 555-0123"},
	{title: "Home", sample: "(212) 555-0123"},
	{title: "Emer\nAcs", sample: "Acs"},
	{title: "2-Fac\nSec", sample: "Inactive"},
	{title: "Status", sample: "Pending activation"},
	{title: "Actions"},
}

// colActions is the column after the roster's last sort column.
const colActions = int(app.ColStatus) + 1

// mailBannerEvery is how often the main window asks how mail is flowing: the courier
// sends in the background, so the banner changes without anything done here.
var mailBannerEvery = 5 * time.Second

// gridInnerPadding is the grid's padding inside a cell. The theme's 8 would push the
// Actions column past the right edge of a 1280-pixel window.
const gridInnerPadding = 6

// staffWindow is the main window: every staff account in a grid the manager searches,
// sorts and acts on.
type staffWindow struct {
	d   *Desk
	win fyne.Window

	roster   *app.Roster // nil until the first load
	selected int64       // the selected account's ID; an ID survives sorting and filtering
	loads    int         // numbers each reload so that only the newest one is shown

	search       *widget.Entry
	showInactive *widget.Check
	addButton    *widget.Button
	table        *staffTable
	footer       *widget.Label

	loading      *widget.Label
	emptyState   *fyne.Container // no staff at all
	emptyText    *widget.Label
	addProvider  *widget.Button
	emptyAdd     *widget.Button
	noMatch      *fyne.Container // the search or switch hides every account
	noMatchLabel *widget.Label
	clearSearch  *widget.Button

	// The mail banner: "Email is not set up — 2 messages waiting", hidden when mail flows.
	mailBanner  *fyne.Container
	mailText    *widget.Label
	mailAction  *widget.Button // "Set up email" or "Open outbox"
	mailLoads   int
	mailSummary string
	stop        chan struct{} // closed when the window closes: ends the banner's refreshing

	confirm  *dialog.ConfirmDialog // the Deactivate or Resend activation question, while it is open
	deletion *staffDeletion        // the Delete dialog, while it is open
	menu     *widget.PopUpMenu     // the last row's More menu shown
	menuOf   *fyne.Menu            // its items
}

func newStaffWindow(d *Desk) *staffWindow {
	w := &staffWindow{d: d, win: d.app.NewWindow("StaffDesk — Staff"), stop: make(chan struct{})}
	w.buildUI()
	w.win.SetMaster()
	w.win.Resize(fyne.NewSize(1280, 800))
	w.win.SetOnClosed(func() {
		select {
		case <-w.stop:
		default:
			close(w.stop)
		}
	})
	w.reload()
	w.loadMailBanner()
	// The courier sends in the background: the banner looks again now and then.
	d.every(mailBannerEvery, w.stop, w.loadMailBanner)
	return w
}

func (w *staffWindow) buildUI() {
	w.search = widget.NewEntry()
	w.search.PlaceHolder = "Search name, username, email, phone or provider"
	w.search.OnChanged = w.onSearch
	w.showInactive = widget.NewCheck("Show inactive", w.onShowInactive)
	w.addButton = &widget.Button{Text: "+ Add Staff Member", Importance: widget.HighImportance, OnTapped: w.d.openNewStaff}
	toolbar := container.NewBorder(nil, nil, nil, container.NewHBox(w.showInactive, w.addButton), w.search)

	w.mailText = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	w.mailAction = widget.NewButton("Open outbox", w.onMailAction)
	w.mailBanner = infoBar(theme.WarningIcon(), theme.ColorNameWarning,
		container.NewBorder(nil, nil, nil, w.mailAction, w.mailText))
	w.mailBanner.Hide()

	w.table = newStaffTable(w)
	w.footer = widget.NewLabel("")

	w.loading = widget.NewLabel("Loading staff…")

	title := widget.NewLabelWithStyle("No staff members yet", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	w.emptyText = &widget.Label{Alignment: fyne.TextAlignCenter}
	w.addProvider = &widget.Button{Text: "Add a provider", Importance: widget.HighImportance, OnTapped: w.d.openProviders}
	w.emptyAdd = &widget.Button{Text: "+ Add Staff Member", Importance: widget.HighImportance, OnTapped: w.d.openNewStaff}
	w.emptyState = container.NewCenter(container.NewVBox(
		title, w.emptyText, container.NewCenter(container.NewHBox(w.addProvider, w.emptyAdd))))

	w.noMatchLabel = &widget.Label{Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}
	w.clearSearch = widget.NewButton("Clear search", w.onClearSearch)
	w.noMatch = container.NewVBox(layout.NewSpacer(), w.noMatchLabel, container.NewCenter(w.clearSearch), layout.NewSpacer())

	w.showOnly(w.loading)
	body := container.NewStack(w.table, w.emptyState, w.noMatch, container.NewCenter(w.loading))
	w.win.SetContent(container.NewBorder(container.NewVBox(w.mailBanner, toolbar), w.footer, nil, nil, body))
	w.win.SetMainMenu(w.mainMenu())
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
func (w *staffWindow) reload() { w.reloadThen(w.scrollToSelected) }

// reloadThen reads every account in the background and calls then once they are shown.
// With no staff at all it also checks for an active provider, which the empty state needs.
func (w *staffWindow) reloadThen(then func()) {
	w.loads++
	load := w.loads
	// The new roster is built and sorted in the background too (at 100,000 accounts that
	// is a tenth of a second the window would otherwise freeze for), with the search,
	// switch and sort as they are now; whatever changes meanwhile is applied after.
	query, showInactive := w.search.Text, w.showInactive.Checked
	col, desc := app.ColLogin, false
	first := w.roster == nil
	if !first {
		col, desc = w.roster.Sort()
	}
	var roster *app.Roster
	var hasProvider bool
	w.d.background(func(ctx context.Context) error {
		staff, err := w.d.svc.Staff.List(ctx)
		if err != nil {
			return err
		}
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
		w.roster = roster
		if first {
			// Typing straight away searches: looking someone up is what the window is for.
			w.win.Canvas().Focus(w.search)
		}
		w.setEmptyStateText(hasProvider)
		w.refresh()
		if then != nil {
			then()
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

// refresh redraws the grid from the roster and shows the right state: the grid, the
// empty practice, or a search that matches nothing.
func (w *staffWindow) refresh() {
	if w.roster == nil {
		return
	}
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
	w.scrollToSelected()
}

// scrollToSelected brings the selected row into view and puts the table's keyboard
// focus on it. The table's own selection marks a single cell, so the row highlight is
// drawn by the cells; the table is only asked to move its focus there.
func (w *staffWindow) scrollToSelected() {
	w.table.Refresh()
	row := w.selectedRow()
	if row < 0 {
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
		w.scrollToSelected()
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
	var summary string
	w.d.background(func(ctx context.Context) (err error) {
		summary, err = w.d.svc.Outbox.Summary(ctx)
		return err
	}, func(err error) {
		if load != w.mailLoads {
			return
		}
		if err != nil {
			w.d.logError(err) // the banner keeps its last words; the next look may succeed
			return
		}
		w.showMailSummary(summary)
	})
}

func (w *staffWindow) showMailSummary(summary string) {
	w.mailSummary = summary
	if summary == "" {
		w.mailBanner.Hide()
		return
	}
	w.mailText.SetText(summary)
	if notSetUp(summary) {
		w.mailAction.SetText("Set up email")
	} else {
		w.mailAction.SetText("Open outbox")
	}
	w.mailBanner.Show()
}

// notSetUp reports whether the outbox's summary says email has no settings yet.
func notSetUp(summary string) bool { return strings.HasPrefix(summary, "Email is not set up") }

func (w *staffWindow) onMailAction() {
	if notSetUp(w.mailSummary) {
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
	w.refresh()
}

func (w *staffWindow) onShowInactive(show bool) {
	if w.roster == nil {
		return
	}
	w.roster.SetShowInactive(show)
	w.refresh()
	w.scrollToSelected()
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
	dialog.ShowInformation("About StaffDesk",
		fmt.Sprintf("%s %s\n\nOffice staff accounts for your practice, kept on this computer.", name, version), w.win)
}

// onSort sorts by the column whose header was clicked; clicking it again reverses.
func (w *staffWindow) onSort(col int) {
	if w.roster == nil || col >= colActions {
		return
	}
	cur, desc := w.roster.Sort()
	w.roster.SortBy(app.StaffColumn(col), cur == app.StaffColumn(col) && !desc)
	w.refresh()
	w.scrollToSelected()
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
	w.table.Refresh()
	w.confirm = newConfirm("Deactivate staff member",
		fmt.Sprintf("Deactivate %s (%s)? They will no longer be able to sign in.", s.FullName(), s.Username),
		func(ok bool) {
			w.confirm = nil
			if ok {
				w.changeStatus(s.ID, w.d.svc.Staff.Deactivate)
			}
		}, w.win)
	w.confirm.SetConfirmText("Deactivate")
	w.confirm.SetConfirmImportance(widget.DangerImportance)
	w.confirm.Show()
}

// onReactivate needs no question: it is undone by Deactivate.
func (w *staffWindow) onReactivate(s *app.Staff) {
	w.selected = s.ID
	w.changeStatus(s.ID, w.d.svc.Staff.Reactivate)
}

func (w *staffWindow) changeStatus(id int64, change func(context.Context, int64) (*app.Staff, error)) {
	w.d.background(func(ctx context.Context) error {
		_, err := change(ctx, id)
		return err
	}, func(err error) {
		if err != nil {
			w.d.showError(w.win, err)
		}
		w.reload()
		w.d.mailChanged() // deactivating cancels the account's waiting emails
	})
}

// onResendActivation asks, then sends a Pending account a new activation email.
func (w *staffWindow) onResendActivation(s *app.Staff) {
	w.selected = s.ID
	w.table.Refresh()
	w.confirm = newConfirm("Resend activation email",
		fmt.Sprintf("Send a new activation email to %s? The code in the previous one stops working.", s.Email),
		func(ok bool) {
			w.confirm = nil
			if !ok {
				return
			}
			w.d.background(func(ctx context.Context) error {
				return w.d.svc.Accounts.ResendActivation(ctx, s.ID)
			}, func(err error) {
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
	w.table.Refresh()
	w.menuOf = w.rowMenu(s)
	w.menu = widget.NewPopUpMenu(w.menuOf, w.win.Canvas())
	// The menu hangs from the button's right edge: the column is the window's last.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(under)
	x := max(pos.X+under.Size().Width-w.menu.MinSize().Width, 0)
	w.menu.ShowAtPosition(fyne.NewPos(x, pos.Y+under.Size().Height))
}

func (w *staffWindow) onDelete(s *app.Staff) {
	w.selected = s.ID
	w.table.Refresh()
	w.deletion = newStaffDeletion(w, s)
}

// staffDeletion is the Delete dialog: the manager types the username to confirm, so an
// account is never deleted by a slip of the mouse.
type staffDeletion struct {
	w      *staffWindow
	staff  *app.Staff
	dialog *dialog.CustomDialog
	entry  *entry
	errMsg *widget.Label
	delete *widget.Button
	cancel *widget.Button
}

func newStaffDeletion(w *staffWindow, s *app.Staff) *staffDeletion {
	del := &staffDeletion{w: w, staff: s}
	keys := &formKeys{submit: del.onDelete, cancel: del.onCancel}
	del.entry = newEntry(keys, s.Username)
	del.entry.OnChanged = del.onTyped
	del.errMsg = &widget.Label{Importance: widget.DangerImportance, SizeName: theme.SizeNameCaptionText}
	del.errMsg.Hide()
	del.delete = &widget.Button{Text: "Delete", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: del.onDelete}
	del.delete.Disable()
	del.cancel = widget.NewButton("Cancel", del.onCancel)

	content := container.NewVBox(
		widget.NewLabel(fmt.Sprintf("This permanently deletes the account of %s. It cannot be undone.\n"+
			"To stop them signing in but keep the record, use Deactivate instead.", s.FullName())),
		widget.NewLabel(fmt.Sprintf("Type the username %s to confirm:", s.Username)),
		del.entry, del.errMsg)
	del.dialog = dialog.NewCustomWithoutButtons("Delete "+s.Username+"?", content, w.win)
	del.dialog.SetButtons([]fyne.CanvasObject{del.cancel, del.delete})
	del.dialog.SetOnClosed(func() {
		if w.deletion == del {
			w.deletion = nil
		}
	})
	del.dialog.Show()
	w.win.Canvas().Focus(del.entry)
	return del
}

func (del *staffDeletion) matches() bool {
	return strings.EqualFold(strings.TrimSpace(del.entry.Text), del.staff.Username)
}

func (del *staffDeletion) onTyped(string) {
	del.errMsg.Hide()
	if del.matches() {
		del.delete.Enable()
	} else {
		del.delete.Disable()
	}
}

func (del *staffDeletion) onCancel() { del.dialog.Hide() }

func (del *staffDeletion) onDelete() {
	if !del.matches() || del.delete.Disabled() {
		return
	}
	del.delete.Disable()
	typed := del.entry.Text
	w := del.w
	var res *app.DeleteResult
	w.d.background(func(ctx context.Context) (err error) {
		res, err = w.d.svc.Staff.Delete(ctx, del.staff.ID, typed)
		return err
	}, func(err error) {
		if err != nil {
			w.d.logError(err)
			msg := app.ErrorFields(err)[app.FieldConfirmUsername]
			if msg == "" {
				msg = app.ErrorMessage(err)
			}
			del.errMsg.SetText(msg)
			del.errMsg.Show()
			del.onTyped(del.entry.Text)
			if app.ErrorCode(err) == app.ENOTFOUND {
				w.reload() // someone else deleted it; the grid should stop showing it
			}
			return
		}
		del.dialog.Hide()
		if w.selected == del.staff.ID {
			w.selected = 0
		}
		w.reload()
		w.d.mailChanged()
		if n := res.CancelledMail; n > 0 {
			dialog.ShowInformation("Account deleted", deletedText(n), w.win)
		}
	})
}

// deletedText says what Delete did to the account's waiting emails.
func deletedText(cancelled int) string {
	if cancelled == 1 {
		return "Deleted. 1 waiting email was cancelled."
	}
	return fmt.Sprintf("Deleted. %d waiting emails were cancelled.", cancelled)
}

// staffTable is the grid: Enter opens the selected account and the arrow keys move the
// selection by whole rows.
type staffTable struct {
	widget.Table
	w *staffWindow
}

func newStaffTable(w *staffWindow) *staffTable {
	t := &staffTable{w: w}
	t.Length = func() (int, int) {
		if w.roster == nil {
			return 0, len(staffColumns)
		}
		return w.roster.Len(), len(staffColumns)
	}
	t.CreateCell = func() fyne.CanvasObject { return newStaffCell(w) }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { o.(*staffCell).update(id) }
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return newColumnHeader(w) }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) { o.(*columnHeader).update(id.Col) }
	t.ExtendBaseWidget(t)
	for i, c := range staffColumns {
		t.SetColumnWidth(i, columnWidth(c))
	}
	return t
}

// columnWidth fits the column's sample text and its header with the sort arrow.
func columnWidth(c gridColumn) float32 {
	size := theme.TextSize()
	if c.title == "Actions" {
		var w float32
		for _, label := range []string{"View", "Edit", "More"} {
			w += fyne.MeasureText(label, size, fyne.TextStyle{}).Width + 2*gridInnerPadding + theme.Padding()
		}
		w += theme.IconInlineSize() + theme.Padding() // the More button's arrow
		return float32(int(w + 1))
	}
	iconGap := theme.IconInlineSize() + theme.Padding()
	w := fyne.MeasureText(c.sample, size, fyne.TextStyle{}).Width
	for _, line := range strings.Split(c.title, "\n") {
		w = max(w, fyne.MeasureText(line, size, fyne.TextStyle{Bold: true}).Width+iconGap)
	}
	return float32(int(w + 2*gridInnerPadding + 1))
}

func (t *staffTable) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		t.w.onEditSelected()
	case fyne.KeyUp:
		t.w.onMoveSelection(-1)
	case fyne.KeyDown:
		t.w.onMoveSelection(1)
	case fyne.KeySpace:
		// The table would mark one cell; the row is already selected.
	default:
		t.Table.TypedKey(ev)
	}
}

// staffCell is one cell of the grid. It shows its column's text, the emergency access
// check or the row's action buttons, draws the row highlight, selects its row on a tap
// and opens the account on a double tap.
type staffCell struct {
	widget.BaseWidget
	w   *staffWindow
	id  int64 // the account shown; 0 while the cell is a template
	row int
	col int

	highlight *canvas.Rectangle
	text      *widget.Label
	sub       *widget.Label // the role under the name
	check     *widget.Icon
	actions   *fyne.Container
	view      *widget.Button
	edit      *widget.Button
	more      *widget.Button           // the row's More menu: Resend activation, Deactivate, Delete
	themed    *container.ThemeOverride // all but the highlight, in the grid's tighter theme
}

func newStaffCell(w *staffWindow) *staffCell {
	c := &staffCell{w: w, row: -1}
	c.highlight = canvas.NewRectangle(color.Transparent)
	c.highlight.Hide()
	c.text = &widget.Label{Text: "Camille Staff", Truncation: fyne.TextTruncateEllipsis}
	c.sub = &widget.Label{Text: "Nurse", Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText}
	c.check = widget.NewIcon(theme.ConfirmIcon())
	c.view = widget.NewButton("View", func() { c.act(func(s *app.Staff) { c.w.d.openView(s.ID) }) })
	c.edit = widget.NewButton("Edit", func() { c.act(func(s *app.Staff) { c.w.d.openEditStaff(s.ID) }) })
	c.more = &widget.Button{Text: "More", Icon: theme.MenuDropDownIcon(), IconPlacement: widget.ButtonIconTrailingText,
		OnTapped: func() { c.act(func(s *app.Staff) { c.w.showRowMenu(s, c.more) }) }}
	c.actions = container.NewHBox(c.view, c.edit, c.more)
	content := &fyne.Container{Objects: []fyne.CanvasObject{c.text, c.sub, c.check, c.actions}}
	content.Layout = staffCellLayout{c}
	c.themed = container.NewThemeOverride(content, gridTheme{})
	c.ExtendBaseWidget(c)
	return c
}

// act runs f on the cell's account as it is now in the roster.
func (c *staffCell) act(f func(*app.Staff)) {
	if c.w == nil || c.w.roster == nil {
		return
	}
	if row := c.w.roster.IndexOf(c.id); row >= 0 {
		f(c.w.roster.Row(row))
	}
}

func (c *staffCell) update(id widget.TableCellID) {
	c.row, c.col = id.Row, id.Col
	s := c.w.roster.Row(id.Row)
	c.id = s.ID
	text, sub := "", ""
	c.text.TextStyle = fyne.TextStyle{}
	c.text.Wrapping, c.text.Truncation = fyne.TextWrapOff, fyne.TextTruncateEllipsis
	switch app.StaffColumn(id.Col) {
	case app.ColLogin:
		text = s.Username
	case app.ColName:
		text, sub = s.FullName(), s.RoleName
		c.text.TextStyle.Bold = true
	case app.ColEmail:
		text = s.Email
	case app.ColProvider:
		text = s.ProviderName
	case app.ColCell:
		text = app.FormatPhone(s.CellPhone)
	case app.ColHome:
		text = app.FormatPhone(s.HomePhone)
	case app.ColTwoFactor:
		text = twoFactorLabel(s)
	case app.ColStatus:
		// "Pending activation · expires in 2 days": the status, and its details in
		// small text under it, as the role sits under the name.
		parts := strings.Split(s.StatusDetail(time.Now()), " · ")
		text, sub = parts[0], strings.Join(parts[1:], " · ")
	}
	c.text.Text, c.sub.Text = text, sub
	c.text.Importance = widget.MediumImportance
	if s.Status == app.StatusInactive {
		c.text.Importance = widget.LowImportance
	}
	c.sub.Importance = widget.MediumImportance
	if strings.Contains(sub, "expired") {
		c.sub.Importance = widget.WarningImportance
	}
	setVisible(c.text, id.Col != int(app.ColEmergency) && id.Col != colActions)
	setVisible(c.sub, sub != "")
	setVisible(c.check, id.Col == int(app.ColEmergency) && s.EmergencyAccess)
	setVisible(c.actions, id.Col == colActions)
	c.highlight.FillColor = c.Theme().Color(theme.ColorNameSelection, fyne.CurrentApp().Settings().ThemeVariant())
	setVisible(c.highlight, s.ID == c.w.selected)
	c.keepGridTheme()
	c.Refresh()
}

func twoFactorLabel(s *app.Staff) string {
	if s.TwoFactor {
		return "Active"
	}
	return "Inactive"
}

func setVisible(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

// Tapped selects the cell's row and gives the grid the keyboard.
func (c *staffCell) Tapped(*fyne.PointEvent) {
	if c.w == nil || c.id == 0 {
		return
	}
	c.w.selected = c.id
	c.w.scrollToSelected()
	c.w.win.Canvas().Focus(c.w.table)
}

// DoubleTapped opens the account for editing.
func (c *staffCell) DoubleTapped(*fyne.PointEvent) {
	if c.w == nil || c.id == 0 {
		return
	}
	c.w.selected = c.id
	c.w.table.Refresh()
	c.w.d.openEditStaff(c.id)
}

func (c *staffCell) CreateRenderer() fyne.WidgetRenderer {
	return &staffCellRenderer{c: c, objects: []fyne.CanvasObject{c.highlight, c.themed}}
}

// keepGridTheme puts the grid's theme back on any part of the cell that lost it: Fyne
// drops a widget's theme override with its renderer when the widget has been hidden
// for a while, as the action buttons are in every other column.
func (c *staffCell) keepGridTheme() {
	for _, o := range []fyne.Widget{c.text, c.sub, c.check, c.view, c.edit, c.more} {
		if th, ok := o.(interface{ Theme() fyne.Theme }); ok && th.Theme().Size(theme.SizeNameInnerPadding) != gridInnerPadding {
			c.themed.Refresh()
			return
		}
	}
}

type staffCellRenderer struct {
	c       *staffCell
	objects []fyne.CanvasObject
}

func (r *staffCellRenderer) Destroy() {}

func (r *staffCellRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *staffCellRenderer) Refresh() {
	r.c.highlight.Refresh()
	r.c.themed.Content.Refresh()
	r.Layout(r.c.Size())
}

func (r *staffCellRenderer) MinSize() fyne.Size { return r.c.themed.MinSize() }

func (r *staffCellRenderer) Layout(size fyne.Size) {
	r.c.highlight.Resize(size)
	r.c.themed.Resize(size)
}

// staffCellLayout places a cell's content inside the grid's theme.
type staffCellLayout struct{ c *staffCell }

// MinSize is the size of a row: two lines of text, or a button, whichever is taller.
func (l staffCellLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	c := l.c
	twoLines := c.text.MinSize().Height + c.sub.MinSize().Height - 2*gridInnerPadding
	return fyne.NewSize(c.text.MinSize().Width, max(twoLines, c.actions.MinSize().Height)+2*theme.Padding())
}

// Layout centres the cell's content vertically; a name and its role share the middle,
// overlapping the labels' padding so that they read as one block.
func (l staffCellLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	c := l.c
	if c.actions.Visible() {
		min := c.actions.MinSize()
		c.actions.Move(fyne.NewPos(0, (size.Height-min.Height)/2))
		c.actions.Resize(fyne.NewSize(size.Width, min.Height))
	}
	if c.check.Visible() {
		s := theme.IconInlineSize()
		c.check.Move(fyne.NewPos(gridInnerPadding, (size.Height-s)/2))
		c.check.Resize(fyne.NewSize(s, s))
	}
	if !c.text.Visible() {
		return
	}
	c.text.Resize(size)
	textH := min(c.text.MinSize().Height, size.Height) // wrapped text reports its lines once sized
	total := textH
	if c.sub.Visible() {
		total += c.sub.MinSize().Height - 2*gridInnerPadding
	}
	top := max((size.Height-total)/2, 0)
	c.text.Move(fyne.NewPos(0, top))
	c.text.Resize(fyne.NewSize(size.Width, textH))
	if c.sub.Visible() {
		c.sub.Move(fyne.NewPos(0, top+textH-2*gridInnerPadding))
		c.sub.Resize(fyne.NewSize(size.Width, c.sub.MinSize().Height))
	}
}

// columnHeader is a column's title. A click sorts by the column and an arrow shows the
// direction; the Actions header is plain text that does not react.
type columnHeader struct {
	widget.BaseWidget
	w     *staffWindow
	col   int
	label *widget.Label
	arrow *widget.Icon
}

func newColumnHeader(w *staffWindow) *columnHeader {
	h := &columnHeader{w: w, col: -1,
		label: &widget.Label{Text: "Primary\nProvider", TextStyle: fyne.TextStyle{Bold: true}},
		arrow: widget.NewIcon(theme.MenuDropUpIcon()),
	}
	h.ExtendBaseWidget(h)
	return h
}

func (h *columnHeader) sortable() bool { return h.col >= 0 && h.col < colActions }

func (h *columnHeader) update(col int) {
	h.col = col
	if col < 0 || col >= len(staffColumns) {
		return
	}
	h.label.SetText(staffColumns[col].title)
	h.arrow.Hide()
	if h.w.roster != nil && h.sortable() {
		sortCol, desc := h.w.roster.Sort()
		if int(sortCol) == col {
			if desc {
				h.arrow.SetResource(theme.MenuDropDownIcon())
			} else {
				h.arrow.SetResource(theme.MenuDropUpIcon())
			}
			h.arrow.Show()
		}
	}
	h.Refresh()
}

func (h *columnHeader) Tapped(*fyne.PointEvent) {
	if h.sortable() {
		h.w.onSort(h.col)
	}
}

func (h *columnHeader) Cursor() desktop.Cursor {
	if h.sortable() {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

func (h *columnHeader) CreateRenderer() fyne.WidgetRenderer {
	return &columnHeaderRenderer{h: h, objects: []fyne.CanvasObject{h.label, h.arrow}}
}

type columnHeaderRenderer struct {
	h       *columnHeader
	objects []fyne.CanvasObject
}

func (r *columnHeaderRenderer) Destroy() {}

func (r *columnHeaderRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *columnHeaderRenderer) Refresh() {
	for _, o := range r.objects {
		o.Refresh()
	}
	r.Layout(r.h.Size())
}

// MinSize leaves room for a two-line title.
func (r *columnHeaderRenderer) MinSize() fyne.Size {
	th := r.h.Theme()
	line := fyne.MeasureText("Mg", th.Size(theme.SizeNameText), fyne.TextStyle{Bold: true}).Height
	return fyne.NewSize(r.h.label.MinSize().Width, 2*line+th.Size(theme.SizeNameLineSpacing)+2*th.Size(theme.SizeNameInnerPadding))
}

// Layout puts the title at the leading edge, centred vertically, with the arrow after
// its last line.
func (r *columnHeaderRenderer) Layout(size fyne.Size) {
	h := r.h
	th := h.Theme()
	min := h.label.MinSize()
	h.label.Move(fyne.NewPos(0, (size.Height-min.Height)/2))
	h.label.Resize(fyne.NewSize(size.Width, min.Height))
	lines := strings.Split(h.label.Text, "\n")
	last := fyne.MeasureText(lines[len(lines)-1], th.Size(theme.SizeNameText), fyne.TextStyle{Bold: true})
	icon := th.Size(theme.SizeNameInlineIcon)
	inner := th.Size(theme.SizeNameInnerPadding)
	y := (size.Height-min.Height)/2 + min.Height - inner - last.Height + (last.Height-icon)/2
	h.arrow.Move(fyne.NewPos(inner+last.Width+th.Size(theme.SizeNamePadding)/2, y))
	h.arrow.Resize(fyne.NewSize(icon, icon))
}

// gridTheme is the app's theme with a tighter padding inside the grid's cells.
type gridTheme struct{}

func (gridTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t gridTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}

func (t gridTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base().Font(s) }

func (t gridTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }

func (t gridTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInnerPadding {
		return gridInnerPadding
	}
	return t.base().Size(n)
}

var _ fyne.Theme = gridTheme{}
