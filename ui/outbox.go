package ui

import (
	"context"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// outboxRefreshEvery is how often the open Outbox window reads the outbox again: the
// courier sends in the background and the statuses move on their own.
var outboxRefreshEvery = 3 * time.Second

const outboxEmptyText = "No emails yet. Account emails (activation, password reset, email change) appear here."

type outboxColumn struct {
	title  string
	sample string // the widest text the column should show without cutting it off
}

var outboxColumns = []outboxColumn{
	{"To", "camilles.staff@email.xyz.com"},
	{"Subject", "Activate your Valley Family Practice staff account"},
	{"Kind", "Email change: confirm"},
	{"Status", "Retrying at Apr 10 14:40"},
	{"Attempts", "Attempts"},
	{"Created", "Apr 10 14:32"},
}

// openOutbox opens the Outbox window, or brings it forward when open.
func (d *Desk) openOutbox() { d.showOutbox() }

// showOutbox opens the window and returns it, or nil when it was only brought forward.
func (d *Desk) showOutbox() *outboxWindow {
	return openOnce(d, "outbox", func() (*outboxWindow, fyne.Window) {
		built := newOutboxWindow(d)
		return built, built.win
	})
}

// outboxWindow lists the account emails, newest first, and acts on the selected one.
type outboxWindow struct {
	d    *Desk
	win  fyne.Window
	keys formKeys

	messages []*app.OutboxMessage
	selected int64 // the selected message's ID, 0 for none
	now      time.Time
	loads    int // numbers each reload so that only the newest one is shown
	loaded   bool
	stop     chan struct{} // closed when the window closes: ends the refreshing

	summary  *widget.Label
	settings *button
	table    *widget.Table
	empty    *widget.Label
	detail   *widget.Label // the selected message's full status
	retry    *button
	cancel   *button
	view     *button
	saveEML  *button

	confirm *dialog.ConfirmDialog // "Cancel this email?" while shown
}

func newOutboxWindow(d *Desk) *outboxWindow {
	w := &outboxWindow{d: d, win: d.app.NewWindow("Outbox"), stop: make(chan struct{})}
	w.keys = formKeys{submit: w.onView, cancel: w.onClose}
	w.buildUI()
	w.win.SetCloseIntercept(w.onClose)
	w.win.Resize(fyne.NewSize(1000, 560))
	w.reload()
	d.every(outboxRefreshEvery, w.stop, w.refreshIfOpen)
	return w
}

func (w *outboxWindow) buildUI() {
	w.summary = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	w.settings = newButton("Email Settings…", theme.SettingsIcon(), widget.MediumImportance, w.d.openEmailSettings)
	top := container.NewBorder(nil, nil, nil, w.settings, w.summary)

	w.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(w.messages), len(outboxColumns) },
		func() fyne.CanvasObject { return newOutboxCell() },
		func(id widget.TableCellID, o fyne.CanvasObject) { w.updateCell(id, o.(*fyne.Container)) })
	w.table.ShowHeaderColumn = false
	w.table.CreateHeader = func() fyne.CanvasObject {
		return &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	}
	w.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(outboxColumns) {
			o.(*widget.Label).SetText(outboxColumns[id.Col].title)
		}
	}
	for i, c := range outboxColumns {
		width := max(fyne.MeasureText(c.sample, theme.TextSize(), fyne.TextStyle{}).Width,
			fyne.MeasureText(c.title, theme.TextSize(), fyne.TextStyle{Bold: true}).Width)
		w.table.SetColumnWidth(i, width+2*theme.InnerPadding()+theme.Padding())
	}
	w.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(w.messages) {
			w.selected = w.messages[id.Row].ID
		}
		w.table.Refresh()
		w.updateButtons()
	}
	w.empty = &widget.Label{Text: "Loading…", Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter}
	emptyBox := container.NewPadded(container.NewVBox(layout.NewSpacer(), w.empty, layout.NewSpacer()))

	w.detail = &widget.Label{Wrapping: fyne.TextWrapWord}
	w.retry = newButton("Retry now", theme.ViewRefreshIcon(), widget.MediumImportance, w.onRetry)
	w.cancel = newButton("Cancel email", theme.CancelIcon(), widget.MediumImportance, w.onCancel)
	w.view = newButton("View", theme.VisibilityIcon(), widget.MediumImportance, w.onView)
	w.saveEML = newButton("Save as .eml…", theme.DocumentSaveIcon(), widget.MediumImportance, w.onSaveEML)
	actions := container.NewHBox(w.retry, w.cancel, layout.NewSpacer(), w.view, w.saveEML)
	bottom := container.NewVBox(w.detail, actions)

	w.win.SetContent(container.NewBorder(container.NewPadded(top), container.NewPadded(bottom), nil, nil,
		container.NewStack(w.table, emptyBox)))
	w.win.Canvas().SetOnTypedKey(w.onTypedKey)
	w.updateButtons()
}

