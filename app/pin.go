package app

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

// commonUnlockPINs are the 4-digit PINs people choose most often; an App Unlock PIN
// must not be one of them.
var commonUnlockPINs = map[string]bool{
	"1234": true, "1111": true, "0000": true, "1212": true, "7777": true,
	"1004": true, "2000": true, "4444": true, "2222": true, "6969": true,
	"9999": true, "3333": true, "5555": true, "6666": true, "1122": true,
	"1313": true, "8888": true, "4321": true, "2001": true, "1010": true,
}

// commonSupportPINs are 6-digit PINs that are common without being one repeated digit
// or a straight run (those are refused by rule).
var commonSupportPINs = map[string]bool{
	"121212": true, "112233": true, "696969": true, "123321": true,
	"159753": true, "147258": true, "101010": true, "789456": true,
}

const weakPINMessage = "That PIN is too easy to guess; choose another or generate one."

// CheckUnlockPIN checks an App Unlock PIN: exactly 4 digits and not easy to guess.
func CheckUnlockPIN(v string) error {
	if len(v) != 4 || !allDigits(v) {
		return FieldError(FieldUnlockPIN, "The App Unlock PIN is 4 digits.")
	}
	if commonUnlockPINs[v] || easyDigits(v) {
		return FieldError(FieldUnlockPIN, weakPINMessage)
	}
	return nil
}

// NewUnlockPIN returns a random App Unlock PIN, every PIN that CheckUnlockPIN accepts
// being equally likely.
func NewUnlockPIN() (string, error) {
	return newPIN(4, CheckUnlockPIN)
}

// CheckSupportPIN checks a Support PIN: exactly 6 digits and not easy to guess.
func CheckSupportPIN(v string) error {
	if len(v) != 6 || !allDigits(v) {
		return FieldError(FieldSupportPIN, "The Support PIN is 6 digits.")
	}
	if commonSupportPINs[v] || easyDigits(v) {
		return FieldError(FieldSupportPIN, weakPINMessage)
	}
	return nil
}

// NewSupportPIN returns a random Support PIN, every PIN that CheckSupportPIN accepts
// being equally likely.
func NewSupportPIN() (string, error) {
	return newPIN(6, CheckSupportPIN)
}

// newPIN draws digits-long strings uniformly (rand.Int has no modulo bias) until one
// passes check; rejection keeps the result uniform over the accepted PINs.
func newPIN(digits int, check func(string) error) (string, error) {
	limit := big.NewInt(1)
	for range digits {
		limit.Mul(limit, big.NewInt(10))
	}
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return "", Internal("generate a PIN", err)
		}
		pin := fmt.Sprintf("%0*d", digits, n.Int64())
		if check(pin) == nil {
			return pin, nil
		}
	}
}

// easyDigits reports whether the ASCII digit string s is one digit repeated ("5555") or
// a run of consecutive digits up or down ("2345", "9876").
func easyDigits(s string) bool {
	same, up, down := true, true, true
	for i := 1; i < len(s); i++ {
		d := int(s[i]) - int(s[i-1])
		same = same && d == 0
		up = up && d == 1
		down = down && d == -1
	}
	return same || up || down
}
