package ui

import "charm.land/bubbles/v2/key"

// keyMap is every binding of the dashboard. The help bar and the ? overlay
// are built from it, and a binding that does not apply in the current state
// is disabled, so neither ever shows a key that would do nothing.
type keyMap struct {
	Next, Prev, Focus          key.Binding
	Up, Down, Left, Right      key.Binding
	Details, Back              key.Binding
	Apply, Refresh, Pause      key.Binding
	Export, ExportDialog, Copy key.Binding
	Status, Share, Help, Quit  key.Binding
	Confirm, Switch, Cancel    key.Binding // dialogs only
}

func newKeyMap() keyMap {
	return keyMap{
		Next:         key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		Prev:         key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Focus:        key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "focus pane")),
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Left:         key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "previous cell")),
		Right:        key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "next cell")),
		Details:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Apply:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "apply remedy")),
		Refresh:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-run now")),
		Pause:        key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pause refresh")),
		Export:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "write report")),
		ExportDialog: key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "export…")),
		Copy:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy support summary")),
		Status:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open status page")),
		Share:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "share mode")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Confirm:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Switch:       key.NewBinding(key.WithKeys("tab", "shift+tab", "left", "right", "h", "l"), key.WithHelp("tab/←→", "switch button")),
		Cancel:       key.NewBinding(key.WithKeys("esc", "n"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp is the help bar: what matters most right now.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.Next, k.Details, k.Apply, k.Refresh, k.Pause, k.Export, k.Copy, k.Share, k.Status}
}

// FullHelp is the ? overlay, in columns by purpose.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.Focus, k.Up, k.Down, k.Left, k.Right},
		{k.Details, k.Back, k.Apply, k.Refresh, k.Pause},
		{k.Export, k.ExportDialog, k.Copy, k.Status, k.Share, k.Help, k.Quit},
	}
}

// dialogKeys is the help of an open dialog.
type dialogKeys struct{ k *keyMap }

func (d dialogKeys) ShortHelp() []key.Binding {
	return []key.Binding{d.k.Switch, d.k.Confirm, d.k.Cancel}
}

func (d dialogKeys) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
