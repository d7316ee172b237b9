// Command uiprobe times a Fyne window as a person meets it, on an X display (Xvfb):
// from exec to the first drawn frame, from a key to the repainted screen, from a click
// to the repainted screen, and the process's resident memory along the way. It reads
// the screen itself, by polling a small rectangle with X11 GetImage, and sends keys and
// clicks with XTEST. tools/measure-ui runs it round after round and then
//
//	uiprobe report results.jsonl
//
// prints the table of medians.
//
// One round:
//
//	UIPROBE_PASSWORD=... uiprobe run -label staffdesk-10000 -kind staffdesk -login admin -keys mart -click 135,148 -- staffdesk --db f.db
//
// prints one JSON line with the round's figures. With -login, the app opens Sign in
// first: the probe times exec to Sign in drawn, types the username, Tab, the password
// (from UIPROBE_PASSWORD, kept out of every argv and out of the app's environment) and
// Enter, and times the Staff window from that Enter. It assumes no window manager, so
// that the window opens at 0,0 as Fyne sizes it, and the pointer is parked in a corner
// where hovering changes nothing.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCmd(os.Args[2:])
	case "report":
		err = reportCmd(os.Args[2:])
	case "shot":
		err = shotCmd(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "uiprobe:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: uiprobe run [flags] -- COMMAND ARGS... | uiprobe report FILE... | uiprobe shot FILE.png")
	os.Exit(2)
}

// result is one round of one app.
type result struct {
	Label string `json:"label"`
	Round int    `json:"round"`
	// With -login: exec to the first frame of Sign in with its words drawn, and the
	// CPU time the app used to then.
	SignInMS    float64 `json:"sign_in_ms,omitempty"`
	SignInCPUMS float64 `json:"sign_in_cpu_ms,omitempty"`
	// exec (with -login: the Enter that signs in) to the first frame with anything in
	// it (the menu bar; hello: the entry), and to the first drawn frame.
	FirstMS float64   `json:"first_ms"`
	StartMS float64   `json:"start_ms"`
	KeyMS   []float64 `json:"key_ms,omitempty"`   // each key to the first changed frame
	ClickMS float64   `json:"click_ms,omitempty"` // header click to the first changed frame
	ClickAt string    `json:"click_at,omitempty"` // where it clicked
	// Resident memory (VmRSS, KiB): at the first drawn frame, once the window has
	// settled after it, and after the keys.
	RSSDrawnKiB   int     `json:"rss_drawn_kib"`
	RSSSettledKiB int     `json:"rss_settled_kib"`
	RSSKeysKiB    int     `json:"rss_keys_kib,omitempty"`
	PollMS        float64 `json:"poll_ms"` // median time of one screen capture and check
	// CPU time the app used (all its threads, ms): from exec (with -login: the Enter)
	// to the first drawn frame;
	// for each key and for the click, from the key to the end of its repaint (the
	// window still for 300 ms after the change, that quiet included); and per second
	// of idling once settled (the cursor blinking, the banner's polling). On a busy
	// machine these move less than the wall-clock times do.
	StartCPUMS float64   `json:"start_cpu_ms"`
	KeyCPUMS   []float64 `json:"key_cpu_ms,omitempty"`
	ClickCPUMS float64   `json:"click_cpu_ms,omitempty"`
	IdleCPUMS  float64   `json:"idle_cpu_ms_per_s"`
	// The probe's own CPU time per second of the round (ms/s), the screen captures'
	// share of Xvfb's not included: what the measuring takes from the app.
	ProbeCPUMS float64  `json:"probe_cpu_ms_per_s"`
	Errors     []string `json:"errors,omitempty"`
}

