package httpapi

import (
	"encoding/json"

	"github.com/popbox/popbox/domain"
)

// deadLetterItem is one dead letter in a list.
type deadLetterItem struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Queue     string `json:"queue"`
	Reason    string `json:"reason"`
	FailedAt  string `json:"failed_at"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
}

func newDeadLetterItem(dl domain.DeadLetter) deadLetterItem {
	return deadLetterItem{
		ID: dl.Task.ID, Type: dl.Task.Type, Queue: dl.Task.Queue, Reason: dl.Reason,
		FailedAt: timestamp(dl.FailedAt), Attempts: dl.Task.Attempt, LastError: dl.Task.LastError,
	}
}

// deadLetterPage answers GET /dead-letters.
type deadLetterPage struct {
	Items  []deadLetterItem `json:"items"`
	Total  int64            `json:"total"`
	Offset int              `json:"offset"`
	Limit  int              `json:"limit"`
}

// deadLetterDetail answers GET /dead-letters/{id}. Headers are left out on
// purpose: they may carry credentials.
type deadLetterDetail struct {
	deadLetterItem
	MaxAttempts int             `json:"max_attempts"`
	CreatedAt   string          `json:"created_at,omitempty"`
	Payload     json.RawMessage `json:"payload,omitempty"`
}

func newDeadLetterDetail(dl domain.DeadLetter, withPayload bool) deadLetterDetail {
	d := deadLetterDetail{
		deadLetterItem: newDeadLetterItem(dl),
		MaxAttempts:    dl.Task.MaxAttempts,
		CreatedAt:      timestamp(dl.Task.CreatedAt),
	}
	if withPayload {
		d.Payload = dl.Task.Payload
	}
	return d
}

// purgeResponse answers DELETE /dead-letters.
type purgeResponse struct {
	Purged int64 `json:"purged"`
}
