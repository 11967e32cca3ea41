package redisbroker

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// ClientConfig says how to reach Redis: a single server by URL, a Redis
// Cluster by seed addresses, or a master through Sentinel. Credentials, TLS
// (rediss://) and the database number come from URL in every mode.
type ClientConfig struct {
	// URL is redis://[user:password@]host:port[/db] or rediss://... for
	// TLS. With ClusterAddrs or SentinelAddrs set, its host is ignored and
	// it may be empty.
	URL string
	// ClusterAddrs are host:port seeds of a Redis Cluster. The database
	// must be 0.
	ClusterAddrs []string
	// SentinelMaster names the master Sentinel watches; it goes with
	// SentinelAddrs.
	SentinelMaster string
	// SentinelAddrs are host:port of the Sentinels.
	SentinelAddrs []string
	// SentinelPassword authenticates to the Sentinels, when they need it.
	SentinelPassword string
	// ReadTimeout bounds every reply. Default 5s; it must exceed the
	// Broker's BlockTimeout, since a blocking wait is one read.
	ReadTimeout time.Duration
}

// Validate reports the first unusable field as a *domain.ValidationError
// naming it ("redis.url", "redis.cluster_addrs", ...).
func (c ClientConfig) Validate() error {
	_, err := c.universalOptions()
	return err
}

// NewClient builds the go-redis client c describes. It does not dial:
// connections open on first use, so a Redis that is down at start-up is
// reported by the first call (or Broker.Ping), not here.
func NewClient(c ClientConfig) (redis.UniversalClient, error) {
	opts, err := c.universalOptions()
	if err != nil {
		return nil, err
	}
	return redis.NewUniversalClient(opts), nil
}

const (
	defaultReadTimeout = 5 * time.Second
	defaultDialTimeout = 2 * time.Second
)

func (c ClientConfig) universalOptions() (*redis.UniversalOptions, error) {
	switch {
	case len(c.ClusterAddrs) > 0 && (c.SentinelMaster != "" || len(c.SentinelAddrs) > 0):
		return nil, invalid("redis.cluster_addrs", "cannot be combined with Sentinel settings")
	case c.SentinelMaster != "" && len(c.SentinelAddrs) == 0:
		return nil, invalid("redis.sentinel_addrs", "must list the Sentinels when redis.sentinel_master is set")
	case c.SentinelMaster == "" && len(c.SentinelAddrs) > 0:
		return nil, invalid("redis.sentinel_master", "must name the master when redis.sentinel_addrs is set")
	case c.URL == "" && len(c.ClusterAddrs) == 0 && len(c.SentinelAddrs) == 0:
		return nil, invalid("redis.url", "is required unless cluster or Sentinel addresses are set")
	case c.ReadTimeout < 0:
		return nil, invalid("redis.read_timeout", "must not be negative")
	}
	base := &redis.Options{}
	if c.URL != "" {
		parsed, err := redis.ParseURL(c.URL)
		if err != nil {
			return nil, invalid("redis.url", "%v", err)
		}
		base = parsed
	}
	if len(c.ClusterAddrs) > 0 && base.DB != 0 {
		return nil, invalid("redis.url", "must select database 0 with Redis Cluster, not %d", base.DB)
	}
	opts := &redis.UniversalOptions{
		Addrs:            []string{base.Addr},
		DB:               base.DB,
		Username:         base.Username,
		Password:         base.Password,
		TLSConfig:        base.TLSConfig,
		MasterName:       c.SentinelMaster,
		SentinelPassword: c.SentinelPassword,
		ReadTimeout:      c.ReadTimeout,
		IsClusterMode:    len(c.ClusterAddrs) > 0,
		// A refused dial is retried once, not five times with backoff, so
		// a request against a Redis that is down fails (503) within about
		// a second instead of several.
		DialTimeout:   defaultDialTimeout,
		DialerRetries: 2,
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = defaultReadTimeout
	}
	switch {
	case len(c.ClusterAddrs) > 0:
		opts.Addrs = c.ClusterAddrs
	case len(c.SentinelAddrs) > 0:
		opts.Addrs = c.SentinelAddrs
	}
	return opts, nil
}