type probe struct {
	x        *xconn
	buf, ref []byte
	interval time.Duration
	polls    []time.Duration
	exited   chan struct{}
	started  time.Time // the exec
}

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	label := fs.String("label", "app", "the app's name in the results")
	round := fs.Int("round", 0, "the round's number, for the results")
	kind := fs.String("kind", "staffdesk", "what the window is: staffdesk or hello (which regions to watch, how to focus the entry)")
	keys := fs.String("keys", "", "letters to type, one at a time, each timed to the repaint")
	expect := fs.Bool("expect-change", true, "each key changes the watched region (false for an empty database: keys are typed, not timed)")
	click := fs.String("click", "", "X,Y of a header to click once the keys are done, timed to the repaint; \"name,Y\": the second column's header (StaffDesk's Name), found by the grid's column lines, at height Y")
	drawnMode := fs.String("drawn", "", "what a drawn window is: rows (text in the grid's left columns), label (text in the middle), stable (any content, unchanged for a second); default by -kind")
	login := fs.String("login", "", "sign in as this username on the app's Sign in window (the password from $UIPROBE_PASSWORD); the start is then timed from the Enter that signs in")
	shots := fs.String("shots", "", "a folder to save PNG screenshots of the round's states in")
	logPath := fs.String("log", os.DevNull, "where the app's output goes")
	interval := fs.Duration("poll", time.Millisecond, "the shortest pause between two screen captures; it grows to a fiftieth of the time waited so far, at most 10 ms")
	startTimeout := fs.Duration("start-timeout", 60*time.Second, "how long to wait for the first drawn frame")
	fs.Parse(args)
	if fs.NArg() == 0 {
		return errors.New("run: give the command after --")
	}
	password := os.Getenv("UIPROBE_PASSWORD")
	if *login != "" && password == "" {
		return errors.New("run: -login needs the password in UIPROBE_PASSWORD")
	}

	x, err := dialX(os.Getenv("DISPLAY"))
	if err != nil {
		return err
	}
	defer x.Close()
	p := &probe{x: x, interval: *interval}
	res := &result{Label: *label, Round: *round}

	// Where to look, for a 1280x800 window at 0,0. For "drawn": the staff grid's Login
	// and Name columns, below any banner, toolbar and header and above the footer:
	// empty while "Loading staff…" (centred) shows, full of text once rows are drawn.
	// For a repaint after a key or a click: the grid's Login and Name columns (a
	// filter or a sort changes the rows, and so the usernames there), leaving out the
	// search box with its blinking cursor and the footer; narrow, so that a capture is
	// cheap. For the hello-world, the middle of the window, where the echo label is
	// centred, away from the entry's cursor.
	var drawnR, keyR rect
	var focus func() error
	switch *kind {
	case "staffdesk":
		drawnR, keyR = rect{4, 190, 246, 540}, rect{0, 180, 250, 570}
		if *drawnMode == "" {
			*drawnMode = "rows"
		}
		focus = func() error { return x.key(keysymControlL, 'f') }
	case "hello":
		drawnR, keyR = rect{340, 360, 600, 120}, rect{340, 360, 600, 120}
		if *drawnMode == "" {
			*drawnMode = "label"
		}
		focus = func() error {
			if err := x.move(300, 18); err != nil {
				return err
			}
			if err := x.click(); err != nil {
				return err
			}
			return x.move(x.width-1, x.height-1)
		}
	default:
		return fmt.Errorf("run: -kind %q: staffdesk or hello", *kind)
	}
	watchR := drawnR
	if *drawnMode == "stable" {
		watchR = rect{0, 0, x.width, x.height}
	}

	// The pointer waits in the bottom-right corner (the footer), where hovering
	// highlights nothing; and the last round's window must be gone.
	if err := x.move(x.width-1, x.height-1); err != nil {
		return err
	}
	if _, err := p.waitFor(watchR, 10*time.Second, func(f []byte) bool { return ink(f) == 0 }); err != nil {
		return fmt.Errorf("the screen did not clear before the start: %w", err)
	}

	logf, err := os.Create(*logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UIPROBE_PASSWORD=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	t0 := time.Now()
	p.started = t0
	cpuAt0 := 0.0 // the app's CPU time at t0
	if err := cmd.Start(); err != nil {
		return err
	}
	p.exited = make(chan struct{})
	go func() { cmd.Wait(); close(p.exited) }()
	defer func() {
		cmd.Process.Kill()
		<-p.exited
	}()
	pid := cmd.Process.Pid

	if *login != "" {
		enterAt, cpu, err := p.signIn(pid, res, *login, password, *startTimeout, *shots, *label)
		if err != nil {
			return err
		}
		t0 = enterAt
		cpuAt0 = cpu
	}

	// The window's first frame: text in its top-left corner (StaffDesk's menu bar, or
	// the hello-world's entry). StaffDesk's then shows "Loading staff…" until the rows.
	firstAt, err := p.waitFor(rect{0, 0, 400, 40}, *startTimeout, func(f []byte) bool { return ink(f) >= 50 })
	if err != nil {
		return fmt.Errorf("first frame: %w", err)
	}
	res.FirstMS = ms(firstAt.Sub(t0))

	// Start to a drawn window.
	var drawnAt time.Time
	switch *drawnMode {
	case "rows", "label":
		min := 150 // pixels of text: a label's few words have several hundred
		drawnAt, err = p.waitFor(drawnR, *startTimeout, func(f []byte) bool { return ink(f) >= min })
	case "stable":
		drawnAt, err = p.waitStable(watchR, time.Second, *startTimeout, func(f []byte) bool { return ink(f) > 0 })
	default:
		err = fmt.Errorf("-drawn %q: rows, label or stable", *drawnMode)
	}
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	res.StartMS = ms(drawnAt.Sub(t0))
	res.StartCPUMS = cpuMS(pid) - cpuAt0
	res.RSSDrawnKiB = rss(pid)
	p.shot(*shots, *label+"-1-drawn")

	// Settled: nothing in the grid changes for a second (the mail banner, which can
	// come after the rows and push them down, has had its turn).
	if _, err := p.waitStable(keyR, time.Second, 20*time.Second, nil); err != nil {
		res.Errors = append(res.Errors, "settle: "+err.Error())
	}
	res.RSSSettledKiB = rss(pid)
	idle := cpuMS(pid)
	time.Sleep(time.Second)
	res.IdleCPUMS = cpuMS(pid) - idle

	if *keys != "" {
		if err := focus(); err != nil {
			return err
		}
		if _, err := p.waitStable(keyR, 500*time.Millisecond, 10*time.Second, nil); err != nil {
			res.Errors = append(res.Errors, "focus: "+err.Error())
		}
		for _, k := range *keys {
			if !*expect {
				if err := x.key(uint32(k)); err != nil {
					return err
				}
				time.Sleep(300 * time.Millisecond)
				continue
			}
			cpu := cpuMS(pid)
			d, err := p.timeChange(keyR, 10*time.Second, func() error { return x.key(uint32(k)) })
			if err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("key %q: %v", k, err))
				continue
			}
			res.KeyMS = append(res.KeyMS, ms(d))
			if _, err := p.waitStable(keyR, 300*time.Millisecond, 10*time.Second, nil); err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("after key %q: %v", k, err))
			}
			res.KeyCPUMS = append(res.KeyCPUMS, cpuMS(pid)-cpu)
		}
		if _, err := p.waitStable(keyR, 500*time.Millisecond, 10*time.Second, nil); err != nil {
			res.Errors = append(res.Errors, "after the keys: "+err.Error())
		}
		res.RSSKeysKiB = rss(pid)
		p.shot(*shots, *label+"-2-keys")
	}

	if *click != "" {
		cx, cy, err := p.clickPoint(*click, keyR)
		if err != nil {
			return err
		}
		res.ClickAt = fmt.Sprintf("%d,%d", cx, cy)
		if err := x.move(cx, cy); err != nil {
			return err
		}
		// Hovering may highlight the header; wait until that is drawn.
		if _, err := p.waitStable(keyR, 500*time.Millisecond, 10*time.Second, nil); err != nil {
			res.Errors = append(res.Errors, "hover: "+err.Error())
		}
		cpu := cpuMS(pid)
		d, err := p.timeChange(keyR, 10*time.Second, x.click)
		if err != nil {
			res.Errors = append(res.Errors, "click: "+err.Error())
		} else {
			res.ClickMS = ms(d)
		}
		p.waitStable(keyR, 300*time.Millisecond, 10*time.Second, nil)
		if err == nil {
			res.ClickCPUMS = cpuMS(pid) - cpu
		}
		p.shot(*shots, *label+"-3-click")
		x.move(x.width-1, x.height-1)
	}

	select {
	case <-p.exited:
		res.Errors = append(res.Errors, "the app exited during the round")
	default:
	}
	res.PollMS = ms(median(p.polls))
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		res.ProbeCPUMS = ms(cpu) / time.Since(t0).Seconds()
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// signInR is a rectangle of the Sign in window (520x400, centred on the 1280x800
// screen, as Fyne places it with no window manager): its title and first words, above
// the username box and its blinking cursor.
var signInR = rect{440, 210, 400, 80}

