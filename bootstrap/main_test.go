package bootstrap_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a started and stopped app leaves goroutines
// behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
