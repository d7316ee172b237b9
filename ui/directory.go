package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// The practice directory (providers, offices, roles, care team roles) is four windows of
// the same shape: a list of records, Add and Edit in a small form over the list, and
// Deactivate/Reactivate. This file is that shape; providers.go, offices.go and roles.go
// say only what differs per kind.

// directoryKind is what the shared list window needs to know about one kind of record.
type directoryKind struct {
	key    string // openOnce key, "providers"
	title  string // window title, "Providers"
	noun   string // one record in buttons and messages, "provider"
	plural string // several, "providers"
	empty  string // what the window says when the practice has none yet
	// detailed rows carry a second line (NPI, address); the others are just a name.
	detailed bool
	// deactivateNote tells the person what deactivating changes, in the confirmation.
	deactivateNote string

	// person: the records are people, named in a sentence by their name alone; other
	// records are named with their noun ("The office Riverside").
	person bool

	items func(dir *app.Directory) []directoryItem
	// setActive activates or deactivates the record id as loaded at version.
	setActive func(ctx context.Context, svc *app.DirectoryService, id, version int64, active bool) error
	// form builds the Add (id 0) or Edit form of one record of the loaded directory.
	form func(w *directoryWindow, id int64) *recordForm
}

// directoryItem is one record as a list row shows it.
type directoryItem struct {
	id      int64
	title   string
	detail  string
	active  bool
	version int64 // the record's Version when it was loaded
}

// directoryWindow lists one kind of directory record and opens its Add/Edit form.
type directoryWindow struct {
	d    *Desk
	kind *directoryKind
	win  fyne.Window
	keys formKeys

	dir      *app.Directory  // the last load; nil until it arrives
	all      []directoryItem // every record of the kind, in the store's display order
	shown    []directoryItem // what the list shows after the Show inactive filter
	selected int64           // the selected record, 0 for none
	loaded   bool
	loadErr  error

	showInactive *check
	add          *button
	list         *recordList
	empty        *widget.Label
	summary      *widget.Label
	edit         *button
	toggle       *button // Deactivate or Reactivate, after the selected record

	form    *recordForm           // the open Add/Edit form, nil when none
	confirm *dialog.ConfirmDialog // the open "Deactivate?" question, nil when none
}

// openDirectory shows the window of kind k, building it if it is not open yet. It
// returns the window's screen when it built one, nil when it only raised it.
func (d *Desk) openDirectory(k *directoryKind) *directoryWindow {
	return openOnce(d, k.key, func() (*directoryWindow, fyne.Window) {
		built := newDirectoryWindow(d, k)
		return built, built.win
	})
}

func newDirectoryWindow(d *Desk, k *directoryKind) *directoryWindow {
	w := &directoryWindow{d: d, kind: k, win: d.app.NewWindow(k.title)}
	w.keys = formKeys{submit: w.onEdit, cancel: w.win.Close}
	w.buildUI()
	w.reload(0)
	return w
}

func (w *directoryWindow) buildUI() {
	// Inactive records are shown greyed by default so that a deactivated record never
	// seems to vanish; the check hides them once the list grows long.
	w.showInactive = newCheck(&w.keys, "Show inactive", func(bool) { w.refilter() })
	w.showInactive.Checked = true
	w.add = newButton("Add "+w.kind.noun, theme.ContentAddIcon(), widget.MediumImportance, w.onAdd)
	w.add.Importance = widget.HighImportance
	w.edit = newButton("Edit", theme.DocumentCreateIcon(), widget.MediumImportance, w.onEdit)
	w.toggle = newButton("Deactivate", theme.CancelIcon(), widget.MediumImportance, w.onToggleActive)
	w.summary = &widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance}
	w.empty = &widget.Label{Text: "Loading…", Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter}

	w.list = newRecordList(&w.keys, w.kind.detailed)
	w.list.Length = func() int { return len(w.shown) }
	w.list.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(w.shown) {
			o.(*recordRow).set(w.shown[i])
		}
	}
	w.list.OnSelected = w.onSelected
	w.list.OnUnselected = func(widget.ListItemID) { w.selected = 0; w.updateButtons() }

	top := container.NewHBox(w.showInactive, layout.NewSpacer(), w.add)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(w.edit, w.toggle), w.summary)
	// The empty text sits in a padded box so a long message wraps inside the window.
	emptyBox := container.NewPadded(container.NewVBox(layout.NewSpacer(), w.empty, layout.NewSpacer()))
	w.win.SetContent(container.NewBorder(top, bottom, nil, nil, container.NewStack(w.list, emptyBox)))
	w.win.Canvas().SetOnTypedKey(w.onTypedKey)
	w.win.Resize(fyne.NewSize(560, 520))
	w.updateButtons()
}

