package handlers

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TypeSendEmail is the task type of the send_email handler.
const TypeSendEmail = "send_email"

// emailPayload is the payload of a send_email task: all three fields are
// required, non-blank strings.
type emailPayload struct {
	To      string `json:"to"`      // one address, e.g. "Ada <ada@example.com>"
	Subject string `json:"subject"` // a single line
	Body    string `json:"body"`
}

// sendEmail "sends" by logging: PopBox ships no mail transport.
type sendEmail struct {
	log *zap.Logger
}

// NewSendEmail returns the send_email handler. Its payload is
// {"to", "subject", "body"}, all required strings; "to" must be one address
// net/mail accepts and "subject" one line. A payload breaking these rules is
// a permanent failure naming the field. The mail is "sent" by logging the
// recipient and the subject's length through log, never the body. A nil
// log discards.
func NewSendEmail(log *zap.Logger) ports.Handler {
	if log == nil {
		log = zap.NewNop()
	}
	return &sendEmail{log: log}
}

// ProcessTask validates the payload, then logs the mail as sent.
func (h *sendEmail) ProcessTask(ctx context.Context, task domain.Task) error {
	var p emailPayload
	if err := decodePayload(task.Payload, &p, `with "to", "subject" and "body"`); err != nil {
		return err
	}
	addr, err := p.validate()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	h.log.Info("email sent",
		zap.String("task_id", task.ID),
		zap.String("to", addr.Address),
		zap.Int("subject_length", utf8.RuneCountInString(p.Subject)),
		zap.Int("body_bytes", len(p.Body)),
	)
	return nil
}

// validate checks every field and returns the parsed recipient.
func (p emailPayload) validate() (*mail.Address, error) {
	for _, f := range []struct{ name, value string }{{"to", p.To}, {"subject", p.Subject}, {"body", p.Body}} {
		if strings.TrimSpace(f.value) == "" {
			return nil, permanent(f.name, "is required")
		}
	}
	addr, err := mail.ParseAddress(p.To)
	if err != nil {
		return nil, permanent("to", "must be one valid email address (%v)", err)
	}
	// A line break in a subject would let a client add mail headers.
	if strings.ContainsAny(p.Subject, "\r\n") {
		return nil, permanent("subject", "must be a single line")
	}
	return addr, nil
}
