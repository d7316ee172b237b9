package ui

import (
	"context"
	"fmt"

	"github.com/staffdesk/staffdesk/app"
)

// The Confirm New Email window: the staff member whose address is being changed types
// their username and the code sent to the new address, as the link in that email
// fills them in. It is the Activate Account form over the email-change code; Edit
// Office Staff's Enter code (changeemail.go) takes the same code for a manager.

// confirmEmailFlow is Confirm New Email's: the code makes the pending address the
// account's.
func (d *Desk) confirmEmailFlow() codeFlow {
	return codeFlow{key: "confirm-email", title: titleConfirmEmail,
		intro:     "Enter your username and the 10-character code sent to your new email address.",
		codeLabel: "Confirmation code", submitText: "Confirm",
		redeem: func(ctx context.Context, username, code string) (*app.Staff, string, error) {
			s, err := d.svc.Accounts.ConfirmEmailChange(ctx, username, code)
			if err != nil {
				return nil, "", err
			}
			return s, fmt.Sprintf("The email address of %s is now %s.", s.Username, s.Email), nil
		}}
}

// showConfirmEmail opens the Confirm New Email window and returns it, or nil when it
// was already open and has only been brought forward.
func (d *Desk) showConfirmEmail() *activateForm { return d.showCodeForm(d.confirmEmailFlow()) }