// signIn waits for Sign in to be drawn, timing it from exec, types login, Tab and
// password into it, and presses Enter: it returns when the Enter was sent and the app's
// CPU time then.
func (p *probe) signIn(pid int, res *result, login, password string, timeout time.Duration, shots, label string) (time.Time, float64, error) {
	at, err := p.waitFor(signInR, timeout, func(f []byte) bool { return ink(f) >= 150 })
	if err != nil {
		return at, 0, fmt.Errorf("sign in drawn: %w", err)
	}
	res.SignInMS = ms(at.Sub(p.started))
	res.SignInCPUMS = cpuMS(pid)
	// The window takes keys once it is up and still (GLFW gives a window the keyboard
	// when it is shown; no window manager runs).
	if _, err := p.waitStable(signInR, 300*time.Millisecond, 10*time.Second, nil); err != nil {
		res.Errors = append(res.Errors, "sign in: "+err.Error())
	}
	p.shot(shots, label+"-0-signin")
	if err := p.x.typeText(login); err != nil {
		return at, 0, err
	}
	if err := p.x.key(keysymTab); err != nil {
		return at, 0, err
	}
	if err := p.x.typeText(password); err != nil {
		return at, 0, err
	}
	// Give the app the keys before the Enter: they are queued in order, but a figure
	// from the Enter should not hold their handling.
	time.Sleep(100 * time.Millisecond)
	cpu := cpuMS(pid)
	enter := time.Now()
	if err := p.x.key(keysymReturn); err != nil {
		return enter, cpu, err
	}
	return enter, cpu, nil
}