// onTypedKey gets the keys no widget took: Escape closes what is on top, then the
// window; Enter views the selected email.
func (w *outboxWindow) onTypedKey(ev *fyne.KeyEvent) {
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		if ev.Name == fyne.KeyEscape {
			top.Hide()
		}
		return
	}
	w.keys.handle(ev, false)
}

// newOutboxCell is a table cell: the row highlight under a label.
func newOutboxCell() *fyne.Container {
	bg := canvas.NewRectangle(color.Transparent)
	label := &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	return container.NewStack(bg, label)
}

func (w *outboxWindow) updateCell(id widget.TableCellID, c *fyne.Container) {
	if id.Row < 0 || id.Row >= len(w.messages) {
		return
	}
	m := w.messages[id.Row]
	bg, label := c.Objects[0].(*canvas.Rectangle), c.Objects[1].(*widget.Label)
	var text string
	switch id.Col {
	case 0:
		text = m.ToAddress
	case 1:
		text = m.Subject
	case 2:
		text = m.Kind.Label()
	case 3:
		text = m.StatusLabel(w.now)
	case 4:
		text = strconv.Itoa(m.Attempts)
	case 5:
		text = shortTime(m.CreatedAt, w.now)
	}
	label.Importance = widget.MediumImportance
	switch m.Status {
	case app.MailFailed:
		if id.Col == 3 {
			label.Importance = widget.DangerImportance
		}
	case app.MailCancelled, app.MailSent:
		label.Importance = widget.LowImportance
	}
	label.Text = text
	label.Refresh()
	if m.ID == w.selected {
		bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		bg.FillColor = color.Transparent
	}
	bg.Refresh()
}

// shortTime is "14:32" today and "Apr 10 14:32" on another day, in local time.
func shortTime(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	y, m, d := t.Date()
	if ny, nm, nd := now.Date(); y == ny && m == nm && d == nd {
		return t.Format("15:04")
	}
	return t.Format("Jan 2 15:04")
}

// selectedMessage is the selected message as last loaded, or nil.
func (w *outboxWindow) selectedMessage() *app.OutboxMessage {
	for _, m := range w.messages {
		if m.ID == w.selected {
			return m
		}
	}
	return nil
}

