package application

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQueueOrderStrictKeepsConfiguredOrder(t *testing.T) {
	t.Parallel()
	c := DefaultWorkerConfig()
	c.Queues = []string{"c", "a", "b"}
	order := queueOrder(c, func() float64 { panic("strict order draws nothing") })
	require.Equal(t, []string{"c", "a", "b"}, order())
}

func TestWeightedOrderFollowsDraws(t *testing.T) {
	t.Parallel()
	queues := []string{"high", "mid", "low"}
	weights := []int{6, 3, 1} // total 10
	draws := func(rs ...float64) func() float64 {
		return func() float64 { r := rs[0]; rs = rs[1:]; return r }
	}
	// 0.0 → high; then of mid(3)+low(1): 0.9*4=3.6 → low; then mid.
	require.Equal(t, []string{"high", "low", "mid"}, weightedOrder(queues, weights, draws(0, 0.9, 0)))
	// 0.65*10=6.5 → mid; then high(6)+low(1): 0.99*7=6.93 → low; then high.
	require.Equal(t, []string{"mid", "low", "high"}, weightedOrder(queues, weights, draws(0.65, 0.99, 0)))
	// a draw of 1 or more still picks something.
	require.Equal(t, []string{"low", "mid", "high"}, weightedOrder(queues, weights, draws(1, 1, 1)))
}

func TestWeightedOrderFavoursHeavyQueues(t *testing.T) {
	t.Parallel()
	c := DefaultWorkerConfig()
	c.Queues = []string{"high", "low"}
	c.Strategy = StrategyWeighted
	c.Weights = map[string]int{"high": 3}
	// Evenly spread draws: high should come first three times in four.
	var i int
	draws := []float64{0.1, 0.5, 0.3, 0.5, 0.6, 0.5, 0.9, 0.5}
	order := queueOrder(c, func() float64 { r := draws[i%len(draws)]; i++; return r })
	first := map[string]int{}
	for range 4 {
		o := order()
		require.ElementsMatch(t, c.Queues, o)
		first[o[0]]++
	}
	require.Equal(t, map[string]int{"high": 3, "low": 1}, first)
}
