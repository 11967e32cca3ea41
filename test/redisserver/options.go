package redisserver

// URLEnv names the environment variable that points the tests at an
// existing Redis instead of one they start.
const URLEnv = "POPBOX_TEST_REDIS_URL"

// Option changes how Start runs the server.
type Option func(*options)

type options struct {
	aof   bool
	local bool
	args  []string
}

// WithAOF turns the append-only file on with an fsync per write, so a
// killed or restarted server keeps everything it acknowledged.
func WithAOF() Option { return func(o *options) { o.aof = true } }

// WithLocalProcess insists on a redis-server child process, ignoring
// POPBOX_TEST_REDIS_URL and Docker, so Kill and Restart work in place.
func WithLocalProcess() Option { return func(o *options) { o.local = true } }

// WithArgs appends redis-server arguments, e.g. "--maxmemory", "1mb".
// Under POPBOX_TEST_REDIS_URL they are ignored.
func WithArgs(args ...string) Option {
	return func(o *options) { o.args = append(o.args, args...) }
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// serverArgs are the redis-server arguments for o, port and data dir aside.
func (o options) serverArgs() []string {
	args := []string{"--save", "", "--appendonly", "no"}
	if o.aof {
		args = []string{"--save", "", "--appendonly", "yes", "--appendfsync", "always"}
	}
	return append(args, o.args...)
}
