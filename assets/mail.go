package assets

import "embed"

// Mail holds the account emails' templates, a text and an HTML version of each:
// mail/<kind>.txt (with the subject as its "subject" template) and mail/<kind>.html,
// drawn inside mail/layout.html.
//
//go:embed mail
var Mail embed.FS
