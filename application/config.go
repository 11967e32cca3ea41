package application

import (
	"fmt"

	"github.com/popbox/popbox/domain"
)

// invalidField builds the ValidationError a Validate method returns, so
// every config error names its field the same way.
func invalidField(field, format string, args ...any) error {
	return &domain.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
