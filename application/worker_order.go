package application

// queueOrder returns the function that orders the queues for each Dequeue.
func queueOrder(c WorkerConfig, randFunc func() float64) func() []string {
	if c.Strategy != StrategyWeighted {
		return func() []string { return c.Queues }
	}
	weights := make([]int, len(c.Queues))
	for i, q := range c.Queues {
		weights[i] = max(c.Weights[q], 1)
	}
	return func() []string { return weightedOrder(c.Queues, weights, randFunc) }
}

// weightedOrder draws queues one by one without replacement, each with a
// probability proportional to its weight among those left.
func weightedOrder(queues []string, weights []int, randFunc func() float64) []string {
	left := make([]int, len(queues))
	total := 0
	for i, w := range weights {
		left[i] = i
		total += w
	}
	order := make([]string, 0, len(queues))
	for len(left) > 0 {
		pick := int(randFunc() * float64(total))
		chosen := len(left) - 1 // guards against draws of 1 or more
		for j, i := range left {
			if pick < weights[i] {
				chosen = j
				break
			}
			pick -= weights[i]
		}
		i := left[chosen]
		order = append(order, queues[i])
		total -= weights[i]
		left = append(left[:chosen], left[chosen+1:]...)
	}
	return order
}
