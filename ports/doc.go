// Package ports declares the interfaces PopBox's application layer depends
// on and every adapter implements: the broker (QueuePort, DeadLetterPort,
// TaskStatusPort), task handlers (Handler) and the clock. Ports speak domain
// types only; no broker, HTTP or logging library appears here.
//
// Each promise a port makes is checked by the conformance suite in
// ports/porttest, which every broker adapter runs.
package ports
