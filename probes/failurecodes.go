package probes

// The EndpointDetails.Failure codes the diagnosis reads (the full list is on
// that field). They are named once here so the probes that set them and the
// rules that read them cannot drift apart.
const (
	// FailureReset: the connection was reset, while connecting or before a
	// response came back.
	FailureReset = "reset"
	// FailureBadResponse: something answered, but not in HTTP a client can
	// read (a broken status line or header).
	FailureBadResponse = "bad_response"
	// FailureCertTime: the certificate is outside its validity at this
	// machine's time (expired or not yet valid).
	FailureCertTime = "tls_expired"
)
