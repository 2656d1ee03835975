// Corporate proxy auto-config
function FindProxyForURL(url, host) {
  if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example"))
    return "DIRECT";
  if (shExpMatch(host, "*.openai.com") || shExpMatch(host, "chatgpt.com"))
    return 'PROXY ai-egress.corp.example:3128; DIRECT';
  if (isInNet(dnsResolve(host), "10.0.0.0", "255.0.0.0"))
    return "DIRECT";
  return "PROXY proxy.corp.example:8080; SOCKS5 10.0.0.9:1080; DIRECT";
}
