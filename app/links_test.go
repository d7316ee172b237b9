package app

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseLinkAccepts(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want Link
	}{
		{"staffdesk://activate?user=arivera&code=VXZM5-7AGBY", Link{LinkActivate, "arivera", "VXZM5-7AGBY"}},
		{"staffdesk://reset-password?user=arivera&code=VXZM5-7AGBY", Link{LinkResetPassword, "arivera", "VXZM5-7AGBY"}},
		{"staffdesk://confirm-email?user=arivera&code=VXZM5-7AGBY", Link{LinkConfirmEmail, "arivera", "VXZM5-7AGBY"}},
		// Scheme and action are case-insensitive, as a URL's scheme and host are.
		{"StaffDesk://Activate?user=arivera&code=VXZM5-7AGBY", Link{LinkActivate, "arivera", "VXZM5-7AGBY"}},
		{"STAFFDESK://RESET-PASSWORD?user=arivera&code=VXZM5-7AGBY", Link{LinkResetPassword, "arivera", "VXZM5-7AGBY"}},
		// Some programs add a slash before the query; the keys may come in either order.
		{"staffdesk://activate/?user=arivera&code=VXZM5-7AGBY", Link{LinkActivate, "arivera", "VXZM5-7AGBY"}},
		{"staffdesk://activate?code=VXZM5-7AGBY&user=arivera", Link{LinkActivate, "arivera", "VXZM5-7AGBY"}},
		// A code as NormalizeCode reads it, in any case, without or with encoded hyphen.
		{"staffdesk://activate?user=arivera&code=vxzm57agby", Link{LinkActivate, "arivera", "VXZM5-7AGBY"}},
		{"staffdesk://activate?user=arivera&code=VXZM5%2D7AGBY", Link{LinkActivate, "arivera", "VXZM5-7AGBY"}},
		{"staffdesk://activate?user=arivera&code=VXZMS-7AGBI", Link{LinkActivate, "arivera", "VXZMS-7AGB1"}},
		// Usernames keep their case (sign-in folds it) and may hold . _ -.
		{"staffdesk://activate?user=Ana.Rivera_2-x&code=VXZM5-7AGBY", Link{LinkActivate, "Ana.Rivera_2-x", "VXZM5-7AGBY"}},
		{"staffdesk://activate?user=%61rivera&code=VXZM5-7AGBY", Link{LinkActivate, "arivera", "VXZM5-7AGBY"}},
	} {
		got, err := ParseLink(tc.raw)
		if err != nil || got != tc.want {
			t.Errorf("ParseLink(%q) = %+v, %v; want %+v", tc.raw, got, err, tc.want)
		}
	}
}

