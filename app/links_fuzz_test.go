package app

import "testing"

// FuzzParseLink: a link comes from any program on the computer, so ParseLink must
// never panic, what it accepts must be a link StaffDesk itself would write (built
// again, it reads the same), and every link BuildLink writes must read back as built.
func FuzzParseLink(f *testing.F) {
	f.Add("staffdesk://activate?user=arivera&code=VXZM5-7AGBY", "arivera", "VXZM5-7AGBY")
	f.Add("STAFFDESK://Reset-Password/?code=vxzm57agby&user=Ana.Rivera", "Ana.Rivera", "vxzm5 7agby")
	f.Add("staffdesk://confirm-email?user=%61rivera&code=VXZM5%2D7AGBY", "a&code=X", "VXZM5-7AGBY&user=x")
	f.Add("staffdesk://evil@activate:1?user=arivera&code=VXZM5-7AGBY#x", "arivera\n", maskedCode)
	f.Fuzz(func(t *testing.T, raw, username, code string) {
		if l, err := ParseLink(raw); err == nil {
			if !l.Action.known() {
				t.Fatalf("ParseLink(%+q) accepted the action %q", raw, l.Action)
			}
			built, err := l.URL()
			if err != nil {
				t.Fatalf("ParseLink(%+q) = %+v, which BuildLink refuses: %v", raw, l, err)
			}
			if again, err := ParseLink(built); err != nil || again != l {
				t.Fatalf("ParseLink(%+q) = %+v, built %q, read back %+v, %v", raw, l, built, again, err)
			}
			if len(built) > MaxLinkLength {
				t.Fatalf("built a link of %d bytes", len(built))
			}
		} else if LinkProblemOf(err) == "" || ErrorCode(err) != EINVALID {
			t.Fatalf("ParseLink(%+q) refused it without a reason: %v", raw, err)
		}

		for _, action := range LinkActions {
			built, err := BuildLink(action, username, code)
			_, userErr := linkUsername(username)
			_, codeErr := linkCode(code)
			if err != nil {
				if userErr && codeErr {
					t.Fatalf("BuildLink(%q, %+q, %+q) refused a good username and code: %v", action, username, code, err)
				}
				continue
			}
			l, err := ParseLink(built)
			if err != nil {
				t.Fatalf("BuildLink(%q, %+q, %+q) = %q, which ParseLink refuses: %v", action, username, code, built, err)
			}
			n, _ := NormalizeCode(code)
			if l.Action != action || l.Username != username || l.Code != n[:5]+"-"+n[5:] {
				t.Fatalf("BuildLink(%q, %+q, %+q) = %q, read back as %+v", action, username, code, built, l)
			}
		}
	})
}
