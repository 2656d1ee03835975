package ui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// graceDelay is how long a dialog that opened without a keypress ignores
// keys, so a key already on its way cannot answer it.
const graceDelay = 300 * time.Millisecond

type dialogKind int

const (
	dialogConfirm dialogKind = iota // an action: Cancel / Run
	dialogInfo                      // steps to follow, or why it cannot run: Close
)

// dialog is a modal box. Focus starts on the first button, which is always
// the harmless one.
type dialog struct {
	kind     dialogKind
	title    string
	lines    []string
	buttons  []string
	focus    int
	step     int // the confirmation being asked (1, then 2 for disruptive)
	scroll   int // first text line shown when the text does not fit
	openedAt time.Time
	grace    bool
}

// openDialog shows d. One opened by the user's own keypress needs no grace
// period; one that opens on its own (a plan arriving later) does.
func (m *Model) openDialog(d *dialog, byKey bool) {
	d.openedAt, d.grace = m.now(), !byKey
	m.dlg = d
}

// dialogKey answers a key while a dialog is open: only its own keys act
// (ctrl+c still quits, handled before), so nothing behind it moves.
func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	d := m.dlg
	if d.grace && m.now().Sub(d.openedAt) < graceDelay {
		return nil
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		return m.closeDialog(false)
	case key.Matches(msg, k.Switch):
		if s := msg.String(); s == "shift+tab" || s == "left" || s == "h" {
			d.focus = (d.focus + len(d.buttons) - 1) % len(d.buttons)
		} else {
			d.focus = (d.focus + 1) % len(d.buttons)
		}
	case key.Matches(msg, k.Up):
		d.scroll = max(0, d.scroll-1)
	case key.Matches(msg, k.Down):
		d.scroll++ // the next frame clamps it to the text
	case key.Matches(msg, k.Confirm):
		return m.closeDialog(d.kind == dialogConfirm && d.focus == len(d.buttons)-1)
	}
	return nil
}

// dialogBox draws the open dialog; while it ignores keys it says so.
func (m *Model) dialogBox() box {
	d := m.dlg
	lines := d.lines
	if d.grace && m.now().Sub(d.openedAt) < graceDelay {
		lines = append(append([]string(nil), lines...), "", m.styles.Muted.Render("(keys are ignored for a moment)"))
	}
	return box{title: d.title, lines: lines, buttons: d.buttons, focus: d.focus, w: 84, offset: d.scroll}
}
