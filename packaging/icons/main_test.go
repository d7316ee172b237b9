package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteEverySize: each hicolor size is a PNG of exactly that size, and the icon's
// teal square survives the scaling (its centre is not transparent).
func TestWriteEverySize(t *testing.T) {
	img, err := load("../../assets/icon.png")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := write(img, out, "staffdesk"); err != nil {
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
	if _, err := load(small); err == nil {
		t.Error("a 64 px source was accepted")
	}
}

// TestICO: the .ico's directory lists each size once, each entry pointing at a PNG of
// that size inside the file (256 px written as 0, as the format wants).
func TestICO(t *testing.T) {
	img, err := load("../../assets/icon.png")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "staffdesk.ico")
	if err := writeICO(img, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(b[0:]) != 0 || le.Uint16(b[2:]) != 1 || int(le.Uint16(b[4:])) != len(icoSizes) {
		t.Fatalf("ICONDIR is % x", b[:6])
	}
	for i, n := range icoSizes {
		e := b[6+16*i:]
		w := int(e[0])
		if w == 0 {
			w = 256
		}
		size, off := le.Uint32(e[8:]), le.Uint32(e[12:])
		if w != n || int(off+size) > len(b) {
			t.Fatalf("entry %d: %d px at %d+%d in a %d-byte file, want %d px", i, w, off, size, len(b), n)
		}
		p, err := png.Decode(bytes.NewReader(b[off : off+size]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if p.Bounds().Dx() != n {
			t.Errorf("entry %d: a %d px PNG, the directory says %d", i, p.Bounds().Dx(), n)
		}
	}
}
