package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// The Practice settings window: the practice's name and its plan's staff account
// limit, with how many accounts are used.

const (
	limitUnlimited = "Unlimited"
	limitAtMost    = "At most"
)

// openPracticeSettings opens the Practice settings window, or brings it forward.
func (d *Desk) openPracticeSettings() { d.showPracticeSettings() }

// showPracticeSettings opens the window and returns it, or nil when it was already
// open and has only been brought forward.
func (d *Desk) showPracticeSettings() *practiceSettings {
	return openOnce(d, "practice", func() (*practiceSettings, fyne.Window) {
		s := &practiceSettings{d: d, win: d.app.NewWindow("Practice settings")}
		s.buildUI()
		s.load(nil)
		return s, s.win
	})
}

// practiceSettings is the Practice settings window.
type practiceSettings struct {
	d    *Desk
	win  fyne.Window
	keys formKeys

	info    *app.PracticeInfo // as loaded or last saved; nil until it arrives
	fields  *fieldSet
	name    *entry
	kind    *widget.RadioGroup // Unlimited or At most
	limit   *entry             // the number, when At most
	usage   *widget.Label      // "12 of 15 staff accounts used"
	message *widget.Label      // saved, or why not
	save    *button
	close   *button
	stale   *staleChoice // the last "changed since you opened it" question
	busy    bool
	filling bool // show is putting the loaded values in the fields
}

func (s *practiceSettings) buildUI() {
	s.keys = formKeys{submit: s.onSave, cancel: s.win.Close}
	s.keys.attach(s.win)
	s.fields = newFieldSet()
	s.name = newEntry(&s.keys, "Springfield Family Practice")
	s.name.OnChanged = func(string) { s.fields.setError(app.FieldPracticeName, "") }
	s.fields.add(app.FieldPracticeName, "Practice name", true, s.name, "")

	s.limit = newEntry(&s.keys, "3")
	s.limit.OnChanged = func(string) { s.fields.setError(app.FieldStaffLimit, "") }
	s.kind = widget.NewRadioGroup([]string{limitUnlimited, limitAtMost}, s.onKindChanged)
	s.kind.Horizontal = true
	s.kind.Required = true
	limitRow := container.NewHBox(s.kind, container.NewGridWrap(fyne.NewSize(100, s.limit.MinSize().Height), s.limit),
		widget.NewLabel("staff accounts"))
	s.usage = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.fields.add(app.FieldStaffLimit, "Staff account limit", false, container.NewVBox(limitRow, s.usage),
		"Pending and active accounts count towards the limit; inactive ones do not.")

	s.message = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.message.Hide()
	s.save = newButton("Save", theme.DocumentSaveIcon(), widget.HighImportance, s.onSave)
	s.close = newButton("Close", nil, widget.MediumImportance, s.win.Close)
	s.setEnabled(false)

	buttons := container.NewHBox(layout.NewSpacer(), s.close, s.save)
	body := container.NewVBox(s.message, s.fields.container())
	s.win.SetContent(container.NewBorder(nil, container.NewPadded(buttons), nil, nil,
		container.NewVScroll(container.NewPadded(body))))
	s.win.Resize(fyne.NewSize(620, 340))
}

// mayChange reports whether the person may save the settings; the others only read them.
func (s *practiceSettings) mayChange() bool { return s.d.can(app.PermManagePractice) }

func (s *practiceSettings) setEnabled(on bool) {
	for _, w := range []fyne.Disableable{s.name, s.kind, s.save} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if on && s.kind.Selected == limitAtMost {
		s.limit.Enable()
	} else {
		s.limit.Disable()
	}
}

// load reads the practice and shows it, then runs then (when not nil).
func (s *practiceSettings) load(then func()) {
	var info *app.PracticeInfo
	s.busy = true
	s.d.background(func(ctx context.Context) (err error) {
		info, err = s.d.svc.Practice.Get(ctx)
		return err
	}, func(err error) {
		s.busy = false
		if err != nil {
			s.d.logError(err)
			s.say(app.ErrorMessage(err), widget.DangerImportance)
			return
		}
		s.show(info)
		if then != nil {
			then()
		}
	})
}