// updateButtons offers only what applies to the selected message.
func (w *outboxWindow) updateButtons() {
	m := w.selectedMessage()
	enable := func(b *button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	enable(w.retry, m != nil && (m.Status == app.MailQueued || m.Status == app.MailRetrying))
	enable(w.cancel, m != nil && (m.Status == app.MailQueued || m.Status == app.MailRetrying || m.Status == app.MailFailed))
	enable(w.view, m != nil)
	enable(w.saveEML, m != nil)
	switch {
	case m == nil && len(w.messages) > 0:
		w.detail.SetText("Select an email to retry, cancel, view or save it.")
	case m == nil:
		w.detail.SetText("")
	default:
		attempts := "no attempts yet"
		if m.Attempts == 1 {
			attempts = "1 attempt"
		} else if m.Attempts > 1 {
			attempts = fmt.Sprintf("%d attempts", m.Attempts)
		}
		w.detail.SetText(fmt.Sprintf("%s to %s — %s (%s)", m.Kind.Label(), m.ToAddress, m.StatusLabel(w.now), attempts))
	}
}

// reload reads the outbox and the summary in the background, keeping the selection.
func (w *outboxWindow) reload() {
	w.loads++
	load := w.loads
	var list []*app.OutboxMessage
	var summary string
	w.d.background(func(ctx context.Context) (err error) {
		if list, err = w.d.svc.Outbox.List(ctx); err != nil {
			return err
		}
		summary, err = w.d.svc.Outbox.Summary(ctx)
		return err
	}, func(err error) {
		if load != w.loads || w.isClosed() {
			return
		}
		if err != nil {
			w.d.logError(err)
			if !w.loaded {
				w.empty.SetText(app.ErrorMessage(err))
			}
			return
		}
		w.loaded = true
		w.messages, w.now = list, time.Now()
		w.summary.SetText(summary)
		if summary == "" {
			w.summary.SetText(fmt.Sprintf("%s in the outbox.", countNoun(len(list), "email")))
		}
		if w.selectedMessage() == nil {
			w.selected = 0
		}
		w.empty.SetText(outboxEmptyText)
		setVisible(w.empty, len(list) == 0)
		setVisible(w.table, len(list) > 0)
		w.table.Refresh()
		w.updateButtons()
	})
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (w *outboxWindow) isClosed() bool {
	select {
	case <-w.stop:
		return true
	default:
		return false
	}
}

// refreshIfOpen reloads the list, or stops the refreshing when the window was closed
// without asking us (the app is quitting).
func (w *outboxWindow) refreshIfOpen() {
	if cur, open := w.d.window("outbox"); !open || cur != w.win {
		w.onClose()
		return
	}
	w.reload()
}

func (w *outboxWindow) onClose() {
	if w.isClosed() {
		return
	}
	close(w.stop)
	w.win.Close()
}

func (w *outboxWindow) onRetry() {
	m := w.selectedMessage()
	if m == nil || w.retry.Disabled() {
		return
	}
	w.act(func(ctx context.Context) error { return w.d.svc.Outbox.RetryNow(ctx, m.ID) })
}

func (w *outboxWindow) onCancel() {
	m := w.selectedMessage()
	if m == nil || w.cancel.Disabled() {
		return
	}
	w.confirm = newConfirm("Cancel this email?",
		fmt.Sprintf("“%s” to %s will not be sent.", m.Subject, m.ToAddress),
		func(ok bool) {
			w.confirm = nil
			if ok {
				w.act(func(ctx context.Context) error { return w.d.svc.Outbox.Cancel(ctx, m.ID) })
			}
		}, w.win)
	w.confirm.SetConfirmText("Cancel email")
	w.confirm.SetDismissText("Keep it")
	w.confirm.SetConfirmImportance(widget.DangerImportance)
	w.confirm.Show()
}

// act runs a change to the outbox, then shows the outbox and the main window's banner
// as they are now.
func (w *outboxWindow) act(change func(ctx context.Context) error) {
	w.d.background(change, func(err error) {
		if err != nil {
			w.d.showError(w.win, err)
		}
		w.reload()
		w.d.mailChanged()
	})
}

func (w *outboxWindow) onView() {
	if m := w.selectedMessage(); m != nil {
		w.d.openMailView(m.ID)
	}
}

func (w *outboxWindow) onSaveEML() {
	if m := w.selectedMessage(); m != nil {
		saveEMLAs(w.d, w.win, m.ID, m.Subject)
	}
}

// saveEMLAs reads the message as an .eml file in the background, then asks where to
// save it.
func saveEMLAs(d *Desk, win fyne.Window, id int64, subject string) {
	var raw []byte
	d.background(func(ctx context.Context) (err error) {
		raw, err = d.svc.Outbox.EML(ctx, id)
		return err
	}, func(err error) {
		if err != nil {
			d.showError(win, err)
			return
		}
		save := dialog.NewFileSave(func(out fyne.URIWriteCloser, err error) {
			writeEML(d, win, raw, out, err)
		}, win)
		save.SetFileName(emlFileName(subject))
		save.Show()
	})
}

// writeEML writes raw to the file chosen in the save dialog; out is nil when the
// person cancelled.
func writeEML(d *Desk, win fyne.Window, raw []byte, out fyne.URIWriteCloser, err error) {
	if err == nil && out == nil {
		return
	}
	if err == nil {
		_, err = out.Write(raw)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		d.showError(win, app.Internal("save the email as a file", err))
	}
}

// emlFileName is a file name made of the subject: letters, digits and hyphens.
func emlFileName(subject string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(subject) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "email"
	}
	return name + ".eml"
}

// openMailView shows one email as its recipient sees it (codes masked).
func (d *Desk) openMailView(id int64) *mailView {
	return openOnce(d, "mail:"+strconv.FormatInt(id, 10), func() (*mailView, fyne.Window) {
		built := newMailView(d, id)
		return built, built.win
	})
}

// mailView is one email: its headers, the text part, and the HTML part's source.
type mailView struct {
	d    *Desk
	id   int64
	win  fyne.Window
	keys formKeys
	view *app.MailView // nil until loaded

	headers *fyne.Container
	text    *widget.Label
	html    *widget.Label
	tabs    *container.AppTabs
	saveEML *button
	close   *button
}

func newMailView(d *Desk, id int64) *mailView {
	v := &mailView{d: d, id: id, win: d.app.NewWindow("Email")}
	v.keys = formKeys{cancel: v.win.Close}
	v.keys.attach(v.win)
	v.win.SetContent(container.NewCenter(widget.NewLabel("Loading…")))
	v.win.Resize(fyne.NewSize(760, 600))
	v.load()
	return v
}

func (v *mailView) load() {
	var view *app.MailView
	v.d.background(func(ctx context.Context) (err error) {
		view, err = v.d.svc.Outbox.View(ctx, v.id)
		return err
	}, func(err error) {
		if err != nil {
			v.d.logError(err)
			v.close = showLoadFailure(v.win, err, v.win.Close)
			return
		}
		v.view = view
		v.win.SetTitle("Email — " + view.Subject)
		v.buildUI()
	})
}

func (v *mailView) buildUI() {
	m := v.view
	from := m.From
	if from == "" {
		from = "(set up email to fill in the sender)"
	}
	row := func(label, value string) []fyne.CanvasObject {
		return []fyne.CanvasObject{
			widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
			&widget.Label{Text: value, Wrapping: fyne.TextWrapWord, Selectable: true},
		}
	}
	var rows []fyne.CanvasObject
	rows = append(rows, row("From", from)...)
	rows = append(rows, row("To", m.To)...)
	rows = append(rows, row("Subject", m.Subject)...)
	rows = append(rows, row("Date", m.Date.Local().Format("Mon, Jan 2, 2006 15:04"))...)
	v.headers = container.New(layout.NewFormLayout(), rows...)

	v.text = &widget.Label{Text: m.Text, Wrapping: fyne.TextWrapWord, Selectable: true}
	v.html = &widget.Label{Text: m.HTML, Wrapping: fyne.TextWrapBreak, Selectable: true, TextStyle: fyne.TextStyle{Monospace: true}, SizeName: theme.SizeNameCaptionText}
	if m.HTML == "" {
		v.html.Text = "(This email has no HTML version.)"
	}
	note := &widget.Label{Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText,
		Text: "Codes are masked: only the recipient sees them. Mail programs show the HTML version; to see it as they do, save the email as .eml and open it in one."}
	v.tabs = container.NewAppTabs(
		container.NewTabItem("Text", container.NewVScroll(container.NewPadded(v.text))),
		container.NewTabItem("HTML source", container.NewScroll(container.NewPadded(v.html))))

	v.saveEML = newButton("Save as .eml…", theme.DocumentSaveIcon(), widget.MediumImportance, func() { saveEMLAs(v.d, v.win, v.id, m.Subject) })
	v.close = newButton("Close", nil, widget.MediumImportance, v.win.Close)
	buttons := container.NewHBox(layout.NewSpacer(), v.saveEML, v.close)
	top := container.NewVBox(v.headers, widget.NewSeparator())
	v.win.SetContent(container.NewBorder(container.NewPadded(top), container.NewPadded(container.NewVBox(note, buttons)), nil, nil, v.tabs))
}
