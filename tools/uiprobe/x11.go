package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// xconn is just enough of the X11 protocol, spoken over the display's Unix socket, to
// read a rectangle of the screen (GetImage) and to press keys and click (the XTEST
// extension, which is what xdotool uses too). Doing it here, rather than running
// xdotool and import for every key and every poll, keeps process starts out of the
// figures: a key is sent and the screen read from one process, timed by one clock.
// It is a synchronous client: one request, then its reply; it selects no events.
type xconn struct {
	c      net.Conn
	r      *bufio.Reader
	seq    uint16
	root   uint32
	width  int
	height int
	depth  byte
	minKey byte
	maxKey byte
	xtest  byte     // XTEST's major opcode
	keys   []uint32 // keysyms, perKey per keycode from minKey
	perKey int
}

// dialX connects to display (":120"), without authorisation: the Xvfb the script
// starts accepts local clients, as .ci/smoke relies on too.
func dialX(display string) (*xconn, error) {
	num := strings.TrimPrefix(display, ":")
	if i := strings.IndexByte(num, '.'); i >= 0 {
		num = num[:i]
	}
	if _, err := strconv.Atoi(num); err != nil {
		return nil, fmt.Errorf("DISPLAY %q is not a local display such as :99", display)
	}
	c, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
	if err != nil {
		return nil, err
	}
	x := &xconn{c: c, r: bufio.NewReaderSize(c, 1<<20)}
	if err := x.setup(); err != nil {
		c.Close()
		return nil, fmt.Errorf("X11 setup on %s: %w", display, err)
	}
	return x, nil
}

func (x *xconn) setup() error {
	// 'l': little-endian; protocol 11.0; no authorisation.
	if _, err := x.c.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(x.r, head); err != nil {
		return err
	}
	rest := make([]byte, int(binary.LittleEndian.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(x.r, rest); err != nil {
		return err
	}
	if head[0] != 1 {
		n := int(head[1])
		if n > len(rest) {
			n = len(rest)
		}
		return fmt.Errorf("the server refused the connection: %s", rest[:n])
	}
	vendorLen := int(binary.LittleEndian.Uint16(rest[16:]))
	nFormats := int(rest[21])
	x.minKey, x.maxKey = rest[26], rest[27]
	off := 32 + (vendorLen+3)/4*4 + 8*nFormats
	scr := rest[off:]
	x.root = binary.LittleEndian.Uint32(scr[0:])
	x.width = int(binary.LittleEndian.Uint16(scr[20:]))
	x.height = int(binary.LittleEndian.Uint16(scr[22:]))
	x.depth = scr[38]
	if x.depth != 24 && x.depth != 32 {
		return fmt.Errorf("the screen is %d bits deep; start Xvfb with -screen 0 WxHx24", x.depth)
	}
	if err := x.queryXTest(); err != nil {
		return err
	}
	return x.loadKeymap()
}

// request sends one request and, when it has one, reads its reply; an X error comes
// back as an error.
func (x *xconn) request(req []byte, hasReply bool) ([]byte, error) {
	if len(req)%4 != 0 {
		panic("X11 request not padded")
	}
	binary.LittleEndian.PutUint16(req[2:], uint16(len(req)/4))
	x.seq++
	if _, err := x.c.Write(req); err != nil {
		return nil, err
	}
	if !hasReply {
		return nil, nil
	}
	return x.reply(nil)
}

// reply reads the next reply into buf (grown when too small): its 32-byte head, then
// its extra data.
func (x *xconn) reply(buf []byte) ([]byte, error) {
	for {
		head := make([]byte, 32)
		if _, err := io.ReadFull(x.r, head); err != nil {
			return nil, err
		}
		switch head[0] {
		case 0:
			return nil, fmt.Errorf("X11 error %d on request %d.%d", head[1], head[10], binary.LittleEndian.Uint16(head[8:]))
		case 1:
			n := 32 + int(binary.LittleEndian.Uint32(head[4:]))*4
			if cap(buf) < n {
				buf = make([]byte, n)
			}
			buf = buf[:n]
			copy(buf, head)
			if _, err := io.ReadFull(x.r, buf[32:]); err != nil {
				return nil, err
			}
			return buf, nil
		default:
			continue // an event; none is selected, but skip it if one comes
		}
	}
}

func (x *xconn) queryXTest() error {
	name := "XTEST"
	req := make([]byte, 8+(len(name)+3)/4*4)
	req[0] = 98 // QueryExtension
	binary.LittleEndian.PutUint16(req[4:], uint16(len(name)))
	copy(req[8:], name)
	rep, err := x.request(req, true)
	if err != nil {
		return err
	}
	if rep[8] == 0 {
		return errors.New("the X server has no XTEST extension")
	}
	x.xtest = rep[9]
	return nil
}

func (x *xconn) loadKeymap() error {
	req := make([]byte, 8)
	req[0] = 101 // GetKeyboardMapping
	req[4] = x.minKey
	req[5] = x.maxKey - x.minKey + 1
	rep, err := x.request(req, true)
	if err != nil {
		return err
	}
	x.perKey = int(rep[1])
	data := rep[32:]
	x.keys = make([]uint32, len(data)/4)
	for i := range x.keys {
		x.keys[i] = binary.LittleEndian.Uint32(data[4*i:])
	}
	return nil
}

// Keysyms used here besides the printable Latin-1 characters, whose keysym is their code.
const (
	keysymControlL  = 0xffe3
	keysymShiftL    = 0xffe1
	keysymBackSpace = 0xff08
	keysymTab       = 0xff09
	keysymReturn    = 0xff0d
)

// keycode is the key that types keysym without Shift.
func (x *xconn) keycode(keysym uint32) (byte, error) {
	code, shift, err := x.keycodeShift(keysym)
	if err == nil && shift {
		err = fmt.Errorf("keysym %#x needs Shift", keysym)
	}
	return code, err
}

// keycodeShift is the key that types keysym, and whether it needs Shift for it (the
// keysym is in the key's second column: "M", "_").
func (x *xconn) keycodeShift(keysym uint32) (byte, bool, error) {
	for col := range min(2, x.perKey) {
		for i := 0; i*x.perKey < len(x.keys); i++ {
			if x.keys[i*x.perKey+col] == keysym {
				return x.minKey + byte(i), col == 1, nil
			}
		}
	}
	return 0, false, fmt.Errorf("no key types keysym %#x", keysym)
}

// typeText types s, a key at a time, with Shift where a character needs it. Only
// printable ASCII: its keysyms are the characters' codes.
func (x *xconn) typeText(s string) error {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return fmt.Errorf("typeText: %U is not printable ASCII", r)
		}
		code, shift, err := x.keycodeShift(uint32(r))
		if err != nil {
			return err
		}
		if shift {
			sc, _, err := x.keycodeShift(keysymShiftL)
			if err != nil {
				return err
			}
			err = x.press(sc, code)
		} else {
			err = x.press(code)
		}
		if err != nil {
			return err
		}
	}
	return x.sync()
}

