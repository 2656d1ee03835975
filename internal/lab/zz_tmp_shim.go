// Package lab TEMPORARY shim for the cli branch; deleted before merging the lab branch.
package lab

import (
	"fmt"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

type Expectation struct{}
type Scenario struct {
	Name, Description string
	Expect            Expectation
}

func Scenarios() []Scenario { return []Scenario{{Name: "healthy", Description: "all good"}} }
func Lookup(name string) (Scenario, bool) {
	for _, s := range Scenarios() {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

type Options struct{ Latency time.Duration }
type Lab struct{ s Scenario }

func Start(name string, opts Options) (*Lab, error) {
	s, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("lab: unknown scenario %q", name)
	}
	return &Lab{s}, nil
}
func (l *Lab) Close() error                          { return nil }
func (l *Lab) World(base probes.World) probes.World { return base }
func (l *Lab) Config() probes.Config                { return probes.DefaultConfig() }
func (l *Lab) Args() []string                       { return nil }
func (l *Lab) Env() []string                        { return nil }
func (l *Lab) Scenario() Scenario                   { return l.s }
