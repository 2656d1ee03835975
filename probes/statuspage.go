package probes

import "time"

// StatusPageDetails is OpenAI's public status as its status page reports it.
type StatusPageDetails struct {
	URL string `json:"url"`
	// Indicator is none, minor, major or critical.
	Indicator   string    `json:"indicator"`
	Description string    `json:"description"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	// Components are the ones that matter here (ChatGPT, API and their
	// parts), with operational, degraded_performance, partial_outage,
	// major_outage or under_maintenance.
	Components []StatusComponent `json:"components,omitempty"`
	Incidents  []StatusIncident  `json:"incidents,omitempty"`
	// ChatGPT and API are the worst status among the components of each
	// product ("operational" when all are).
	ChatGPT string `json:"chatgpt"`
	API     string `json:"api"`
}

// StatusComponent is one component of the status page.
type StatusComponent struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// StatusIncident is one unresolved incident.
type StatusIncident struct {
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	Impact    string    `json:"impact"`
	URL       string    `json:"url,omitempty"`
	StartedAt time.Time `json:"started_at,omitzero"`
}

func (*StatusPageDetails) details() {}