// fake sends one XTEST event: 2 key press, 3 key release, 4 button press, 5 button
// release, 6 pointer motion (absolute, to x, y).
func (x *xconn) fake(typ, detail byte, px, py int) error {
	req := make([]byte, 36)
	req[0], req[1] = x.xtest, 2 // FakeInput
	req[4], req[5] = typ, detail
	binary.LittleEndian.PutUint32(req[12:], x.root)
	binary.LittleEndian.PutUint16(req[24:], uint16(px))
	binary.LittleEndian.PutUint16(req[26:], uint16(py))
	_, err := x.request(req, false)
	return err
}

// key presses and releases the keys in order, the last first released (Ctrl+F: the
// keysyms Control_L, f).
func (x *xconn) key(keysyms ...uint32) error {
	codes := make([]byte, len(keysyms))
	for i, k := range keysyms {
		c, err := x.keycode(k)
		if err != nil {
			return err
		}
		codes[i] = c
	}
	if err := x.press(codes...); err != nil {
		return err
	}
	return x.sync()
}

// press presses the keys in order and releases them, the last first.
func (x *xconn) press(codes ...byte) error {
	for _, c := range codes {
		if err := x.fake(2, c, 0, 0); err != nil {
			return err
		}
	}
	for i := len(codes) - 1; i >= 0; i-- {
		if err := x.fake(3, codes[i], 0, 0); err != nil {
			return err
		}
	}
	return nil
}

func (x *xconn) move(px, py int) error {
	if err := x.fake(6, 0, px, py); err != nil {
		return err
	}
	return x.sync()
}

// click presses and releases the left button where the pointer is.
func (x *xconn) click() error {
	if err := x.fake(4, 1, 0, 0); err != nil {
		return err
	}
	if err := x.fake(5, 1, 0, 0); err != nil {
		return err
	}
	return x.sync()
}

// sync waits until the server has handled every request sent so far: GetInputFocus
// is a round trip.
func (x *xconn) sync() error {
	_, err := x.request([]byte{43, 0, 0, 0}, true)
	return err
}

// rect is a rectangle of the screen.
type rect struct{ X, Y, W, H int }

func (r rect) String() string { return fmt.Sprintf("%dx%d+%d+%d", r.W, r.H, r.X, r.Y) }

// capture reads r of the root window (what is on the screen, the app's window
// included) as 32-bit BGRX pixels into buf, reusing it.
func (x *xconn) capture(r rect, buf []byte) ([]byte, error) {
	req := make([]byte, 20)
	req[0], req[1] = 73, 2 // GetImage, ZPixmap
	binary.LittleEndian.PutUint32(req[4:], x.root)
	binary.LittleEndian.PutUint16(req[8:], uint16(r.X))
	binary.LittleEndian.PutUint16(req[10:], uint16(r.Y))
	binary.LittleEndian.PutUint16(req[12:], uint16(r.W))
	binary.LittleEndian.PutUint16(req[14:], uint16(r.H))
	binary.LittleEndian.PutUint32(req[16:], 0xffffffff)
	binary.LittleEndian.PutUint16(req[2:], 5)
	x.seq++
	if _, err := x.c.Write(req); err != nil {
		return nil, err
	}
	rep, err := x.reply(buf)
	if err != nil {
		return nil, err
	}
	if len(rep)-32 < r.W*r.H*4 {
		return nil, fmt.Errorf("GetImage %v gave %d bytes", r, len(rep)-32)
	}
	return rep, nil
}

func (x *xconn) Close() error { return x.c.Close() }
