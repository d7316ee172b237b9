// Command icons writes the sizes of StaffDesk's icon that the installers need:
//
//	go run ./packaging/icons -src assets/icon.png -out DIR    DIR/16x16/apps/staffdesk.png … DIR/512x512/apps/staffdesk.png (hicolor, for the .deb)
//	go run ./packaging/icons -src assets/icon.png -ico FILE   a Windows .ico of 16 to 256 px (for the setup and the MSI)
package main

import (
	"bytes"
	"encoding/binary"
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
	out := flag.String("out", "", "the hicolor folder to write into")
	ico := flag.String("ico", "", "the .ico file to write")
	name := flag.String("name", "staffdesk", "the icon's name, as the desktop entry's Icon= gives it")
	flag.Parse()
	if *out == "" && *ico == "" {
		fmt.Fprintln(os.Stderr, "icons: give -out DIR, -ico FILE or both")
		os.Exit(2)
	}
	img, err := load(*src)
	if err == nil && *out != "" {
		err = write(img, *out, *name)
	}
	if err == nil && *ico != "" {
		err = writeICO(img, *ico)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "icons:", err)
		os.Exit(1)
	}
}

// load reads the source icon: square, and large enough for the largest size.
func load(src string) (image.Image, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < sizes[len(sizes)-1] {
		return nil, fmt.Errorf("%s is %dx%d: it should be square and at least %d px", src, b.Dx(), b.Dy(), sizes[len(sizes)-1])
	}
	return img, nil
}

func write(img image.Image, out, name string) error {
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

// icoSizes are the sizes Windows picks from for lists, the taskbar, Explorer and
// Settings → Apps.
var icoSizes = []int{16, 24, 32, 48, 64, 256}

// writeICO writes a Windows icon whose images are PNGs (which Windows reads since
// Vista): the ICONDIR header, one 16-byte entry per size, then the PNGs.
func writeICO(img image.Image, path string) error {
	var pngs [][]byte
	for _, n := range icoSizes {
		var b bytes.Buffer
		if err := png.Encode(&b, scale(img, n)); err != nil {
			return err
		}
		pngs = append(pngs, b.Bytes())
	}
	var ico bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&ico, le, [3]uint16{0, 1, uint16(len(icoSizes))}) // reserved, type 1 (icon), count
	offset := 6 + 16*len(icoSizes)
	for i, n := range icoSizes {
		side := uint8(n) // 0 means 256
		_ = binary.Write(&ico, le, struct {
			Width, Height, Colors, Reserved uint8
			Planes, BitCount                uint16
			Size, Offset                    uint32
		}{side, side, 0, 0, 1, 32, uint32(len(pngs[i])), uint32(offset)})
		offset += len(pngs[i])
	}
	for _, p := range pngs {
		ico.Write(p)
	}
	return os.WriteFile(path, ico.Bytes(), 0o644)
}
