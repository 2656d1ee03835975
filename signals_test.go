package main

import (
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The exit code after a signal is 128 plus its number, as a shell reports a
// process the signal killed.
func TestInterruptedCode(t *testing.T) {
	for _, c := range []struct {
		sig  os.Signal
		want int
	}{
		{os.Interrupt, 130},
		{syscall.SIGINT, 130},
		{syscall.SIGTERM, 143},
		{syscall.Signal(1), 129}, // SIGHUP's number everywhere it exists
		{fakeSignal{}, exitInterrupted},
	} {
		if got := interruptedCode(c.sig); got != c.want {
			t.Errorf("interruptedCode(%v) = %d, want %d", c.sig, got, c.want)
		}
	}
}

type fakeSignal struct{}

func (fakeSignal) String() string { return "fake" }
func (fakeSignal) Signal()        {}

// A prompt waiting for an answer gives up at once when the run is
// interrupted: the terminal read a signal does not wake must not keep the
// process alive, and no later question is asked.
func TestPrompterGivesUpOnInterrupt(t *testing.T) {
	in, w := io.Pipe() // nobody ever types
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out strings.Builder
	ask := prompter(ctx, in, &out)
	answered := make(chan bool, 1)
	go func() { answered <- ask("Run flush-dns?") }()
	cancel()
	select {
	case yes := <-answered:
		if yes {
			t.Fatal("an interrupted prompt answered yes")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the prompt still waits for an answer after the interrupt")
	}
	if ask("Run it anyway?") {
		t.Fatal("a question after the interrupt answered yes")
	}
	if strings.Contains(out.String(), "anyway") {
		t.Errorf("a question was asked after the interrupt: %q", out.String())
	}
}

// Answers still work as before: y and yes are yes, anything else and end
// of input are no.
func TestPrompterAnswers(t *testing.T) {
	ask := prompter(context.Background(), strings.NewReader("y\nno\nYES\n"), io.Discard)
	for i, want := range []bool{true, false, true, false} {
		if got := ask("q"); got != want {
			t.Errorf("answer %d = %v, want %v", i+1, got, want)
		}
	}
}