// onTypedKey gets the keys no widget has taken. Escape closes what is on top: the form,
// the question, an error message, and only then the window.
func (w *directoryWindow) onTypedKey(ev *fyne.KeyEvent) {
	switch {
	case w.form != nil:
		w.form.keys.handle(ev, false)
	case w.confirm != nil:
		if ev.Name == fyne.KeyEscape {
			w.confirm.Dismiss()
		}
	case w.win.Canvas().Overlays().Top() != nil:
		if ev.Name == fyne.KeyEscape {
			w.win.Canvas().Overlays().Top().Hide()
		}
	default:
		w.keys.handle(ev, false)
	}
}

// reload reads the directory again and then selects the record selectID (0: keep the
// current selection).
func (w *directoryWindow) reload(selectID int64) { w.reloadThen(selectID, nil) }

// reloadThen is reload, then calls then (when not nil) once the list shows the records
// as they are now.
func (w *directoryWindow) reloadThen(selectID int64, then func()) {
	if selectID == 0 {
		selectID = w.selected
	}
	var dir *app.Directory
	w.d.background(func(ctx context.Context) (err error) {
		dir, err = w.d.svc.Directory.Load(ctx)
		return err
	}, func(err error) {
		w.loaded = true
		w.loadErr = err
		if err != nil {
			w.d.logError(err)
		} else {
			w.dir = dir
			w.all = w.kind.items(dir)
		}
		w.selected = selectID
		w.refilter()
		if then != nil {
			then()
		}
	})
}

// refilter applies Show inactive and keeps the selection if its record is still shown.
func (w *directoryWindow) refilter() {
	w.shown = w.shown[:0]
	inactive := 0
	for _, it := range w.all {
		if !it.active {
			inactive++
			if !w.showInactive.Checked {
				continue
			}
		}
		w.shown = append(w.shown, it)
	}
	// Unselecting reports back through OnUnselected, which forgets the selection.
	keep := w.selected
	w.list.UnselectAll()
	w.list.Refresh()
	w.selected = 0
	for i, it := range w.shown {
		if it.id == keep {
			w.list.Select(i)
			w.list.ScrollTo(i)
			break
		}
	}
	w.summary.SetText(w.summaryText(inactive))
	w.updateEmpty(inactive)
	w.updateButtons()
}

func (w *directoryWindow) summaryText(inactive int) string {
	n := len(w.all)
	if n == 0 {
		return ""
	}
	s := fmt.Sprintf("%d %s", n, w.kind.plural)
	if n == 1 {
		s = "1 " + w.kind.noun
	}
	if inactive > 0 {
		s += fmt.Sprintf(" (%d inactive)", inactive)
	}
	return s
}

