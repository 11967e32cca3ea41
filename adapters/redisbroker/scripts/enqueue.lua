-- enqueue.lua: store a new task as pending or scheduled, or report the task
-- that already has its id. Running it twice never stores a duplicate.
--
-- KEYS[1] pending    list of ready task ids
-- KEYS[2] scheduled  zset of task ids by run-at (unix ms)
-- KEYS[3] tasks      hash of every task field of the queue
-- KEYS[4] wake       wake-up list (holds at most one token)
-- ARGV[1] task id
-- ARGV[2] the task's immutable data (JSON)
-- ARGV[3] attempt
-- ARGV[4] max attempts
-- ARGV[5] last error
-- ARGV[6] run-at, unix ms ("0" when none)
-- ARGV[7] now, unix ms, from the broker's clock
--
-- Returns {1, state} when the task was stored (state "pending" or
-- "scheduled"); {0, data, state, attempt, max, token, error, runat, updated,
-- reason} when a task with this id exists, leaving it unchanged.
local pending, scheduled, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id = ARGV[1]
local function f(name) return id .. '|' .. name end

if redis.call('HEXISTS', tasks, id) == 1 then
  return {0, unpack(redis.call('HMGET', tasks, id, f('state'), f('attempt'), f('max'),
    f('token'), f('error'), f('runat'), f('updated'), f('reason')))}
end

local state = 'pending'
if tonumber(ARGV[6]) > tonumber(ARGV[7]) then
  state = 'scheduled'
  redis.call('ZADD', scheduled, ARGV[6], id)
else
  redis.call('RPUSH', pending, id)
  if redis.call('LLEN', wake) == 0 then redis.call('RPUSH', wake, '1') end
end
redis.call('HSET', tasks, id, ARGV[2], f('state'), state, f('attempt'), ARGV[3],
  f('max'), ARGV[4], f('error'), ARGV[5], f('runat'), ARGV[6], f('updated'), ARGV[7])
return {1, state}
