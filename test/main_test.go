package test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if the workers, brokers and clients the tests
// start leave goroutines behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
