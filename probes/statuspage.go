package probes

import (
	"time"
)

// StatusPageDetails is OpenAI's public status as its status page reports it.
type StatusPageDetails struct {
	// URL is the status summary endpoint read.
	URL string `json:"url"`
	// Indicator is none, minor, major or critical.
	Indicator string `json:"indicator"`
	// Description is the page's overall status in words ("All Systems
	// Operational").
	Description string `json:"description"`
	// UpdatedAt is when the page says it was last updated; absent when it does
	// not say.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Components are the ones that matter here (ChatGPT, API and their
	// parts), with operational, degraded_performance, partial_outage,
	// major_outage or under_maintenance.
	Components []StatusComponent `json:"components,omitempty"`
	// Incidents are the unresolved incidents, at most ten.
	Incidents []StatusIncident `json:"incidents,omitempty"`
	// ChatGPT and API are the worst status among the components of each
	// product ("operational" when all are; empty when the page lists no
	// component for the product).
	ChatGPT string `json:"chatgpt"`
	API     string `json:"api"`
}

// StatusComponent is one component of the status page.
type StatusComponent struct {
	// Name is the component's name as the status page shows it.
	Name string `json:"name"`
	// Status is operational, degraded_performance, partial_outage,
	// major_outage or under_maintenance, as the page reports it.
	Status string `json:"status"`
	// Product is chatgpt or api: the product the component counts towards.
	Product string `json:"product,omitempty"`
}

// StatusIncident is one unresolved incident.
type StatusIncident struct {
	// Name is the incident's title.
	Name string `json:"name"`
	// Status is the incident's stage as the page reports it (investigating,
	// identified, monitoring …).
	Status string `json:"status"`
	// Impact is the page's rating of the incident (none, minor, major or
	// critical).
	Impact string `json:"impact"`
	// URL is the incident's public page, when the status page links one.
	URL string `json:"url,omitempty"`
	// StartedAt is when the incident began (when it was created, if the page
	// gives no start).
	StartedAt time.Time `json:"started_at,omitzero"`
}

func (*StatusPageDetails) details() {}
