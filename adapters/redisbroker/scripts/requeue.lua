-- requeue.lua: move a dead letter back to the tail of its queue as pending,
-- with its attempt count reset and its last error kept.
--
-- KEYS[1] dead     zset of dead task ids by failure time (unix ms)
-- KEYS[2] pending  list of ready task ids
-- KEYS[3] tasks    hash of every task field of the queue
-- KEYS[4] wake     wake-up list (holds at most one token)
-- ARGV[1] task id
-- ARGV[2] now, unix ms
--
-- Returns {} when the id is not a dead letter of this queue; otherwise the
-- requeued task: {data, meta, error, reason}.
local dead, pending, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id = ARGV[1]

if redis.call('ZREM', dead, id) == 0 then return {} end
-- meta is state|attempt|max|runat|updated|token.
local m = redis.call('HGET', tasks, id .. '|meta') or ''
local max, runat = string.match(m, '^[^|]*|[^|]*|([^|]*)|([^|]*)|')
redis.call('HDEL', tasks, id .. '|reason')
redis.call('HSET', tasks, id .. '|meta', 'pending|0|' .. (max or 1) .. '|' .. (runat or 0) .. '|' .. ARGV[2] .. '|')
redis.call('RPUSH', pending, id)
if redis.call('LLEN', wake) == 0 then redis.call('RPUSH', wake, '1') end
return redis.call('HMGET', tasks, id, id .. '|meta', id .. '|error', id .. '|reason')
