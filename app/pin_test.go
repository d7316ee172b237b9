package app

import (
	"fmt"
	"testing"
)

func TestCheckUnlockPIN(t *testing.T) {
	const form = "The App Unlock PIN is 4 digits."
	const weak = "That PIN is too easy to guess; choose another or generate one."
	tests := map[string]string{
		"8453":  "", // the seed's PIN
		"2580":  "",
		"0917":  "",
		"1235":  "",
		"":      form,
		"845":   form,
		"84531": form,
		"84a3":  form,
		" 8453": form,
		"８４５３":  form, // full-width digits
		"1234":  weak, "1111": weak, "0000": weak, "1212": weak, "7777": weak,
		"1004": weak, "2000": weak, "4444": weak, "2222": weak, "6969": weak,
		"9999": weak, "3333": weak, "5555": weak, "6666": weak, "1122": weak,
		"1313": weak, "8888": weak, "4321": weak, "2001": weak, "1010": weak,
		"0123": weak, "2345": weak, "6789": weak, "9876": weak, "3210": weak,
	}
	for in, want := range tests {
		err := CheckUnlockPIN(in)
		if want == "" {
			if err != nil {
				t.Errorf("CheckUnlockPIN(%q) = %v, want nil", in, err)
			}
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldUnlockPIN); msg != want {
			t.Errorf("CheckUnlockPIN(%q) message = %q, want %q", in, msg, want)
		}
	}
	// 10,000 strings less 20 common PINs, 6 more ascending and 6 more descending runs.
	accepted := 0
	for n := range 10000 {
		if CheckUnlockPIN(fmt.Sprintf("%04d", n)) == nil {
			accepted++
		}
	}
	if accepted != 10000-32 {
		t.Errorf("%d PINs accepted, want %d", accepted, 10000-32)
	}
}

func TestCheckSupportPIN(t *testing.T) {
	const form = "The Support PIN is 6 digits."
	const weak = "That PIN is too easy to guess; choose another or generate one."
	tests := map[string]string{
		"845302": "", "123123": "", "000123": "",
		"":        form,
		"84530":   form,
		"8453021": form,
		"84530a":  form,
		"111111":  weak, "000000": weak, "999999": weak,
		"012345": weak, "123456": weak, "456789": weak,
		"543210": weak, "654321": weak, "987654": weak,
		"121212": weak, "112233": weak,
	}
	for in, want := range tests {
		err := CheckSupportPIN(in)
		if want == "" {
			if err != nil {
				t.Errorf("CheckSupportPIN(%q) = %v, want nil", in, err)
			}
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldSupportPIN); msg != want {
			t.Errorf("CheckSupportPIN(%q) message = %q, want %q", in, msg, want)
		}
	}
}

// TestNewUnlockPIN draws 100,000 PINs: each must pass CheckUnlockPIN, and at each of the
// four positions the digits must be as frequent as a uniform choice among the accepted
// PINs makes them.
func TestNewUnlockPIN(t *testing.T) {
	const draws = 100_000

	// Expected share of each digit at each position, from the accepted PINs themselves
	// (refusing 32 PINs makes it very slightly uneven).
	var want [4][10]float64
	accepted := 0
	for n := range 10000 {
		pin := fmt.Sprintf("%04d", n)
		if CheckUnlockPIN(pin) != nil {
			continue
		}
		accepted++
		for pos := range 4 {
			want[pos][pin[pos]-'0']++
		}
	}

	var got [4][10]int
	for range draws {
		pin, err := NewUnlockPIN()
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckUnlockPIN(pin); err != nil {
			t.Fatalf("NewUnlockPIN gave %q: %v", pin, err)
		}
		for pos := range 4 {
			got[pos][pin[pos]-'0']++
		}
	}

	// Chi-square with 9 degrees of freedom per position. 45 is exceeded by chance with
	// probability about 1e-6, so a correct generator fails this once in ~250,000 runs;
	// a modulo-biased or position-skewed one fails every time.
	const limit = 45.0
	for pos := range 4 {
		chi2 := 0.0
		for d := range 10 {
			expected := want[pos][d] / float64(accepted) * draws
			diff := float64(got[pos][d]) - expected
			chi2 += diff * diff / expected
			if diff > expected*0.1 || -diff > expected*0.1 {
				t.Errorf("position %d digit %d: %d draws, expected %.0f (±10%%)", pos, d, got[pos][d], expected)
			}
		}
		if chi2 > limit {
			t.Errorf("position %d: chi-square %.1f > %.0f; counts %v", pos, chi2, limit, got[pos])
		}
	}
}

func TestNewSupportPIN(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		pin, err := NewSupportPIN()
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckSupportPIN(pin); err != nil {
			t.Fatalf("NewSupportPIN gave %q: %v", pin, err)
		}
		seen[pin] = true
	}
	// 2,000 draws from ~10^6 PINs repeat about twice on average.
	if len(seen) < 1980 {
		t.Errorf("only %d distinct PINs in 2000 draws", len(seen))
	}
}
