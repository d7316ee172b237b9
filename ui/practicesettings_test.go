package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

func openTestPracticeSettings(t *testing.T, td *testDesk) *practiceSettings {
	t.Helper()
	s := td.showPracticeSettings()
	if s == nil {
		t.Fatal("Practice settings was already open")
	}
	td.waitIdle()
	if s.info == nil {
		t.Fatalf("the practice did not load: %q", s.message.Text)
	}
	return s
}

func TestPracticeSettingsShowsAndSaves(t *testing.T) {
	td := newTestDesk(t, true)
	s := openTestPracticeSettings(t, td)
	info, err := td.svc.Practice.Get(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if s.name.Text != "Springfield Family Practice" || s.kind.Selected != limitAtMost || s.limit.Text != "15" {
		t.Errorf("shown %q, %q %q", s.name.Text, s.kind.Selected, s.limit.Text)
	}
	if want := fmt.Sprintf("%d of 15 staff accounts used.", info.Usage.Used); s.usage.Text != want {
		t.Errorf("usage = %q, want %q", s.usage.Text, want)
	}
	if s.save.Disabled() || s.name.Disabled() || s.limit.Disabled() {
		t.Error("the administrator cannot change the settings")
	}

	s.name.SetText("Springfield Family Health")
	s.kind.SetSelected(limitUnlimited)
	if !s.limit.Disabled() {
		t.Error("the number stays editable with Unlimited")
	}
	test.Tap(s.save)
	td.waitIdle()
	if s.message.Text != "Saved." {
		t.Errorf("message = %q", s.message.Text)
	}
	got, err := td.svc.Practice.Get(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if got.Practice.Name != "Springfield Family Health" || got.Practice.StaffLimit != 0 {
		t.Errorf("stored %q, limit %d", got.Practice.Name, got.Practice.StaffLimit)
	}
	if want := fmt.Sprintf("%d staff accounts used.", info.Usage.Used); s.usage.Text != want {
		t.Errorf("usage after saving = %q, want %q", s.usage.Text, want)
	}

	// At most a number again: the number is saved.
	s.kind.SetSelected(limitAtMost)
	s.limit.SetText(fmt.Sprint(info.Usage.Used + 2))
	test.Tap(s.save)
	td.waitIdle()
	if got, _ := td.svc.Practice.Get(td.ctx()); got.Practice.StaffLimit != info.Usage.Used+2 {
		t.Errorf("stored limit %d, want %d", got.Practice.StaffLimit, info.Usage.Used+2)
	}
}

func TestPracticeSettingsFieldErrors(t *testing.T) {
	td := newTestDesk(t, true)
	s := openTestPracticeSettings(t, td)
	used := s.info.Usage.Used

	s.limit.SetText("many")
	test.Tap(s.save)
	td.waitIdle()
	if msg := s.fields.errorOf(app.FieldStaffLimit); !strings.Contains(msg, "Enter the number") {
		t.Errorf("a limit that is not a number: %q", msg)
	}

	s.limit.SetText(fmt.Sprint(used - 1))
	s.name.SetText("  ")
	test.Tap(s.save)
	td.waitIdle()
	if msg := s.fields.errorOf(app.FieldPracticeName); msg == "" {
		t.Error("an empty name is not refused beside the name")
	}
	s.name.SetText("Springfield")
	test.Tap(s.save)
	td.waitIdle()
	if msg := s.fields.errorOf(app.FieldStaffLimit); !strings.Contains(msg, fmt.Sprintf("%d staff accounts are pending or active", used)) {
		t.Errorf("a limit below the accounts used: %q", msg)
	}
	if got, _ := td.svc.Practice.Get(td.ctx()); got.Practice.Name != "Springfield Family Practice" || got.Practice.StaffLimit != 15 {
		t.Errorf("a refused save was stored: %q %d", got.Practice.Name, got.Practice.StaffLimit)
	}
}

func TestPracticeSettingsChangedMeanwhile(t *testing.T) {
	td := newTestDesk(t, true)
	s := openTestPracticeSettings(t, td)
	// Another desk renames the practice after the window loaded.
	if _, err := td.svc.Practice.Save(td.ctx(), "Renamed Elsewhere", 15, s.info.Practice.Version); err != nil {
		t.Fatal(err)
	}
	s.limit.SetText("20")
	test.Tap(s.save)
	td.waitIdle()
	if s.stale == nil {
		t.Fatal("a stale save did not ask Reload or Keep my changes")
	}
	test.Tap(s.stale.keep)
	td.waitIdle()
	got, err := td.svc.Practice.Get(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	// Keep my changes saves what the window shows: its name and the new limit.
	if got.Practice.Name != "Springfield Family Practice" || got.Practice.StaffLimit != 20 {
		t.Errorf("stored %q %d", got.Practice.Name, got.Practice.StaffLimit)
	}

	// Reload shows the settings as they are now instead.
	if _, err := td.svc.Practice.Save(td.ctx(), "Renamed Again", 20, got.Practice.Version); err != nil {
		t.Fatal(err)
	}
	s.limit.SetText("25")
	test.Tap(s.save)
	td.waitIdle()
	test.Tap(s.stale.reload)
	td.waitIdle()
	if s.name.Text != "Renamed Again" || s.limit.Text != "20" {
		t.Errorf("after Reload: %q %q", s.name.Text, s.limit.Text)
	}
}

func TestPracticeSettingsReadOnlyWithoutManagePractice(t *testing.T) {
	td := newTestDesk(t, true)
	signInAs(t, td, "abello")
	s := openTestPracticeSettings(t, td)
	if !s.save.Disabled() || !s.name.Disabled() || !s.kind.Disabled() || !s.limit.Disabled() {
		t.Error("a Nurse may change the practice settings")
	}
	if !strings.Contains(s.message.Text, "Manage Practice") {
		t.Errorf("message = %q", s.message.Text)
	}
}
