package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interruption cancels a context when one of the stop signals arrives and
// remembers which one, so the exit code can say how gptdoctor was stopped.
// signal.NotifyContext would cancel too, but forgets the signal.
type interruption struct {
	ch     chan os.Signal
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	mu  sync.Mutex
	sig os.Signal
}

// notifyInterrupt returns a context cancelled by the first of sigs. Once a
// signal is caught the process keeps running: the commands stop their
// runs, restore the terminal and remove temporary files themselves.
func notifyInterrupt(parent context.Context, sigs ...os.Signal) (context.Context, *interruption) {
	ctx, cancel := context.WithCancel(parent)
	in := &interruption{ch: make(chan os.Signal, 1), cancel: cancel, done: make(chan struct{})}
	signal.Notify(in.ch, sigs...)
	go func() {
		select {
		case s := <-in.ch:
			in.mu.Lock()
			in.sig = s
			in.mu.Unlock()
			cancel()
		case <-in.done:
		}
	}()
	return ctx, in
}

// stop stops catching the signals and returns the one that arrived, or nil.
func (in *interruption) stop() os.Signal {
	in.once.Do(func() {
		signal.Stop(in.ch)
		close(in.done)
		in.cancel()
	})
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sig
}

// interruptedCode is the exit code after sig stopped gptdoctor: 128 plus
// the signal's number, what a shell reports for a process the signal
// killed (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), so scripts that test for
// "killed by a signal" see the same through gptdoctor's clean exit.
func interruptedCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok && s > 0 && s < 128 {
		return 128 + int(s)
	}
	return exitInterrupted
}
