package smtp

import (
	"bufio"
	"bytes"
	"net/textproto"
	"strings"
	"testing"
)

// FuzzReplyLimit reads arbitrary server output through the reply limits: it never
// panics, never hands textproto a line or a reply over the limits, and a reply within
// them reads as it would without the limits.
func FuzzReplyLimit(f *testing.F) {
	for _, seed := range []string{
		"220 mail.example ESMTP\r\n",
		"250-mail.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
		"250-" + strings.Repeat("y", 70) + "\r\n250 ok\r\n",
		"220 " + strings.Repeat("x", maxReplyLine+10),
		"2\r\n25\r\n250\r\n",
		"\n\n\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		limited := textproto.NewReader(bufio.NewReader(&replyLimit{r: bytes.NewReader(data)}))
		plain := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
		for i := 0; i < 8; i++ {
			code, msg, err := limited.ReadResponse(0)
			if err != nil {
				return
			}
			if len(msg) > maxReply {
				t.Fatalf("a reply of %d bytes got through", len(msg))
			}
			for _, line := range strings.Split(msg, "\n") {
				if len(line) > maxReplyLine {
					t.Fatalf("a line of %d bytes got through", len(line))
				}
			}
			pcode, pmsg, perr := plain.ReadResponse(0)
			if perr != nil || pcode != code || pmsg != msg {
				t.Fatalf("within the limits the reply reads differently: %d %q vs %d %q (%v)", code, msg, pcode, pmsg, perr)
			}
		}
	})
}