// grab captures r and times the capture.
func (p *probe) grab(r rect) ([]byte, time.Time, error) {
	t := time.Now()
	buf, err := p.x.capture(r, p.buf)
	if err != nil {
		return nil, t, err
	}
	p.buf = buf
	p.polls = append(p.polls, time.Since(t))
	return buf[32 : 32+r.W*r.H*4], t, nil
}

// waitFor polls r until ok holds, and returns when the capture that first saw it was
// asked for. The change it waits for happened between the previous capture and that
// one: the resolution is one capture plus the pause between two. The pause starts at
// p.interval and grows with the wait, to a fiftieth of it (at most 10 ms): 1 ms for a
// 20 ms repaint, 6 ms for a 300 ms one, so that the figure is within about 2 % and the
// polling's own CPU, which the app on a small machine competes with, stays small.
func (p *probe) waitFor(r rect, timeout time.Duration, ok func([]byte) bool) (time.Time, error) {
	begin := time.Now()
	end := begin.Add(timeout)
	for {
		f, t, err := p.grab(r)
		if err != nil {
			return t, err
		}
		if ok(f) {
			return t, nil
		}
		if t.After(end) {
			return t, fmt.Errorf("nothing after %s", timeout)
		}
		if p.exited != nil {
			select {
			case <-p.exited:
				return t, errors.New("the app exited")
			default:
			}
		}
		time.Sleep(min(max(p.interval, t.Sub(begin)/50), 10*time.Millisecond))
	}
}