func (w *directoryWindow) updateEmpty(inactive int) {
	switch {
	case !w.loaded:
		w.empty.SetText("Loading…")
	case w.loadErr != nil:
		w.empty.SetText(app.ErrorMessage(w.loadErr))
	case len(w.all) == 0:
		w.empty.SetText(w.kind.empty)
	case len(w.shown) == 0:
		w.empty.SetText(fmt.Sprintf("All %d %s are inactive. Check \"Show inactive\" to see them.", inactive, w.kind.plural))
	default:
		w.empty.SetText("")
	}
	if w.empty.Text == "" {
		w.empty.Hide()
		w.list.Show()
	} else {
		w.empty.Show()
		w.list.Hide()
	}
}

func (w *directoryWindow) onSelected(i widget.ListItemID) {
	if i >= 0 && i < len(w.shown) {
		w.selected = w.shown[i].id
	}
	w.updateButtons()
}

// selectedItem returns the selected record's row, if one is selected.
func (w *directoryWindow) selectedItem() (directoryItem, bool) {
	for _, it := range w.shown {
		if it.id == w.selected {
			return it, true
		}
	}
	return directoryItem{}, false
}

func (w *directoryWindow) updateButtons() {
	it, ok := w.selectedItem()
	if w.dir == nil {
		w.add.Disable()
	} else {
		w.add.Enable()
	}
	if !ok {
		w.edit.Disable()
		w.toggle.SetText("Deactivate")
		w.toggle.SetIcon(theme.CancelIcon())
		w.toggle.Disable()
		return
	}
	w.edit.Enable()
	w.toggle.Enable()
	if it.active {
		w.toggle.SetText("Deactivate")
		w.toggle.SetIcon(theme.CancelIcon())
	} else {
		w.toggle.SetText("Reactivate")
		w.toggle.SetIcon(theme.ViewRefreshIcon())
	}
}

func (w *directoryWindow) onAdd() {
	if w.dir == nil || w.form != nil {
		return
	}
	w.openForm(0)
}

func (w *directoryWindow) onEdit() {
	if _, ok := w.selectedItem(); !ok || w.form != nil {
		return
	}
	w.openForm(w.selected)
}

func (w *directoryWindow) openForm(id int64) {
	f := w.kind.form(w, id)
	if f == nil {
		return
	}
	w.form = f
	f.show()
}

// onToggleActive deactivates the selected record after asking, or reactivates it at
// once: reactivating takes nothing away from anyone.
func (w *directoryWindow) onToggleActive() {
	it, ok := w.selectedItem()
	if !ok || w.confirm != nil {
		return
	}
	if !it.active {
		w.setActive(it, true)
		return
	}
	msg := fmt.Sprintf("Deactivate %s?\n\n%s", it.title, w.kind.deactivateNote)
	w.confirm = newConfirm("Deactivate "+w.kind.noun, msg, func(yes bool) {
		w.confirm = nil
		if yes {
			w.setActive(it, false)
		}
	}, w.win)
	w.confirm.SetConfirmText("Deactivate")
	w.confirm.SetDismissText("Keep active")
	w.confirm.SetConfirmImportance(widget.DangerImportance)
	w.confirm.Show()
}

func (w *directoryWindow) setActive(it directoryItem, active bool) {
	w.toggle.Disable()
	w.d.background(func(ctx context.Context) error {
		return w.kind.setActive(ctx, w.d.svc.Directory, it.id, it.version, active)
	}, func(err error) {
		if app.IsChanged(err) {
			// Changed on another desk since the list showed it: the list shows it as
			// it is now, and the manager decides again.
			w.reloadThen(it.id, func() { w.d.showMovedOn(w.win, w.kind.what(it), err) })
			w.d.directoryChanged()
			return
		}
		if err != nil {
			// The service explains a refusal (a provider who still has staff) in words
			// the person can act on.
			w.d.showError(w.win, err)
			w.updateButtons()
			return
		}
		w.reload(it.id)
		w.d.directoryChanged()
	})
}

// what names the record it in a sentence: "Kate Provider, MD", "The office Riverside".
func (k *directoryKind) what(it directoryItem) string {
	if k.person {
		return it.title
	}
	return "The " + k.noun + " " + it.title
}

