// Command icons writes the hicolor icon theme's PNG sizes of StaffDesk's icon, for the
// .deb: go run ./packaging/icons -src assets/icon.png -out DIR makes
// DIR/16x16/apps/staffdesk.png … DIR/512x512/apps/staffdesk.png.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
)

// sizes are the hicolor sizes desktops look for, from the panel's 16 px to the
// software centre's 512 px.
var sizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

func main() {
	src := flag.String("src", "assets/icon.png", "the icon to scale (a square PNG of at least 512 px)")
	out := flag.String("out", "", "the hicolor folder to write into (required)")
	name := flag.String("name", "staffdesk", "the icon's name, as the desktop entry's Icon= gives it")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "icons: -out is required")
		os.Exit(2)
	}
	if err := write(*src, *out, *name); err != nil {
		fmt.Fprintln(os.Stderr, "icons:", err)
		os.Exit(1)
	}
}

func write(src, out, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < sizes[len(sizes)-1] {
		return fmt.Errorf("%s is %dx%d: it should be square and at least %d px", src, b.Dx(), b.Dy(), sizes[len(sizes)-1])
	}
	for _, n := range sizes {
		dir := filepath.Join(out, fmt.Sprintf("%dx%d", n, n), "apps")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := save(filepath.Join(dir, name+".png"), scale(img, n)); err != nil {
			return err
		}
	}
	return nil
}

// scale is img at n×n px, resampled with Catmull-Rom so small sizes stay crisp.
func scale(img image.Image, n int) *image.NRGBA {
	dst := image.NewNRGBA(image.Rect(0, 0, n, n))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
}

func save(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
