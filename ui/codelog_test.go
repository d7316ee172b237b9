package ui

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/sirupsen/logrus"
)

// A wrong code is logged once, in one line that carries its message once, and the
// code typed is not in it.
func TestWrongCodeLoggedOnce(t *testing.T) {
	r := newCodesRig(t, true)
	var buf bytes.Buffer
	log := logrus.New()
	log.SetOutput(&buf)
	r.Desk.log = log
	st := r.newStaff(t, "ologs")
	f := r.showActivate()
	test.Type(f.username, st.Username)
	test.Type(f.code, "AAAAA-AAAAA")
	test.Tap(f.submit)
	r.waitIdle()
	const msg = "That code is not right for this username."
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines for one wrong code:\n%s", len(lines), buf.String())
	}
	if n := strings.Count(lines[0], msg); n != 1 {
		t.Errorf("the log line has the message %d times: %s", n, lines[0])
	}
	if strings.Contains(lines[0], "AAAAA") {
		t.Errorf("the log line has the code typed: %s", lines[0])
	}
}
