package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// reportCmd reads the JSON lines of uiprobe run and prints, per app in the order met,
// the median, min and max of each figure over every round (of every key, for keys),
// and each app's times as a multiple of the hello-world's.
func reportCmd(files []string) error {
	var order []string
	by := map[string][]result{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if !strings.HasPrefix(line, "{") {
				continue
			}
			var r result
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", name, err)
			}
			if _, ok := by[r.Label]; !ok {
				order = append(order, r.Label)
			}
			by[r.Label] = append(by[r.Label], r)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}

	type row struct {
		signIn, first, start, key, click, rssDrawn, rssSettled, rssKeys, poll []float64
		signInCPU, startCPU, keyCPU, clickCPU, idleCPU, probeCPU              []float64
		rounds, errs                                                          int
	}
	rows := map[string]*row{}
	for _, label := range order {
		w := &row{}
		for _, r := range by[label] {
			w.rounds++
			w.errs += len(r.Errors)
			w.signIn = appendPos(w.signIn, r.SignInMS)
			w.signInCPU = appendPos(w.signInCPU, r.SignInCPUMS)
			w.first = appendPos(w.first, r.FirstMS)
			w.start = append(w.start, r.StartMS)
			w.key = append(w.key, r.KeyMS...)
			if r.ClickMS > 0 {
				w.click = append(w.click, r.ClickMS)
			}
			w.rssDrawn = appendPos(w.rssDrawn, float64(r.RSSDrawnKiB)/1024)
			w.rssSettled = appendPos(w.rssSettled, float64(r.RSSSettledKiB)/1024)
			w.rssKeys = appendPos(w.rssKeys, float64(r.RSSKeysKiB)/1024)
			w.poll = appendPos(w.poll, r.PollMS)
			w.startCPU = appendPos(w.startCPU, r.StartCPUMS)
			w.keyCPU = append(w.keyCPU, r.KeyCPUMS...)
			w.clickCPU = appendPos(w.clickCPU, r.ClickCPUMS)
			w.idleCPU = appendPos(w.idleCPU, r.IdleCPUMS)
			w.probeCPU = appendPos(w.probeCPU, r.ProbeCPUMS)
		}
		rows[label] = w
	}

	fmt.Println("Median (min–max) over every round; key: over every key of every round. Times in ms, memory in MiB (VmRSS).")
	fmt.Println("An app that signs in: \"start\" is from the Enter that signs in; exec to Sign in drawn is its own column.")
	fmt.Println()
	fmt.Println("| app | rounds | exec to Sign in drawn | start to first frame | start to drawn | key to repaint (n) | header click to repaint | RSS drawn | RSS settled | RSS after keys | capture |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, label := range order {
		w := rows[label]
		fmt.Printf("| %s | %d%s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, w.rounds, errNote(w.errs),
			stat(w.signIn, 0), stat(w.first, 0), stat(w.start, 0), statN(w.key, 1), stat(w.click, 0),
			stat(w.rssDrawn, 0), stat(w.rssSettled, 0), stat(w.rssKeys, 0), stat(w.poll, 2))
	}

	fmt.Println()
	fmt.Println("CPU time the app used, all threads, ms (median, min–max): exec to Sign in drawn; from the start (exec, or the")
	fmt.Println("Enter that signs in) to the first drawn frame; per key and per click")
	fmt.Println("from the input to the end of its repaint, 300 ms of quiet included; per second of idling once settled.")
	fmt.Println("And the probe's own CPU per second of the round: what the measuring takes from the app.")
	fmt.Println()
	fmt.Println("| app | CPU to Sign in | CPU to drawn | CPU per key | CPU per header click | idle CPU per s | probe CPU per s |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, label := range order {
		w := rows[label]
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", label, stat(w.signInCPU, 0), stat(w.startCPU, 0), stat(w.keyCPU, 0), stat(w.clickCPU, 0), stat(w.idleCPU, 0), stat(w.probeCPU, 0))
	}

	var hello *row
	for _, label := range order {
		if strings.HasPrefix(label, "hello") {
			hello = rows[label]
			break
		}
	}
	if hello == nil || len(hello.start) == 0 {
		return nil
	}
	fmt.Println()
	fmt.Println("Against the hello-world (ratio of medians):")
	fmt.Println()
	fmt.Println("| app | start | key to repaint | RSS settled | RSS after keys |")
	fmt.Println("|---|---|---|---|---|")
	for _, label := range order {
		w := rows[label]
		if w == hello {
			continue
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", label, ratio(w.start, hello.start), ratio(w.key, hello.key),
			ratio(w.rssSettled, hello.rssSettled), ratio(w.rssKeys, hello.rssKeys))
	}
	return nil
}

func appendPos(s []float64, v float64) []float64 {
	if v > 0 {
		return append(s, v)
	}
	return s
}

func errNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d errors)", n)
}

func med(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func stat(v []float64, prec int) string {
	if len(v) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.*f (%.*f–%.*f)", prec, med(v), prec, slices.Min(v), prec, slices.Max(v))
}

func statN(v []float64, prec int) string {
	if len(v) == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (n=%d)", stat(v, prec), len(v))
}

func ratio(a, b []float64) string {
	if len(a) == 0 || len(b) == 0 || med(b) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", med(a)/med(b))
}
