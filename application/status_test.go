package application_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestTaskQuery(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	b.put("mail", "t1")
	q := application.NewTaskQuery(b.broker)

	info, err := q.Task(t.Context(), "t1")
	require.NoError(t, err)
	require.Equal(t, domain.StatePending, info.State)
	require.Equal(t, "mail", info.Queue)

	_, err = q.Task(t.Context(), "missing")
	require.ErrorIs(t, err, domain.ErrTaskNotFound)
	_, err = q.Task(t.Context(), "bad id")
	requireField(t, err, "id")
}

func TestQueueOverviewCoversConfiguredAndKnownQueues(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	b.put("mail", "m1")
	b.put("mail", "m2")
	b.kill("reports", "r1")
	o := application.NewQueueOverview(b.broker, []string{"zeta", "mail", "default"})

	stats, err := o.Stats(t.Context())
	require.NoError(t, err)
	require.Equal(t, []ports.QueueStats{
		{Queue: "default"},
		{Queue: "mail", Pending: 2},
		{Queue: "reports", Dead: 1},
		{Queue: "zeta"},
	}, stats)
}
