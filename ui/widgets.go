package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// formKeys are a window's keyboard actions: Enter submits, Escape cancels. Fyne sends a
// key without a modifier only to the focused widget, so the form's widgets forward
// these two to here, and attach covers the case where nothing has focus.
type formKeys struct {
	submit func()
	cancel func()
}

func (k *formKeys) handle(ev *fyne.KeyEvent, multiLine bool) bool {
	switch ev.Name {
	case fyne.KeyEscape:
		if k.cancel != nil {
			k.cancel()
			return true
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if !multiLine && k.submit != nil {
			k.submit()
			return true
		}
	}
	return false
}

// attach makes Enter and Escape work in win when no widget has focus. While a dialog
// is up the keys are the dialog's, not the form's behind it.
func (k *formKeys) attach(win fyne.Window) {
	win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if win.Canvas().Overlays().Top() != nil {
			return
		}
		k.handle(ev, false)
	})
}

// attachDialog makes Enter and Escape with no widget focused belong to a dialog's form
// while the dialog is up; the caller restores the window's own handler when it closes.
func (k *formKeys) attachDialog(win fyne.Window) {
	win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { k.handle(ev, false) })
}

// entry is a text field that submits its form on Enter and cancels it on Escape.
type entry struct {
	widget.Entry
	keys *formKeys
}

func newEntry(keys *formKeys, placeholder string) *entry {
	e := &entry{keys: keys}
	e.PlaceHolder = placeholder
	e.Wrapping = fyne.TextWrapOff
	e.Scroll = container.ScrollHorizontalOnly
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry(keys *formKeys, placeholder string) *entry {
	e := &entry{keys: keys}
	e.PlaceHolder = placeholder
	e.Password = true
	e.ExtendBaseWidget(e)
	return e
}

func newMultiLineEntry(keys *formKeys, placeholder string) *entry {
	e := &entry{keys: keys}
	e.PlaceHolder = placeholder
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if e.keys != nil && e.keys.handle(ev, e.MultiLine) {
		return
	}
	if ev.Name == fyne.KeyTab && e.MultiLine {
		// Reached only when a Tab is handed to the entry directly: the window asks
		// AcceptsTab first and moves the focus itself.
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			c.FocusNext()
		}
		return
	}
	e.Entry.TypedKey(ev)
}

// AcceptsTab is false even for a multi-line entry: in a form, Tab and Shift+Tab move
// to the next and previous field (nobody types a tab into an address).
func (e *entry) AcceptsTab() bool { return false }

func (e *entry) FocusGained() {
	e.Entry.FocusGained()
	revealFocused(e)
}

// check is a check box that honours Enter and Escape like the rest of its form.
type check struct {
	widget.Check
	keys    *formKeys
	focused bool
}

func newCheck(keys *formKeys, text string, changed func(bool)) *check {
	c := &check{keys: keys}
	c.Text = text
	c.OnChanged = changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *check) TypedKey(ev *fyne.KeyEvent) {
	if c.keys != nil && c.keys.handle(ev, false) {
		return
	}
	c.Check.TypedKey(ev)
}

func (c *check) FocusGained() {
	c.focused = true // before the widget's own Refresh draws it
	c.Check.FocusGained()
	revealFocused(c)
}

func (c *check) FocusLost() {
	c.focused = false
	c.Check.FocusLost()
}

func (c *check) CreateRenderer() fyne.WidgetRenderer {
	return newFocusRing(c.Check.CreateRenderer(), func() bool { return c.focused && !c.Disabled() }, true)
}

// choice is a drop-down that honours Enter and Escape like the rest of its form.
type choice struct {
	widget.Select
	keys *formKeys
}

func newChoice(keys *formKeys, options []string, changed func(string)) *choice {
	c := &choice{keys: keys}
	c.Options = options
	c.OnChanged = changed
	c.PlaceHolder = "(Select one)"
	c.ExtendBaseWidget(c)
	return c
}

func (c *choice) TypedKey(ev *fyne.KeyEvent) {
	if c.keys != nil && c.keys.handle(ev, false) {
		return
	}
	c.Select.TypedKey(ev)
}

func (c *choice) FocusGained() {
	c.Select.FocusGained()
	revealFocused(c)
}

// button is a button that takes Enter as a press, as Space is, and passes Escape on
// to its window's keys: Fyne gives a key only to the focused widget, and a plain
// Button drops Escape, so a window could not be closed while a button had focus.
type button struct {
	widget.Button
	focused bool
}

// newButton is a button with text, an optional icon and importance.
func newButton(text string, icon fyne.Resource, importance widget.Importance, tapped func()) *button {
	b := &button{}
	b.Text, b.Icon, b.Importance, b.OnTapped = text, icon, importance, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	case fyne.KeyEscape:
		if c := fyne.CurrentApp().Driver().CanvasForObject(b); c != nil && c.OnTypedKey() != nil {
			c.OnTypedKey()(ev)
		}
	default:
		b.Button.TypedKey(ev)
	}
}

func (b *button) FocusGained() {
	b.focused = true // before the widget's own Refresh draws it
	b.Button.FocusGained()
	revealFocused(b)
}

func (b *button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return newFocusRing(b.Button.CreateRenderer(), func() bool { return b.focused && !b.Disabled() }, false)
}

