package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

func TestFitSize(t *testing.T) {
	want := fyne.NewSize(1280, 800)
	for _, tt := range []struct {
		w, h    int
		scale   float32
		size    fyne.Size
		smaller bool
	}{
		{1920, 1080, 1, want, false},
		{1280, 900, 1, want, false},
		{1024, 640, 1, fyne.NewSize(1024, 640-decorations), true},
		{1280, 800, 1, fyne.NewSize(1280, 800-decorations), true},
		{2048, 1280, 2, fyne.NewSize(1024, (1280-decorations)/2), true},
		{1024, 640, 0, fyne.NewSize(1024, 640-decorations), true}, // unknown scale
	} {
		size, smaller := fitSize(want, tt.w, tt.h, tt.scale)
		if size != tt.size || smaller != tt.smaller {
			t.Errorf("%d×%d at %v: %v, %v; want %v, %v", tt.w, tt.h, tt.scale, size, smaller, tt.size, tt.smaller)
		}
	}
}
