package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

// BenchmarkStaffFormTyping types 30 characters into the New Office Staff form's first
// name, as a person does, and measures what each keystroke costs the window.
func BenchmarkStaffFormTyping(b *testing.B) {
	td := newTestDesk(b, true)
	f := td.showStaffForm(0)
	td.waitIdle()
	if !f.ready {
		b.Fatal("the form did not load")
	}
	const name = "Maximiliana Alexandra-Koenigsb"
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f.firstName.SetText("")
		test.Type(f.firstName, name)
	}
	b.StopTimer()
	if f.firstName.Text != name {
		b.Fatalf("first name = %q", f.firstName.Text)
	}
}

// Typing in a field redraws that field, not the whole scrolling form: 30 keystrokes in
// the first name once cost about 200,000 allocations (every widget of the form
// refreshed per key), now about 1,300.
func TestStaffFormTypingRefreshesOnlyWhatChanged(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	allocs := testing.AllocsPerRun(3, func() {
		f.firstName.SetText("")
		test.Type(f.firstName, "Maximiliana Alexandra-Koenigsb")
	})
	if allocs > 10000 {
		t.Errorf("30 keystrokes in First name took %.0f allocations", allocs)
	}
}

// When the strength meter grows under the password, the rows below move down with it.
func TestStaffFormMeterPushesRowsDown(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	drv := td.fyneApp.Driver()
	bottom := func(o fyne.CanvasObject) float32 { return drv.AbsolutePositionForObject(o).Y + o.Size().Height }
	before := drv.AbsolutePositionForObject(f.confirm).Y
	test.Type(f.password, "password1") // weak, with a hint
	if !f.strength.hint.Visible() {
		t.Fatal("no hint for a weak password")
	}
	if top := drv.AbsolutePositionForObject(f.confirm).Y; top <= before || top < bottom(f.strength) {
		t.Errorf("Confirm Password at %v (was %v), the meter ends at %v", top, before, bottom(f.strength))
	}
	test.Type(f.confirm, "x") // the mismatch message appears under Confirm Password
	row := f.fields.byName[app.FieldConfirmPassword]
	if !row.err.Visible() || drv.AbsolutePositionForObject(f.homePhone).Y < bottom(row.err) {
		t.Errorf("Home phone at %v overlaps the mismatch message ending at %v",
			drv.AbsolutePositionForObject(f.homePhone).Y, bottom(row.err))
	}
}
