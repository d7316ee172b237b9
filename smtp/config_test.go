package smtp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

func validConfig() Config {
	return Config{
		Host: "smtp.example.com", Port: 587, Security: SecurityStartTLS,
		Username: "office@example.com", Password: testPassword,
		FromName: "Valley Clinic", FromAddress: "office@example.com",
	}
}

func TestValidate(t *testing.T) {
	if err := validConfig().Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"no host", func(c *Config) { c.Host = "" }, FieldHost},
		{"host with space", func(c *Config) { c.Host = "smtp example.com" }, FieldHost},
		{"host with CRLF", func(c *Config) { c.Host = "smtp.example.com\r\nRCPT TO:<x@y>" }, FieldHost},
		{"port 0", func(c *Config) { c.Port = 0 }, FieldPort},
		{"port too big", func(c *Config) { c.Port = 65536 }, FieldPort},
		{"unknown security", func(c *Config) { c.Security = "ssl" }, FieldSecurity},
		{"none to another computer", func(c *Config) { c.Security = SecurityNone }, FieldSecurity},
		{"none to a LAN IP", func(c *Config) { c.Security, c.Host = SecurityNone, "192.168.1.10" }, FieldSecurity},
		{"password without user", func(c *Config) { c.Username = "" }, FieldUsername},
		{"user with LF", func(c *Config) { c.Username = "a\nb" }, FieldUsername},
		{"no from address", func(c *Config) { c.FromAddress = "" }, FieldFromAddress},
		{"from address with name", func(c *Config) { c.FromAddress = "Office <office@example.com>" }, FieldFromAddress},
		{"from address not an address", func(c *Config) { c.FromAddress = "office" }, FieldFromAddress},
		{"from name with CR", func(c *Config) { c.FromName = "Clinic\rBcc: x@y" }, FieldFromName},
		{"from name with tab", func(c *Config) { c.FromName = "Clinic\tA" }, FieldFromName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.edit(&c)
			err := c.Validate()
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("Validate() = %v, want EINVALID", err)
			}
			if _, ok := app.ErrorFields(err)[tt.field]; !ok {
				t.Errorf("Validate() fields = %v, want %s", app.ErrorFields(err), tt.field)
			}
			assertNoSecret(t, err)
		})
	}
	for _, host := range []string{"localhost", "127.0.0.1", "127.0.0.2", "::1"} {
		c := validConfig()
		c.Security, c.Host = SecurityNone, host
		if err := c.Validate(); err != nil {
			t.Errorf("security none to %s: %v", host, err)
		}
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want Config
	}{
		{"smtp://office%40example.com:" + testPassword + "@smtp.example.com:587?security=starttls&from=office@example.com",
			Config{Host: "smtp.example.com", Port: 587, Security: SecurityStartTLS, Username: "office@example.com", Password: testPassword, FromAddress: "office@example.com"}},
		{"smtp://u:p%2Fq%23r%40s@smtp.example.com?from=office@example.com&from_name=Valley+Clinic",
			Config{Host: "smtp.example.com", Port: 587, Security: SecurityStartTLS, Username: "u", Password: "p/q#r@s", FromAddress: "office@example.com", FromName: "Valley Clinic"}},
		{"smtps://u:pw@smtp.example.com?from=Front%20Desk%20%3Coffice@example.com%3E",
			Config{Host: "smtp.example.com", Port: 465, Security: SecurityTLS, Username: "u", Password: "pw", FromAddress: "office@example.com", FromName: "Front Desk"}},
		{"smtp://localhost:2525?security=none&from=office@example.com",
			Config{Host: "localhost", Port: 2525, Security: SecurityNone, FromAddress: "office@example.com"}},
		{"  SMTP://[::1]:25?security=none&from=a@b.example  ",
			Config{Host: "::1", Port: 25, Security: SecurityNone, FromAddress: "a@b.example"}},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.raw)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseURL(%q) = %#v, want %#v (passwords %q, %q)", tt.raw, got, tt.want, got.Password, tt.want.Password)
		}
	}
}

func TestParseURLErrorsDoNotLeakThePassword(t *testing.T) {
	const pw = "Hunter2-secret"
	bad := []string{
		"smtp://user:" + pw + "@smtp.example.com:587",                    // no from
		"http://user:" + pw + "@smtp.example.com?from=a@b.example",       // scheme
		"smtp://user:" + pw + "@smtp.example.com:99999?from=a@b.example", // port
		"smtp://user:" + pw + "/x@smtp.example.com?from=a@b.example",     // unencoded /
		"smtp://user:" + pw + "#x@smtp.example.com?from=a@b.example",     // unencoded #
		"smtp://user:" + pw + " x@smtp.example.com?from=a@b.example",     // space
		"smtp://user:" + pw + "@smtp.example.com?security=none&from=a@b.example",
		"smtps://user:" + pw + "@smtp.example.com?security=starttls&from=a@b.example",
		"smtp://user:" + pw + "@smtp.example.com?from=a@b.example&password=" + pw,
		"smtp://user:" + pw + "@smtp.example.com?from=" + pw,
		"smtp://user:" + pw + "@smtp.example.com?from=a@b.example&from_name=%0d%0aBcc:" + pw,
		"smtp:user:" + pw + "@smtp.example.com",
		"user:" + pw + "@smtp.example.com",
		"smtp://user:" + pw + "@smtp.example.com?%zz=" + pw,
		"smtp://user:" + pw + "%zz@smtp.example.com",
		"smtp://user:" + pw + "@smtp.example.com:58a7",
	}
	for _, raw := range bad {
		_, err := ParseURL(raw)
		if err == nil {
			t.Errorf("ParseURL(%q) = nil error", raw)
			continue
		}
		if app.ErrorCode(err) != app.EINVALID {
			t.Errorf("ParseURL(%q) = %v, want EINVALID", raw, err)
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err), app.ErrorMessage(err)} {
			if strings.Contains(s, pw) || strings.Contains(s, "Hunter2") {
				t.Errorf("ParseURL(%q) error leaks the password: %s", raw, s)
			}
		}
	}
}

