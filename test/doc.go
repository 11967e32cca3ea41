// Package test holds PopBox's integration and end-to-end tests: the real
// binary started as a process, real HTTP, and (in the redis_* files) a real
// redis-server started by the harness in test/redisserver.
package test
