function FindProxyForURL(url, host) {
  var p = "HTTPS secure.corp.example:443";
  return p + "; PROXY backup.corp.example:3128";
}
