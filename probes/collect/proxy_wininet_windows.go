//go:build windows

package collect

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// readWinINETValues reads the WinINET proxy values of the current user.
// Missing values are normal (a machine that never had a proxy has no
// ProxyServer), so only a failure to open the key is an error.
var readWinINETValues = func() (winINETValues, error) {
	const path = `Software\Microsoft\Windows\CurrentVersion\Internet Settings`
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if err != nil {
		return winINETValues{}, fmt.Errorf(`registry: open HKCU\%s: %w`, path, err)
	}
	defer k.Close()
	var v winINETValues
	if n, _, err := k.GetIntegerValue("ProxyEnable"); err == nil {
		e := uint32(n)
		v.ProxyEnable = &e
	}
	v.ProxyServer = stringValue(k, "ProxyServer")
	v.ProxyOverride = stringValue(k, "ProxyOverride")
	v.AutoConfigURL = stringValue(k, "AutoConfigURL")
	if ck, err := registry.OpenKey(registry.CURRENT_USER, path+`\Connections`, registry.QUERY_VALUE); err == nil {
		if b, _, err := ck.GetBinaryValue("DefaultConnectionSettings"); err == nil {
			v.ConnectionSettings = b
		}
		ck.Close()
	}
	return v, nil
}

func stringValue(k registry.Key, name string) string {
	s, _, err := k.GetStringValue(name)
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		return ""
	}
	return s
}
