// Package httpclient is a Go client for PopBox's HTTP API, for programs
// that enqueue tasks into a PopBox they do not embed:
//
//	c := httpclient.New("http://popbox:8080", nil)
//	t, err := c.Enqueue(ctx, httpclient.Task{Type: "send_email", Payload: payload, IdempotencyKey: "welcome-42"})
//
// Errors the API answers come back as *APIError, which keeps the status,
// the machine-readable code and the field at fault; Retryable reports the
// ones worth trying again (503, 429, timeouts).
package httpclient
