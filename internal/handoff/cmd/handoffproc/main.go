// Command handoffproc is one StaffDesk's start without its window, for the tests of
// internal/handoff that run the first and the second StaffDesk as real processes:
// started with a link it hands the link to the one running and exits 0 ("handed"),
// or, when none runs, becomes the first itself ("listening") and prints every link it
// is handed ("link …") until its standard input closes. A refused message is printed
// as "refused …" on stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/staffdesk/staffdesk/internal/handoff"
)

func main() {
	dir := flag.String("dir", "", "the folder of the handoff socket")
	flag.Parse()
	link := flag.Arg(0)
	l, handed, err := handoff.Claim(context.Background(), *dir, link, func(err error) {
		fmt.Fprintln(os.Stderr, "refused", err)
	})
	switch {
	case err != nil:
		fmt.Println("error", err)
		os.Exit(1)
	case handed:
		fmt.Println("handed")
		return
	case l == nil:
		fmt.Println("running elsewhere")
		return
	}
	fmt.Println("listening")
	if link != "" {
		fmt.Println("link", link)
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		l.Close()
	}()
	for got := range l.Links() {
		fmt.Println("link", got)
	}
}
