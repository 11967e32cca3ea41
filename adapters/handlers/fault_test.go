package handlers_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/handlers"
	"github.com/popbox/popbox/domain"
)

func TestTestSleepMarksEachRunAndSleeps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := handlers.Fault(dir)[handlers.TypeTestSleep]
	task := domain.Task{ID: "s1", Type: handlers.TypeTestSleep, Attempt: 2, Payload: []byte(`{"ms":30}`)}

	start := time.Now()
	require.NoError(t, h.ProcessTask(context.Background(), task))
	require.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.True(t, strings.HasPrefix(entries[0].Name(), "s1.run2."), entries[0].Name())
}

func TestTestSleepStopsWithContext(t *testing.T) {
	t.Parallel()
	h := handlers.NewTestSleep(t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := h.ProcessTask(ctx, domain.Task{ID: "s2", Payload: []byte(`{"ms":60000}`)})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestTestSleepRejectsBadPayload(t *testing.T) {
	t.Parallel()
	h := handlers.NewTestSleep(t.TempDir())
	err := h.ProcessTask(context.Background(), domain.Task{ID: "s3", Payload: []byte(`{"ms":-1}`)})
	require.True(t, domain.IsPermanent(err), "%v", err)
}

func TestTestPanicPanics(t *testing.T) {
	t.Parallel()
	require.Panics(t, func() {
		_ = handlers.NewTestPanic().ProcessTask(context.Background(), domain.Task{ID: "p"})
	})
}
