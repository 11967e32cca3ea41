package redisbroker

import (
	"embed"

	"github.com/redis/go-redis/v9"
)

//go:embed scripts/*.lua scripts/lib/*.lua
var scriptFiles embed.FS

// Every multi-key change is one of these scripts; each file's header names
// its KEYS, ARGV and return value.
var (
	enqueueScript = loadScript("enqueue")
	claimScript   = loadScript("claim")
	ackScript     = loadScript("ack", "sweep")
	retryScript   = loadScript("retry")
	releaseScript = loadScript("release")
	buryScript    = loadScript("bury")
	extendScript  = loadScript("extend")
	recoverScript = loadScript("recover", "sweep")
	requeueScript = loadScript("requeue")
	deleteScript  = loadScript("delete")
	purgeScript   = loadScript("purge")
	expireScript  = loadScript("expire")
)

// loadScript reads scripts/<name>.lua, with the shared functions of
// scripts/lib/<lib>.lua placed before it.
func loadScript(name string, libs ...string) *redis.Script {
	var src []byte
	for _, lib := range libs {
		src = append(src, mustRead("scripts/lib/"+lib+".lua")...)
	}
	return redis.NewScript(string(append(src, mustRead("scripts/"+name+".lua")...)))
}

func mustRead(path string) []byte {
	b, err := scriptFiles.ReadFile(path)
	if err != nil {
		panic("redisbroker: missing embedded script " + path + ": " + err.Error())
	}
	return b
}
