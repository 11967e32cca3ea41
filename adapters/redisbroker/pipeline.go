package redisbroker

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// scriptCall is one script run inside a pipeline.
type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []any
}

// runAll sends calls in one pipeline by EVALSHA. Scripts the server does
// not have cached (after a restart or failover) fail with NOSCRIPT without
// running; those alone are sent again by EVAL, so each call runs once.
// Pipelines spanning slots are split per node by the Cluster client.
func (b *Broker) runAll(ctx context.Context, calls []scriptCall) ([]*redis.Cmd, error) {
	cmds := make([]*redis.Cmd, len(calls))
	_, err := b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range calls {
			cmds[i] = c.script.EvalSha(ctx, p, c.keys, c.args...)
		}
		return nil
	})
	if err == nil {
		return cmds, nil
	}
	var missing []int
	for i, cmd := range cmds {
		if cmd.Err() != nil && !isNoScript(cmd.Err()) {
			return nil, cmd.Err()
		}
		if cmd.Err() != nil {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return nil, err
	}
	_, err = b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, i := range missing {
			c := calls[i]
			cmds[i] = c.script.Eval(ctx, p, c.keys, c.args...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cmds, nil
}

// isNoScript reports the server's "script not cached" refusal, by its
// error code as the Redis protocol defines it.
func isNoScript(err error) bool {
	return redis.HasErrorPrefix(err, "NOSCRIPT")
}
