package ui

import (
	"context"
	"errors"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"io"
	"os"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Scenario is one lab scenario the picker offers.
type Scenario struct {
	Name        string
	Description string
}

// Picker is the full-screen list `gptdoctor demo` shows without a
// scenario: pick one with the arrows and enter, or quit.
type Picker struct {
	scenarios []Scenario
	sel       int
	offset    int
	w, h      int
	chosen    string
	styles    *Styles
	keys      keyMap
}

// NewPicker lists scenarios in the order given.
func NewPicker(scenarios []Scenario) *Picker {
	return &Picker{scenarios: scenarios, styles: newStyles(true, os.Getenv("NO_COLOR") != ""), keys: newKeyMap()}
}

// Choice is the scenario picked, "" when the user quit.
func (p *Picker) Choice() string { return p.chosen }

// Init implements tea.Model.
func (p *Picker) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update implements tea.Model.
func (p *Picker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.w, p.h = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		*p.styles = *newStyles(msg.IsDark(), os.Getenv("NO_COLOR") != "")
	case tea.KeyPressMsg:
		k := p.keys
		switch {
		case key.Matches(msg, k.Quit), msg.String() == "esc":
			return p, tea.Quit
		case key.Matches(msg, k.Up):
			p.sel = max(0, p.sel-1)
		case key.Matches(msg, k.Down):
			p.sel = min(len(p.scenarios)-1, p.sel+1)
		case msg.String() == "home" || msg.String() == "g":
			p.sel = 0
		case msg.String() == "end" || msg.String() == "G":
			p.sel = len(p.scenarios) - 1
		case key.Matches(msg, k.Details) && len(p.scenarios) > 0:
			p.chosen = p.scenarios[p.sel].Name
			return p, tea.Quit
		}
	}
	return p, nil
}

// View implements tea.Model.
func (p *Picker) View() tea.View {
	v := tea.NewView(p.render())
	v.AltScreen = true
	v.WindowTitle = "gptdoctor demo"
	return v
}

func (p *Picker) render() string {
	if p.w < 30 || p.h < 8 {
		return fmt.Sprintf("Terminal too small: now %d×%d, needs at least 30×8; q quits", p.w, p.h)
	}
	st := p.styles
	nameW := 0
	for _, s := range p.scenarios {
		nameW = max(nameW, width(s.Name))
	}
	lines := make([]string, len(p.scenarios))
	for i, s := range p.scenarios {
		l := pad(st.Bold.Render(s.Name), nameW+2) + st.Muted.Render(sanitize.Line(s.Description))
		if i == p.sel {
			l = st.Selected.Render(fit("› "+ansi.Strip(l), p.w-2))
		} else {
			l = "  " + l
		}
		lines[i] = l
	}
	rows := p.h - 4
	p.offset = follow(clampOffset(p.offset, len(lines), rows), p.sel, rows)
	out := []string{" " + st.Bold.Render("gptdoctor demo") + st.Muted.Render(" — pick a lab scenario: a staged failure on loopback, nothing leaves this machine")}
	out = append(out, st.frameTitled(fmt.Sprintf("%d scenarios", len(p.scenarios)), shift(lines, p.offset), p.w, p.h-2)...)
	out = append(out, " "+st.Key.Render("↑/↓")+" move  "+st.Key.Render("enter")+" open the dashboard on it  "+st.Key.Render("q")+" quit")
	for i := range out {
		out[i] = fit(out[i], p.w)
	}
	return strings.Join(out, "\n")
}

func shift(lines []string, offset int) []string {
	if offset >= len(lines) {
		return nil
	}
	return lines[offset:]
}

// Pick shows the picker on in and out and returns the scenario chosen, ""
// when the user quit (or ctx was cancelled).
func Pick(ctx context.Context, scenarios []Scenario, in io.Reader, out io.Writer) (string, error) {
	p := NewPicker(scenarios)
	final, err := tea.NewProgram(p, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)).Run()
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, tea.ErrInterrupted) {
			return "", nil
		}
		return "", err
	}
	if fp, ok := final.(*Picker); ok {
		return fp.Choice(), nil
	}
	return "", nil
}
