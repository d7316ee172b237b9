package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

// TestActivationEmail_EveryWritingSystem: an account with the longest names the rules
// allow, in each writing system, gets its activation email: the rules and the message
// builder agree. Before, names of 66+66 accented, Cyrillic or Arabic letters, or 45+45
// CJK ones, made an account whose email failed for good ("the recipient's name is too
// long").
func TestActivationEmail_EveryWritingSystem(t *testing.T) {
	repeat := func(alphabet string, n int) string {
		letters := []rune(alphabet)
		out := make([]rune, n)
		for i := range out {
			out[i] = letters[i%len(letters)]
		}
		return string(out)
	}
	max := app.MaxNameLen
	names := []struct{ first, last string }{
		{repeat("áéíóúàèìòùâêîôûäëïöüçñ", 66), repeat("ÁÉÍÓÚÀÈÌÒÙ", 66)},
		{repeat("áéíóúàèìòùâêîôûäëïöüçñ", max), repeat("ÁÉÍÓÚÀÈÌÒÙ", max)},
		{repeat("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", 66), repeat("АБВГДЕЁЖЗИЙ", 66)},
		{repeat("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", max), repeat("АБВГДЕЁЖЗИЙ", max)},
		{repeat("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", 66), repeat("عبدالله", 66)},
		{repeat("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", max), repeat("عبدالله", max)},
		{repeat("佐藤花子山田太郎", 45), repeat("鈴木一郎高橋美咲", 45)},
		{repeat("佐藤花子山田太郎", max), repeat("鈴木一郎高橋美咲", max)},
		{"Ana " + strings.Repeat("👩\u200d⚕\ufe0f", (max-4)/4), "Okafor"},
	}
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	for i, n := range names {
		username := fmt.Sprintf("writer%d", i)
		st, err := r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: n.first, LastName: n.last,
			ProviderID: r.provider, RoleID: r.role, Email: username + "@email.xyz", Username: username,
			UnlockPIN: "8453", EnableEmailUpdate: true}, Password: rigStaffPW, ConfirmPassword: rigStaffPW})
		if err != nil {
			t.Fatalf("%d: create: %v", i, err)
		}
		r.sendDue()
		got := r.deliveredTo(username + "@email.xyz")
		if len(got) != 1 {
			t.Errorf("%d (%d+%d characters): %d emails delivered; outbox: %+v", i, len([]rune(n.first)), len([]rune(n.last)), len(got), r.message(app.MailActivation, username+"@email.xyz"))
			continue
		}
		if got[0].to.Name != st.FullName() {
			t.Errorf("%d: To decodes to %q, want %q", i, got[0].to.Name, st.FullName())
		}
	}
}
