package ui

import (
	"github.com/charmbracelet/x/ansi"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/internal/lab"
)

func TestPicker(t *testing.T) {
	var sc []Scenario
	for _, s := range lab.Scenarios() {
		sc = append(sc, Scenario{Name: s.Name, Description: s.Description})
	}
	p := NewPicker(sc)
	p.Update(tea.WindowSizeMsg{Width: 80, Height: 12})
	got := ansi.Strip(p.View().Content)
	if !strings.Contains(got, "› healthy") || len(strings.Split(got, "\n")) != 12 {
		t.Fatalf("picker:\n%s", got)
	}
	p.Update(press("j"))
	p.Update(press("down"))
	for range 20 {
		p.Update(press("j"))
	}
	want := sc[22].Name
	if got := ansi.Strip(p.View().Content); !strings.Contains(got, "› "+want) {
		t.Fatalf("after 22 moves the selection is not %s (scrolled into view):\n%s", want, got)
	}
	_, cmd := p.Update(press("enter"))
	if _, ok := cmd().(tea.QuitMsg); !ok || p.Choice() != want {
		t.Fatalf("enter chose %q", p.Choice())
	}
	q := NewPicker(sc)
	_, cmd = q.Update(press("q"))
	if _, ok := cmd().(tea.QuitMsg); !ok || q.Choice() != "" {
		t.Fatal("q did not quit without a choice")
	}
}
