package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
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
