-- release.lua: give a leased task back to the head of its queue without
-- counting the attempt (a worker shutting down before it ran the task).
--
-- KEYS[1] leases   zset of leased task ids by lease expiry (unix ms)
-- KEYS[2] pending  list of ready task ids
-- KEYS[3] tasks    hash of every task field of the queue
-- KEYS[4] wake     wake-up list (holds at most one token)
-- ARGV[1] task id
-- ARGV[2] lease token
-- ARGV[3] now, unix ms
--
-- Returns 1 when the task is pending again; 0 when the token is not the
-- task's current lease.
local leases, pending, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id = ARGV[1]

-- meta is state|attempt|max|runat|updated|token.
local m = redis.call('HGET', tasks, id .. '|meta')
if not m then return 0 end
local state, attempt, max, runat, token = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|[^|]*|(.*)$')
if state ~= 'active' or token ~= ARGV[2] then return 0 end

redis.call('ZREM', leases, id)
redis.call('HSET', tasks, id .. '|meta',
  'pending|' .. (tonumber(attempt) - 1) .. '|' .. max .. '|' .. runat .. '|' .. ARGV[3] .. '|')
redis.call('LPUSH', pending, id)
if redis.call('LLEN', wake) == 0 then redis.call('RPUSH', wake, '1') end
return 1