func TestRedacted(t *testing.T) {
	c := validConfig()
	c.Username = "office@example.com"
	want := "smtp://office%40example.com:***@smtp.example.com:587?from=office%40example.com&from_name=Valley+Clinic&security=starttls"
	if got := c.Redacted(); got != want {
		t.Errorf("Redacted() = %s, want %s", got, want)
	}
	c.Security, c.Port, c.FromName, c.Username, c.Password = SecurityTLS, 465, "", "", ""
	if got, want := c.Redacted(), "smtps://smtp.example.com:465?from=office%40example.com"; got != want {
		t.Errorf("Redacted() = %s, want %s", got, want)
	}
	// The redacted form reads back, password aside.
	c = validConfig()
	back, err := ParseURL(c.Redacted())
	if err != nil {
		t.Fatalf("ParseURL(Redacted()): %v", err)
	}
	back.Password = c.Password
	if back != c {
		t.Errorf("ParseURL(Redacted()) = %#v, want %#v", back, c)
	}
}

func TestPrintingSettingsHidesThePassword(t *testing.T) {
	c := validConfig()
	c.Timeout = time.Second
	s := NewSender(c)
	for _, out := range []string{
		fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c),
		fmt.Sprintf("%v %+v %s", s, s, s),
		fmt.Sprintf("%v", []Config{c}), fmt.Sprintf("%+v", struct{ C Config }{c}),
	} {
		if strings.Contains(out, testPassword) {
			t.Errorf("printed settings leak the password: %s", out)
		}
	}
}

// TestParseURLNeverQuotesTheAuthority writes passwords with characters that end the
// server part of a URL early (?, #, /) or garble it (@, %, :) without percent-encoding
// them, as a person pasting a password would: whatever ParseURL makes of the rest, its
// error quotes nothing of it, so no piece of the password reaches the log or the screen.
func TestParseURLNeverQuotesTheAuthority(t *testing.T) {
	passwords := []string{
		"Qz7?Wx!k", "Qz7?Wx=k&v", "Qz7#Wx!k", "Qz7/Wx!k", "Qz7@Wx!k", "Qz7%Wx!k", "Qz7%4Wx",
		"Qz7:Wx?k#v/j@q%z", "?Qz7Wxk", "Qz7Wxk?", "Qz7 ?Wx", "Qz7?xkcq=zv",
	}
	for _, pw := range passwords {
		for _, raw := range []string{
			"smtp://office:" + pw + "@mail.example.com:587",
			"smtp://office:" + pw + "@mail.example.com:587?from=office@example.com",
			"smtps://office:" + pw + "@mail.example.com?from=office@example.com&from_name=Front+Desk",
			"smtp://" + pw + "@mail.example.com?from=office@example.com",
		} {
			_, err := ParseURL(raw)
			if err == nil {
				continue // some garbles still make a valid URL; then nothing is printed
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err), app.ErrorMessage(err)} {
				for i := 0; i+3 <= len(pw); i++ {
					if sub := pw[i : i+3]; strings.Contains(s, sub) {
						t.Errorf("ParseURL(%q) error quotes %q of the password: %s", raw, sub, s)
						break
					}
				}
				if strings.Contains(s, "mail.example.com") {
					t.Errorf("ParseURL(%q) error quotes the server part: %s", raw, s)
				}
			}
		}
	}
}

// TestParseURLSaysToEncodeThePassword: a ? or # in the password reads as the settings
// or a fragment; the error says what to percent-encode instead of blaming the port or
// an unknown setting.
func TestParseURLSaysToEncodeThePassword(t *testing.T) {
	for _, raw := range []string{
		"smtp://office:Sum?mer@mail.example.com:587?from=office@example.com",
		"smtp://office:Sum#mer@mail.example.com:587?from=office@example.com",
		"smtp://office:Sum/mer@mail.example.com:587?from=office@example.com",
	} {
		_, err := ParseURL(raw)
		if msg := app.ErrorMessage(err); !strings.Contains(msg, "percent-encode") || !strings.Contains(msg, "%3F") {
			t.Errorf("ParseURL(%q) message = %q, want the advice to percent-encode", raw, msg)
		}
	}
}
