function FindProxyForURL(url, host) {
  var h = "proxy" + ".corp.example";
  return "PROXY " + h + ":8080";
}
