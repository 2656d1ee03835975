package classify

import "time"

// The classifier reads a response and never talks to the network, so it
// does not import net/http (which drags in the whole network stack) for the
// few HTTP facts it needs: these mirror net/http's, and a test holds them to
// it.

// Statuses the classifier names.
const (
	statusNoContent       = 204
	statusNotModified     = 304
	statusForbidden       = 403
	statusTooManyRequests = 429
)

// statusReason is net/http's StatusText for the error statuses, the only
// ones whose reason phrase a verdict quotes.
var statusReason = map[int]string{
	400: "Bad Request",
	401: "Unauthorized",
	402: "Payment Required",
	403: "Forbidden",
	404: "Not Found",
	405: "Method Not Allowed",
	406: "Not Acceptable",
	407: "Proxy Authentication Required",
	408: "Request Timeout",
	409: "Conflict",
	410: "Gone",
	411: "Length Required",
	412: "Precondition Failed",
	413: "Request Entity Too Large",
	414: "Request URI Too Long",
	415: "Unsupported Media Type",
	416: "Requested Range Not Satisfiable",
	417: "Expectation Failed",
	418: "I'm a teapot",
	421: "Misdirected Request",
	422: "Unprocessable Entity",
	423: "Locked",
	424: "Failed Dependency",
	425: "Too Early",
	426: "Upgrade Required",
	428: "Precondition Required",
	429: "Too Many Requests",
	431: "Request Header Fields Too Large",
	451: "Unavailable For Legal Reasons",
	500: "Internal Server Error",
	501: "Not Implemented",
	502: "Bad Gateway",
	503: "Service Unavailable",
	504: "Gateway Timeout",
	505: "HTTP Version Not Supported",
	506: "Variant Also Negotiates",
	507: "Insufficient Storage",
	508: "Loop Detected",
	510: "Not Extended",
	511: "Network Authentication Required",
}

// statusText is the reason phrase of an error status, or "".
func statusText(code int) string { return statusReason[code] }

// httpTimeFormats are the date forms HTTP allows (RFC 9110 5.6.7), as
// net/http.ParseTime reads them.
var httpTimeFormats = []string{"Mon, 02 Jan 2006 15:04:05 GMT", time.RFC850, time.ANSIC}

// parseHTTPTime reads an HTTP date (Retry-After, Date).
func parseHTTPTime(text string) (t time.Time, err error) {
	for _, layout := range httpTimeFormats {
		if t, err = time.Parse(layout, text); err == nil {
			return t, nil
		}
	}
	return t, err
}