// recordList is the directory's list: Enter edits the selected record and Escape closes
// the window, as the list keeps those keys when it has focus.
type recordList struct {
	widget.List
	keys *formKeys
}

func newRecordList(keys *formKeys, detailed bool) *recordList {
	l := &recordList{keys: keys}
	l.CreateItem = func() fyne.CanvasObject { return newRecordRow(detailed) }
	l.ExtendBaseWidget(l)
	return l
}

func (l *recordList) TypedKey(ev *fyne.KeyEvent) {
	if l.keys != nil && l.keys.handle(ev, false) {
		return
	}
	l.List.TypedKey(ev)
}

// recordRow shows one record: its name, an optional second line, and an Inactive badge.
type recordRow struct {
	widget.BaseWidget
	title  *widget.Label
	detail *widget.Label
	badge  *widget.Label
	body   *fyne.Container
}

func newRecordRow(detailed bool) *recordRow {
	r := &recordRow{
		title:  &widget.Label{Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Bold: detailed}},
		detail: &widget.Label{Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText},
		badge:  &widget.Label{Text: "Inactive", Importance: widget.WarningImportance, TextStyle: fyne.TextStyle{Italic: true}},
	}
	r.badge.Hide()
	text := fyne.CanvasObject(r.title)
	if detailed {
		text = container.New(layout.NewCustomPaddedVBoxLayout(0), r.title, r.detail)
	}
	r.body = container.NewBorder(nil, nil, nil, r.badge, text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *recordRow) set(it directoryItem) {
	r.title.Text = it.title
	r.detail.Text = it.detail
	if it.active {
		r.title.Importance = widget.MediumImportance
		r.badge.Hide()
	} else {
		// Greyed so that the active records, the ones staff can be given, stand out.
		r.title.Importance = widget.LowImportance
		r.badge.Show()
	}
	// The badge comes and goes, so the row is laid out again, not just repainted.
	r.body.Refresh()
}

func (r *recordRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.body)
}

// recordForm is the Add/Edit form of one directory record, shown over its list window.
// It stays open with what was typed until the save succeeds.
type recordForm struct {
	w       *directoryWindow
	title   string
	keys    formKeys
	fields  *fieldSet
	entries map[string]*entry // by app.Field* name
	order   []string          // field names in the order a person reads them
	problem *widget.Label     // a message that belongs to no one field
	save    *button
	cancel  *button
	content *fyne.Container // the problem line and the fields, inside the dialog's scroll
	dlg     *dialog.CustomDialog
	saving  bool
	// id and version are the record being edited (0 for Add) and the version it was
	// loaded at, which the save names; stale is the question asked when that version
	// turned out to be old.
	id, version int64
	stale       *staleChoice

	// values reads the form on the UI thread and returns the save to run in the
	// background, which reports the saved record's id.
	values func() func(ctx context.Context, svc *app.DirectoryService) (int64, error)
}

func newRecordForm(w *directoryWindow, title string) *recordForm {
	f := &recordForm{w: w, title: title, fields: newFieldSet(), entries: map[string]*entry{}}
	f.keys = formKeys{submit: f.onSave, cancel: f.onCancel}
	f.problem = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.problem.Hide()
	return f
}

// addEntry adds a one-line text field; multiLine makes it a few lines tall (Enter then
// starts a new line instead of saving).
func (f *recordForm) addEntry(name, label string, required bool, placeholder, hint, value string, multiLine bool) *entry {
	var e *entry
	if multiLine {
		e = newMultiLineEntry(&f.keys, placeholder)
		e.SetMinRowsVisible(3)
	} else {
		e = newEntry(&f.keys, placeholder)
	}
	e.SetText(value)
	f.fields.add(name, label, required, e, hint)
	f.entries[name] = e
	f.order = append(f.order, name)
	return e
}