// waitStable polls r every 10 ms until it has not changed for quiet (and ok, when
// given, holds), and returns when the first capture of that unchanged state was asked
// for.
func (p *probe) waitStable(r rect, quiet, timeout time.Duration, ok func([]byte) bool) (time.Time, error) {
	end := time.Now().Add(timeout)
	var since time.Time
	have := false
	for {
		f, t, err := p.grab(r)
		if err != nil {
			return t, err
		}
		switch {
		case ok != nil && !ok(f):
			have = false
		case !have || changed(p.ref, f):
			p.ref = append(p.ref[:0], f...)
			since, have = t, true
		case t.Sub(since) >= quiet:
			return since, nil
		}
		if t.After(end) {
			return t, fmt.Errorf("still changing after %s", timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// timeChange captures r, does act (sends a key or a click), and returns the time from
// act to the first capture that differs.
func (p *probe) timeChange(r rect, timeout time.Duration, act func() error) (time.Duration, error) {
	f, _, err := p.grab(r)
	if err != nil {
		return 0, err
	}
	ref := append([]byte(nil), f...)
	t0 := time.Now()
	if err := act(); err != nil {
		return 0, err
	}
	t, err := p.waitFor(r, timeout, func(f []byte) bool { return changed(ref, f) })
	if err != nil {
		return 0, err
	}
	return t.Sub(t0), nil
}

// changed reports whether more than a few pixels differ: a repaint of the grid or the
// label changes hundreds.
func changed(a, b []byte) bool {
	n := 0
	for i := 0; i+3 < len(a) && i+3 < len(b); i += 4 {
		if a[i] != b[i] || a[i+1] != b[i+1] || a[i+2] != b[i+2] {
			if n++; n > 20 {
				return true
			}
		}
	}
	return false
}

// background is f's most common colour among 64 pixels sampled across it.
func background(f []byte) [3]byte {
	px := len(f) / 4
	counts := map[[3]byte]int{}
	var bg [3]byte
	for i := range 64 {
		j := (i*px/64 + i*7) % px * 4
		c := [3]byte{f[j], f[j+1], f[j+2]}
		if counts[c]++; counts[c] > counts[bg] {
			bg = c
		}
	}
	return bg
}

// ink counts the pixels of f that stand out from its background: text, icons, lines.
func ink(f []byte) int {
	if len(f) < 4 {
		return 0
	}
	bg := background(f)
	n := 0
	for i := 0; i+3 < len(f); i += 4 {
		d := absDiff(f[i], bg[0]) + absDiff(f[i+1], bg[1]) + absDiff(f[i+2], bg[2])
		if d > 96 {
			n++
		}
	}
	return n
}

func absDiff(a, b byte) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// shot saves the whole screen as dir/name.png, when dir is given.
func (p *probe) shot(dir, name string) {
	if dir == "" {
		return
	}
	if err := saveScreen(p.x, filepath.Join(dir, name+".png")); err != nil {
		fmt.Fprintln(os.Stderr, "uiprobe: screenshot:", err)
	}
}

func saveScreen(x *xconn, path string) error {
	r := rect{0, 0, x.width, x.height}
	buf, err := x.capture(r, nil)
	if err != nil {
		return err
	}
	f := buf[32:]
	img := image.NewRGBA(image.Rect(0, 0, r.W, r.H))
	for i := 0; i < r.W*r.H; i++ {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = f[4*i+2], f[4*i+1], f[4*i], 255
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	return png.Encode(out, img)
}

func shotCmd(args []string) error {
	if len(args) != 1 {
		usage()
	}
	x, err := dialX(os.Getenv("DISPLAY"))
	if err != nil {
		return err
	}
	defer x.Close()
	return saveScreen(x, args[0])
}

// rss is the process's resident memory in KiB, 0 when it can't be read.
func rss(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// cpuMS is the CPU time the process's threads have run for, in ms: the first field of
// each thread's schedstat (nanoseconds on a CPU), which is exact where the 10 ms ticks
// of /proc/PID/stat are not. A thread that has ended no longer counts; the app's
// threads (Go's, GLFW's, Mesa's) live as long as it does.
func cpuMS(pid int) float64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var ns int64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			ns += n
		}
	}
	return float64(ns) / 1e6
}

// clickPoint reads -click: "X,Y", or "name,Y" for a point just inside the left edge of
// the grid's second column (the Name header), whose left edge is the first column line
// in the grid: the columns fit their contents, so the Login column is wider at 100,000
// accounts (longer usernames) than at 10,000.
func (p *probe) clickPoint(spec string, grid rect) (int, int, error) {
	if rest, ok := strings.CutPrefix(spec, "name,"); ok {
		y, err := strconv.Atoi(rest)
		if err != nil {
			return 0, 0, fmt.Errorf("-click %q: name,Y", spec)
		}
		r := rect{grid.X, grid.Y, 600, grid.H}
		f, _, err := p.grab(r)
		if err != nil {
			return 0, 0, err
		}
		x := columnLine(f, r.W, r.H, 20)
		if x < 0 {
			return 0, 0, errors.New("-click name: no column line found in the grid")
		}
		return r.X + x + 25, y, nil
	}
	return parsePoint(spec)
}

// columnLine is the first x from `from` in the w×h frame f where nearly every pixel
// down the column has one colour, other than the frame's background: a table's column
// separator. Text never fills a column that way; the row separators cross it only for
// a pixel per row.
func columnLine(f []byte, w, h, from int) int {
	bg := background(f)
	for x := from; x < w; x++ {
		counts := map[[3]byte]int{}
		best := 0
		var top [3]byte
		for y := range h {
			j := (y*w + x) * 4
			c := [3]byte{f[j], f[j+1], f[j+2]}
			if counts[c]++; counts[c] > best {
				best, top = counts[c], c
			}
		}
		if top != bg && best*100 >= h*90 {
			return x
		}
	}
	return -1
}

func parsePoint(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, ",")
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%q is not X,Y", s)
	}
	return x, y, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
