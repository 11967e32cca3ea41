package redisbroker

import (
	"embed"

	"github.com/redis/go-redis/v9"
)

//go:embed scripts/*.lua
var scriptFiles embed.FS

// Every multi-key change is one of these scripts; each file's header names
// its KEYS, ARGV and return value.
var (
	enqueueScript = loadScript("enqueue")
	claimScript   = loadScript("claim")
	ackScript     = loadScript("ack")
	retryScript   = loadScript("retry")
	releaseScript = loadScript("release")
	buryScript    = loadScript("bury")
	extendScript  = loadScript("extend")
	recoverScript = loadScript("recover")
	requeueScript = loadScript("requeue")
	deleteScript  = loadScript("delete")
	purgeScript   = loadScript("purge")
	expireScript  = loadScript("expire")
)

func loadScript(name string) *redis.Script {
	src, err := scriptFiles.ReadFile("scripts/" + name + ".lua")
	if err != nil {
		panic("redisbroker: missing embedded script " + name + ": " + err.Error())
	}
	return redis.NewScript(string(src))
}
