// Package httpstatus records the status code an http.Handler answered with,
// for the metrics and tracing middlewares that both need it.
package httpstatus