func (f *recordForm) show() {
	f.cancel = newButton("Cancel", nil, widget.MediumImportance, f.onCancel)
	f.save = newButton("Save", theme.DocumentSaveIcon(), widget.MediumImportance, f.onSave)
	f.save.Importance = widget.HighImportance
	f.content = container.NewVBox(f.problem, f.fields.container())
	f.dlg = dialog.NewCustomWithoutButtons(f.title, container.NewVScroll(f.content), f.w.win)
	f.dlg.SetButtons([]fyne.CanvasObject{f.cancel, f.save})
	f.fit()
	f.dlg.Show()
	if len(f.order) > 0 {
		f.w.win.Canvas().Focus(f.entries[f.order[0]])
	}
}

// fit asks for room to show the whole form; the window's size caps it, and the scroll
// lets a small window still reach every field.
func (f *recordForm) fit() {
	min := f.content.MinSize()
	f.dlg.Resize(fyne.NewSize(fyne.Max(440, min.Width+64), min.Height+140))
}

func (f *recordForm) onCancel() {
	if f.w.form == f {
		f.w.form = nil
	}
	f.dlg.Hide()
}

func (f *recordForm) onSave() {
	if f.saving {
		return
	}
	f.saving = true
	f.save.Disable()
	work := f.values()
	var id int64
	f.w.d.background(func(ctx context.Context) (err error) {
		id, err = work(ctx, f.w.d.svc.Directory)
		return err
	}, func(err error) {
		f.saving = false
		f.save.Enable()
		if app.IsChanged(err) {
			f.w.d.logError(err)
			f.stale = askStale(f.w.win, err, f.onReload, f.onKeepChanges)
			return
		}
		if err != nil {
			f.showProblem(err)
			return
		}
		f.onCancel()
		f.w.reload(id)
		f.w.d.directoryChanged()
	})
}

// onReload replaces the form with one showing the record as it is now, dropping the
// person's edits.
func (f *recordForm) onReload() {
	f.afterLoad(func(*directoryItem) {
		f.onCancel()
		f.w.openForm(f.id)
	})
}

// onKeepChanges saves the person's values over the record as it is now.
func (f *recordForm) onKeepChanges() {
	f.afterLoad(func(it *directoryItem) {
		f.version = it.version
		f.onSave()
	})
}

// afterLoad reads the directory again, shows it in the window and hands the form's
// record as it is now to then.
func (f *recordForm) afterLoad(then func(*directoryItem)) {
	f.save.Disable()
	var dir *app.Directory
	f.w.d.background(func(ctx context.Context) (err error) {
		dir, err = f.w.d.svc.Directory.Load(ctx)
		return err
	}, func(err error) {
		f.save.Enable()
		if err != nil {
			f.showProblem(err)
			return
		}
		f.w.dir, f.w.all = dir, f.w.kind.items(dir)
		f.w.refilter()
		for i := range f.w.all {
			if it := &f.w.all[i]; it.id == f.id {
				then(it)
				return
			}
		}
		f.showProblem(app.Errorf(app.ENOTFOUND, "This %s no longer exists.", f.w.kind.noun))
	})
}

// showProblem puts the app's field messages under their fields and anything else above
// the form, then moves the cursor to the first field that needs fixing.
func (f *recordForm) showProblem(err error) {
	f.w.d.logError(err)
	rest := f.fields.showErrors(err)
	msg := ""
	if len(app.ErrorFields(err)) == 0 {
		msg = app.ErrorMessage(err)
	} else if len(rest) > 0 {
		msg = rest[0]
	}
	f.problem.SetText(msg)
	if msg == "" {
		f.problem.Hide()
	} else {
		f.problem.Show()
	}
	// Messages appearing under fields change the form's height: lay it out again.
	f.content.Refresh()
	f.fit()
	for _, name := range f.order {
		if f.fields.errorOf(name) != "" {
			f.w.win.Canvas().Focus(f.entries[name])
			break
		}
	}
}