// field is one row of a form: its label, its control, an optional hint beneath, and the
// message of the rule it breaks, shown in the error colour right under the control.
type field struct {
	label *widget.Label
	hint  *widget.Label
	err   *widget.Label
	cell  *fyne.Container
}

// setError shows msg under the control ("" hides it) and reports whether that changed
// anything.
func (f *field) setError(msg string) bool {
	if msg == f.err.Text && (msg == "") != f.err.Visible() {
		return false
	}
	f.err.SetText(msg)
	if msg == "" {
		f.err.Hide()
	} else {
		f.err.Show()
	}
	// The message changes the cell's height: lay the form out again so it does not
	// draw over the control.
	f.cell.Refresh()
	return true
}

// fieldSet lays out a form's fields in two columns and puts the app's field messages
// (app.ErrorFields) next to the fields that caused them.
type fieldSet struct {
	byName map[string]*field
	rows   []fyne.CanvasObject
	form   *fyne.Container // once laid out
}

func newFieldSet() *fieldSet { return &fieldSet{byName: map[string]*field{}} }

// add appends a row. name is the app.Field* the row's messages arrive under; required
// rows get an asterisk; hint is shown under the control in small text.
func (fs *fieldSet) add(name, label string, required bool, control fyne.CanvasObject, hint string) *field {
	if required {
		label += " *"
	}
	f := &field{
		label: widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: required}),
		hint:  &widget.Label{Text: hint, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText},
		err:   &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance, SizeName: theme.SizeNameCaptionText},
	}
	f.err.Hide()
	if hint == "" {
		f.hint.Hide()
	}
	f.cell = container.NewVBox(control, f.hint, f.err)
	if name != "" {
		fs.byName[name] = f
	}
	fs.rows = append(fs.rows, f.label, f.cell)
	return f
}

// heading appends a section title spanning the form.
func (fs *fieldSet) heading(text string) {
	fs.rows = append(fs.rows, widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), layout.NewSpacer())
}

// container returns the laid-out form.
func (fs *fieldSet) container() *fyne.Container {
	fs.form = container.New(layout.NewFormLayout(), fs.rows...)
	return fs.form
}

// refit lays the form out again, in the scroll that holds it, around rows that grew,
// shrank, appeared or disappeared. Only the layout is redone: a Refresh of the Scroll
// would redraw every widget of the form, on every keystroke of a field whose hint or
// meter changes.
func (fs *fieldSet) refit(scroll *container.Scroll) {
	if scroll == nil || fs.form == nil {
		return
	}
	// The Scroll's own renderer re-sizes its content to the content's new minimum and
	// redraws the bars; Base.Refresh reaches it without refreshing the content.
	scroll.Base.Refresh()
	// Rows can also trade height with no change to the whole.
	fs.form.Layout.Layout(fs.form.Objects, fs.form.Size())
}

// showErrors clears every field's message, then shows those carried by err. It returns
// the messages that belong to no field of this form (to show elsewhere), sorted.
func (fs *fieldSet) showErrors(err error) []string {
	fs.clearErrors()
	var rest []string
	for name, msg := range app.ErrorFields(err) {
		if f, ok := fs.byName[name]; ok {
			f.setError(msg)
		} else {
			rest = append(rest, msg)
		}
	}
	sort.Strings(rest)
	return rest
}

// setError shows msg under the field called name ("" clears it) and reports whether
// that changed anything.
func (fs *fieldSet) setError(name, msg string) bool {
	if f, ok := fs.byName[name]; ok {
		return f.setError(msg)
	}
	return false
}

// errorOf returns the message shown under the field called name.
func (fs *fieldSet) errorOf(name string) string {
	if f, ok := fs.byName[name]; ok {
		return f.err.Text
	}
	return ""
}

func (fs *fieldSet) clearErrors() {
	for _, f := range fs.byName {
		f.setError("")
	}
}

// showLoadFailure replaces win's content with why it could not be filled and a Close
// button (returned, so tests can tap it) that runs close.
func showLoadFailure(win fyne.Window, err error, close func()) *button {
	msg := &widget.Label{Text: app.ErrorMessage(err), Wrapping: fyne.TextWrapWord,
		Alignment: fyne.TextAlignCenter, Importance: widget.DangerImportance}
	btn := newButton("Close", nil, widget.MediumImportance, close)
	win.SetContent(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), btn), nil, nil,
		container.NewCenter(msg)))
	return btn
}

// newConfirm is dialog.NewConfirm in which Enter confirms and Escape cancels, as in
// the windows' own forms, while the dialog is up; the window's keys come back when it
// closes.
func newConfirm(title, message string, callback func(bool), win fyne.Window) *dialog.ConfirmDialog {
	d := dialog.NewConfirm(title, message, callback, win)
	keys := formKeys{submit: d.Confirm, cancel: d.Dismiss}
	behind := win.Canvas().OnTypedKey()
	keys.attachDialog(win)
	d.SetOnClosed(func() { win.Canvas().SetOnTypedKey(behind) })
	return d
}

// showNotice shows an error or information dialog that Enter and Escape close, as
// they close every other question; the window's keys come back when it closes.
func showNotice(d dialog.Dialog, win fyne.Window) {
	keys := formKeys{submit: d.Hide, cancel: d.Hide}
	behind := win.Canvas().OnTypedKey()
	keys.attachDialog(win)
	d.SetOnClosed(func() { win.Canvas().SetOnTypedKey(behind) })
	d.Show()
}
