module github.com/gptdoctor/gptdoctor

go 1.26.0

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/miekg/dns v1.1.73 // indirect
	github.com/shirou/gopsutil/v4 v4.26.10 // indirect
	golang.org/x/crypto/x509roots/fallback v0.0.0-20261030153154-30a33513ff6d // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