// show fills the fields from info.
func (s *practiceSettings) show(info *app.PracticeInfo) {
	s.info = info
	s.filling = true
	defer func() { s.filling = false }()
	s.name.SetText(info.Practice.Name)
	if info.Practice.StaffLimit > 0 {
		s.limit.SetText(strconv.Itoa(info.Practice.StaffLimit))
		s.kind.SetSelected(limitAtMost)
	} else {
		s.limit.SetText("")
		s.kind.SetSelected(limitUnlimited)
	}
	s.showUsage(info.Usage)
	s.fields.clearErrors()
	s.setEnabled(s.mayChange())
	if !s.mayChange() {
		s.say("You need the Manage Practice permission to change these settings.", widget.MediumImportance)
	}
	s.relayout()
}

func (s *practiceSettings) showUsage(u app.StaffUsage) {
	s.usage.SetText(u.Label() + ".")
	switch {
	case u.Full():
		s.usage.Importance = widget.DangerImportance
	case u.Near():
		s.usage.Importance = widget.WarningImportance
	default:
		s.usage.Importance = widget.MediumImportance
	}
	s.usage.Refresh()
}

func (s *practiceSettings) onKindChanged(kind string) {
	s.fields.setError(app.FieldStaffLimit, "")
	if kind == limitAtMost && s.info != nil && s.mayChange() {
		s.limit.Enable()
		if strings.TrimSpace(s.limit.Text) == "" {
			s.limit.SetText(strconv.Itoa(max(s.info.Usage.Used, 1)))
		}
		if !s.filling {
			s.win.Canvas().Focus(s.limit)
		}
	} else {
		s.limit.Disable()
	}
}

// values reads the limit as typed: 0 for Unlimited, or why the number is not one.
func (s *practiceSettings) values() (name string, limit int, problem string) {
	name = s.name.Text
	if s.kind.Selected != limitAtMost {
		return name, 0, ""
	}
	n, err := strconv.Atoi(strings.TrimSpace(s.limit.Text))
	if err != nil || n < 1 {
		return name, 0, "Enter the number of staff accounts the plan allows, or choose Unlimited."
	}
	return name, n, ""
}

func (s *practiceSettings) say(msg string, importance widget.Importance) {
	s.message.Importance = importance
	s.message.SetText(msg)
	if msg == "" {
		s.message.Hide()
	} else {
		s.message.Show()
	}
	s.relayout()
}

func (s *practiceSettings) relayout() {
	s.win.Content().Refresh()
}

// onSave saves the name and limit at the version loaded. Problems go next to their
// fields; settings changed on another desk meanwhile ask Reload or Keep my changes.
func (s *practiceSettings) onSave() {
	if s.info == nil || s.busy || !s.mayChange() {
		return
	}
	name, limit, problem := s.values()
	s.fields.clearErrors()
	if problem != "" {
		s.fields.setError(app.FieldStaffLimit, problem)
		s.say("", widget.MediumImportance)
		s.win.Canvas().Focus(s.limit)
		return
	}
	s.busy = true
	s.save.Disable()
	version := s.info.Practice.Version
	var saved *app.PracticeInfo
	s.d.background(func(ctx context.Context) (err error) {
		saved, err = s.d.svc.Practice.Save(ctx, name, limit, version)
		return err
	}, func(err error) {
		s.busy = false
		s.save.Enable()
		switch {
		case err == nil:
			s.show(saved)
			s.say("Saved.", widget.SuccessImportance)
		case app.ErrorCode(err) == app.ECONFLICT && len(app.ErrorFields(err)) == 0:
			s.d.logError(err)
			s.stale = askStale(s.win, err, func() { s.load(nil) }, s.onKeepChanges)
		default:
			s.d.logError(err)
			rest := s.fields.showErrors(err)
			msg := strings.Join(rest, " ")
			if len(app.ErrorFields(err)) == 0 {
				msg = app.ErrorMessage(err)
			}
			s.say(msg, widget.DangerImportance)
			if s.fields.errorOf(app.FieldPracticeName) != "" {
				s.win.Canvas().Focus(s.name)
			} else if s.fields.errorOf(app.FieldStaffLimit) != "" && s.kind.Selected == limitAtMost {
				s.win.Canvas().Focus(s.limit)
			}
		}
	})
}

// onKeepChanges saves the person's values over the settings as they are now.
func (s *practiceSettings) onKeepChanges() {
	name, kind, limit := s.name.Text, s.kind.Selected, s.limit.Text
	s.load(func() {
		s.name.SetText(name)
		s.kind.SetSelected(kind)
		s.limit.SetText(limit)
		s.onSave()
	})
}