func TestParseLinkRefuses(t *testing.T) {
	const ok = "staffdesk://activate?user=arivera&code=VXZM5-7AGBY"
	long := "staffdesk://activate?user=arivera&code=VXZM5-7AGBY" + strings.Repeat("&", MaxLinkLength)
	for _, tc := range []struct {
		raw  string
		want LinkProblem
	}{
		{"", LinkNotStaffDesk},
		{"https://staff.example.com/activate?username=arivera&code=VXZM5-7AGBY", LinkNotStaffDesk},
		{"staffdesk:activate?user=arivera&code=VXZM5-7AGBY", LinkNotStaffDesk},
		{"staffdesk:/activate?user=arivera&code=VXZM5-7AGBY", LinkNotStaffDesk},
		{"staffdesks://activate?user=arivera&code=VXZM5-7AGBY", LinkNotStaffDesk},
		{"ſtaffdesk://activate?user=arivera&code=VXZM5-7AGBY", LinkBadCharacter}, // long s, which Unicode case folding maps to s
		{long, LinkTooLong},
		{ok + " ", LinkBadCharacter},
		{" " + ok, LinkBadCharacter},
		{ok + "\n", LinkBadCharacter},
		{"staffdesk://activate?user=arivera\x00&code=VXZM5-7AGBY", LinkBadCharacter},
		{"staffdesk://activate?user=arivera&code=VXZM5-7AGBY\x7f", LinkBadCharacter},
		{"staffdesk://activate?user=arivéra&code=VXZM5-7AGBY", LinkBadCharacter},
		{"staffdesk://activate?user=arivera&code=VXZM5\u200b-7AGBY", LinkBadCharacter},
		{"staffdesk://delete-account?user=arivera&code=VXZM5-7AGBY", LinkUnknownAction},
		{"staffdesk://?user=arivera&code=VXZM5-7AGBY", LinkUnknownAction},
		{"staffdesk:///activate?user=arivera&code=VXZM5-7AGBY", LinkUnknownAction},
		{"staffdesk://activat%65?user=arivera&code=VXZM5-7AGBY", LinkUnknownAction},
		{"staffdesk://reset_password?user=arivera&code=VXZM5-7AGBY", LinkUnknownAction},
		{"staffdesk://evil@activate?user=arivera&code=VXZM5-7AGBY", LinkUserInfo},
		{"staffdesk://activate:8080?user=arivera&code=VXZM5-7AGBY", LinkPort},
		{"staffdesk://activate/now?user=arivera&code=VXZM5-7AGBY", LinkPath},
		{"staffdesk://activate//?user=arivera&code=VXZM5-7AGBY", LinkPath},
		{"staffdesk://activate/", LinkBadQuery},
		{"staffdesk://activate", LinkBadQuery},
		{ok + "#top", LinkFragment},
		{ok + "#", LinkFragment},
		{"staffdesk://activate#?user=arivera&code=VXZM5-7AGBY", LinkFragment},
		{"staffdesk://activate?", LinkBadQuery},
		{"staffdesk://activate?user=arivera", LinkBadQuery},
		{"staffdesk://activate?code=VXZM5-7AGBY", LinkBadQuery},
		{ok + "&user=arivera", LinkBadQuery},
		{ok + "&code=VXZM5-7AGBY", LinkBadQuery},
		{ok + "&", LinkBadQuery},
		{ok + "&next=https://example.com", LinkBadQuery},
		{"staffdesk://activate?username=arivera&code=VXZM5-7AGBY", LinkBadQuery},
		{"staffdesk://activate?USER=arivera&code=VXZM5-7AGBY", LinkBadQuery},
		{"staffdesk://activate?us%65r=arivera&code=VXZM5-7AGBY", LinkBadQuery},
		{"staffdesk://activate?user&code=VXZM5-7AGBY", LinkBadQuery},
		{"staffdesk://activate?user=arivera;code=VXZM5-7AGBY", LinkBadQuery},
		{"staffdesk://activate?user=ari%zzvera&code=VXZM5-7AGBY", LinkBadQuery},
		{"staffdesk://activate?user=&code=VXZM5-7AGBY", LinkBadUsername},
		{"staffdesk://activate?user=ar&code=VXZM5-7AGBY", LinkBadUsername},
		{"staffdesk://activate?user=a+rivera&code=VXZM5-7AGBY", LinkBadUsername},
		{"staffdesk://activate?user=%20arivera&code=VXZM5-7AGBY", LinkBadUsername},
		{"staffdesk://activate?user=ari%0Avera&code=VXZM5-7AGBY", LinkBadUsername},
		{"staffdesk://activate?user=ari%C3%A9vera&code=VXZM5-7AGBY", LinkBadUsername},
		{"staffdesk://activate?user=" + strings.Repeat("a", 33) + "&code=VXZM5-7AGBY", LinkBadUsername},
		{"staffdesk://activate?user=arivera&code=", LinkBadCode},
		{"staffdesk://activate?user=arivera&code=VXZM5-7AGB", LinkBadCode},
		{"staffdesk://activate?user=arivera&code=VXZM5-7AGBYY", LinkBadCode},
		{"staffdesk://activate?user=arivera&code=VXZM5-7AGBU", LinkBadCode},
		{"staffdesk://activate?user=arivera&code=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2-%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2", LinkBadCode},
	} {
		got, err := ParseLink(tc.raw)
		if err == nil {
			t.Errorf("ParseLink(%q) = %+v, want refused (%s)", tc.raw, got, tc.want)
			continue
		}
		if p := LinkProblemOf(err); p != tc.want {
			t.Errorf("ParseLink(%q): problem %q, want %q (%v)", tc.raw, p, tc.want, err)
		}
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "type the username and code from the email instead") {
			t.Errorf("ParseLink(%q): %s %q, want EINVALID with the message for the person", tc.raw, ErrorCode(err), ErrorMessage(err))
		}
		if got != (Link{}) {
			t.Errorf("ParseLink(%q) refused it but returned %+v", tc.raw, got)
		}
		// Nothing of the link, which may hold a code, reaches the log.
		if s := err.Error(); strings.Contains(s, "VXZM5") || strings.Contains(s, "arivera") {
			t.Errorf("ParseLink(%q): the error quotes the link: %s", tc.raw, s)
		}
	}
}

