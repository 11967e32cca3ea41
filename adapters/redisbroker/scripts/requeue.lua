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
-- requeued task: {data, state, attempt, max, token, error, runat, updated,
-- reason}.
local dead, pending, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id = ARGV[1]
local function f(name) return id .. '|' .. name end

if redis.call('ZREM', dead, id) == 0 then return {} end
redis.call('HDEL', tasks, f('reason'))
redis.call('HSET', tasks, f('state'), 'pending', f('attempt'), 0, f('updated'), ARGV[2])
redis.call('RPUSH', pending, id)
if redis.call('LLEN', wake) == 0 then redis.call('RPUSH', wake, '1') end
return redis.call('HMGET', tasks, id, f('state'), f('attempt'), f('max'), f('token'),
  f('error'), f('runat'), f('updated'), f('reason'))
