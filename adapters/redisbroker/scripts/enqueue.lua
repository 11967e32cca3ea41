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
-- ARGV[5] last error ("" for none)
-- ARGV[6] run-at, unix ms ("0" when none)
-- ARGV[7] now, unix ms, from the broker's clock
--
-- Returns {1, state} when the task was stored (state "pending" or
-- "scheduled"); {0, data, meta, error, reason} when a task with this id
-- exists, leaving it unchanged.
local pending, scheduled, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id = ARGV[1]

if redis.call('HSETNX', tasks, id, ARGV[2]) == 0 then
  return {0, unpack(redis.call('HMGET', tasks, id, id .. '|meta', id .. '|error', id .. '|reason'))}
end

local state = 'pending'
if tonumber(ARGV[6]) > tonumber(ARGV[7]) then
  state = 'scheduled'
  redis.call('ZADD', scheduled, ARGV[6], id)
else
  redis.call('RPUSH', pending, id)
  if redis.call('LLEN', wake) == 0 then redis.call('RPUSH', wake, '1') end
end
-- meta is state|attempt|max|runat|updated|token.
local meta = state .. '|' .. ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[6] .. '|' .. ARGV[7] .. '|'
if ARGV[5] ~= '' then
  redis.call('HSET', tasks, id .. '|meta', meta, id .. '|error', ARGV[5])
else
  redis.call('HSET', tasks, id .. '|meta', meta)
end
return {1, state}
