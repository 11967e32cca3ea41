-- retry.lua: record a leased task's error and schedule it again: pending at
-- once when run-at is not after now, otherwise scheduled. The lease ends.
--
-- KEYS[1] leases     zset of leased task ids by lease expiry (unix ms)
-- KEYS[2] scheduled  zset of task ids by run-at (unix ms)
-- KEYS[3] pending    list of ready task ids
-- KEYS[4] tasks      hash of every task field of the queue
-- KEYS[5] wake       wake-up list (holds at most one token)
-- ARGV[1] task id
-- ARGV[2] lease token
-- ARGV[3] run-at, unix ms
-- ARGV[4] error text
-- ARGV[5] now, unix ms
--
-- Returns 1 when the task was rescheduled; 0 when the token is not the
-- task's current lease.
local leases, scheduled, pending, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id = ARGV[1]

-- meta is state|attempt|max|runat|updated|token.
local m = redis.call('HGET', tasks, id .. '|meta')
if not m then return 0 end
local state, attempt, max, token = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|[^|]*|[^|]*|(.*)$')
if state ~= 'active' or token ~= ARGV[2] then return 0 end

redis.call('ZREM', leases, id)
local next = 'pending'
if tonumber(ARGV[3]) > tonumber(ARGV[5]) then
  next = 'scheduled'
  redis.call('ZADD', scheduled, ARGV[3], id)
else
  redis.call('RPUSH', pending, id)
  if redis.call('LLEN', wake) == 0 then redis.call('RPUSH', wake, '1') end
end
redis.call('HSET', tasks, id .. '|meta', next .. '|' .. attempt .. '|' .. max .. '|' .. ARGV[3] .. '|' .. ARGV[5] .. '|',
  id .. '|error', ARGV[4])
return 1
