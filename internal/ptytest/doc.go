// Package ptytest runs a real program in a pseudo-terminal and reads what it
// draws through a terminal emulator, so tests can assert on the screen a
// person would see rather than on the byte stream.
//
// A full-screen program redraws only what changed, moves the cursor around
// and asks the terminal questions (background colour, device attributes);
// grepping its raw output says little about the picture. The emulator
// (github.com/charmbracelet/x/vt) applies every sequence to a screen and
// answers the questions, and the pseudo-terminal (github.com/creack/pty)
// makes the program believe it runs in a real terminal: isatty is true,
// window size changes arrive as SIGWINCH.
//
// Waits poll nothing on a timer: every wait sleeps until the program writes
// again or the deadline passes, so a test takes as long as the program
// needs and fails with a dump of the screen when it needs too long.
//
// Pseudo-terminals exist on Linux and macOS only; elsewhere the package is
// empty, and Start skips the test when the system refuses a pty.
package ptytest