func TestBuildLink(t *testing.T) {
	for _, tc := range []struct {
		action         LinkAction
		username, code string
		want           string
		problem        LinkProblem
	}{
		{LinkActivate, "arivera", "VXZM5-7AGBY", "staffdesk://activate?user=arivera&code=VXZM5-7AGBY", ""},
		{LinkResetPassword, "arivera", "vxzm57agby", "staffdesk://reset-password?user=arivera&code=VXZM5-7AGBY", ""},
		{LinkConfirmEmail, "Ana.Rivera", "VXZM5 7AGBY", "staffdesk://confirm-email?user=Ana.Rivera&code=VXZM5-7AGBY", ""},
		{"unlock", "arivera", "VXZM5-7AGBY", "", LinkUnknownAction},
		{LinkActivate, "", "VXZM5-7AGBY", "", LinkBadUsername},
		{LinkActivate, " arivera", "VXZM5-7AGBY", "", LinkBadUsername},
		{LinkActivate, "a&code=X", "VXZM5-7AGBY", "", LinkBadUsername},
		{LinkActivate, "arivera", maskedCode, "", LinkBadCode},
		{LinkActivate, "arivera", "VXZM5-7AGBY&user=x", "", LinkBadCode},
	} {
		got, err := BuildLink(tc.action, tc.username, tc.code)
		if p := LinkProblemOf(err); got != tc.want || p != tc.problem {
			t.Errorf("BuildLink(%q, %q, %q) = %q, %v; want %q, %q", tc.action, tc.username, tc.code, got, err, tc.want, tc.problem)
		}
		if err == nil {
			if l, err := ParseLink(got); err != nil || l.Action != tc.action {
				t.Errorf("ParseLink(BuildLink(…)) = %+v, %v", l, err)
			}
		}
	}
}

// TestLinkHidesItsCode: a Link printed by accident, in a log line or an error, never
// shows its code.
func TestLinkHidesItsCode(t *testing.T) {
	l := Link{Action: LinkActivate, Username: "arivera", Code: "VXZM5-7AGBY"}
	for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q"} {
		if s := fmt.Sprintf(verb, l); strings.Contains(s, "VXZM5") || !strings.Contains(s, "arivera") {
			t.Errorf("Sprintf(%q, link) = %s", verb, s)
		}
	}
	if u, err := l.URL(); err != nil || u != "staffdesk://activate?user=arivera&code=VXZM5-7AGBY" {
		t.Errorf("URL() = %q, %v", u, err)
	}
}

func TestLinkActionsCodeKinds(t *testing.T) {
	want := map[LinkAction]CodeKind{LinkActivate: CodeActivation, LinkResetPassword: CodePasswordReset, LinkConfirmEmail: CodeEmailChange}
	for _, a := range LinkActions {
		if a.CodeKind() != want[a] {
			t.Errorf("%s.CodeKind() = %q, want %q", a, a.CodeKind(), want[a])
		}
		delete(want, a)
	}
	if len(want) != 0 || LinkAction("x").CodeKind() != "" {
		t.Errorf("LinkActions misses %v", want)
	}
}
