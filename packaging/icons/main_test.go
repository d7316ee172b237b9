package main

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteEverySize: each hicolor size is a PNG of exactly that size, and the icon's
// teal square survives the scaling (its centre is not transparent).
func TestWriteEverySize(t *testing.T) {
	out := t.TempDir()
	if err := write("../../assets/icon.png", out, "staffdesk"); err != nil {
		t.Fatal(err)
	}
	for _, n := range sizes {
		path := filepath.Join(out, fmt.Sprintf("%dx%d", n, n), "apps", "staffdesk.png")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
			t.Errorf("%s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), n, n)
		}
		// The corner is transparent in the source; the middle of the card is opaque.
		if _, _, _, a := img.At(n/2, n/4).RGBA(); a == 0 {
			t.Errorf("%s: the middle of the icon is transparent", path)
		}
	}
}

// TestRefusesASmallIcon: a source smaller than the largest size would be blown up
// blurry; the tool says so instead.
func TestRefusesASmallIcon(t *testing.T) {
	f, err := os.Open("../../assets/icon.png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	small := filepath.Join(out, "small.png")
	if err := save(small, scale(img, 64)); err != nil {
		t.Fatal(err)
	}
	if err := write(small, filepath.Join(out, "hicolor"), "staffdesk"); err == nil {
		t.Error("a 64 px source was accepted")
	}
}
