package ui

import "sync"

// queueRunner is the tests' Runner. Fyne's test driver runs fyne.Do at once on
// whichever goroutine calls it, which would race the test driving the same widgets; so
// the UI changes wait in a queue until the test's goroutine runs them in waitIdle.
type queueRunner struct {
	busy  sync.WaitGroup // work under way
	queue chan func()
}

func newQueueRunner() *queueRunner { return &queueRunner{queue: make(chan func(), 4096)} }

func (r *queueRunner) Go(work func()) {
	r.busy.Add(1)
	go func() {
		defer r.busy.Done()
		work()
	}()
}

func (r *queueRunner) Do(change func()) { r.queue <- change }

// waitIdle blocks until all work under way has finished and reported back, running
// the UI changes it queued (and those they lead to) on the caller's goroutine.
func (r *queueRunner) waitIdle() {
	for {
		r.busy.Wait()
		select {
		case fn := <-r.queue:
			fn()
		default:
			return
		}
	}
}

// waitIdle waits until the desk's work is done and its UI changes have run.
func (td *testDesk) waitIdle() { td.run.waitIdle() }
