-- bury.lua: move a leased task into the dead letters with a reason, scored
-- by the failure time. The reason also becomes the task's last error, as it
-- describes the last attempt. The lease ends.
--
-- KEYS[1] leases  zset of leased task ids by lease expiry (unix ms)
-- KEYS[2] dead    zset of dead task ids by failure time (unix ms)
-- KEYS[3] tasks   hash of every task field of the queue
-- ARGV[1] task id
-- ARGV[2] lease token
-- ARGV[3] reason
-- ARGV[4] now, unix ms
--
-- Returns 1 when the task is dead; 0 when the token is not the task's
-- current lease.
local leases, dead, tasks = KEYS[1], KEYS[2], KEYS[3]
local id = ARGV[1]

-- meta is state|attempt|max|runat|updated|token.
local m = redis.call('HGET', tasks, id .. '|meta')
if not m then return 0 end
local state, attempt, max, runat, token = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|[^|]*|(.*)$')
if state ~= 'active' or token ~= ARGV[2] then return 0 end

redis.call('ZREM', leases, id)
redis.call('ZADD', dead, ARGV[4], id)
redis.call('HSET', tasks, id .. '|meta', 'dead|' .. attempt .. '|' .. max .. '|' .. runat .. '|' .. ARGV[4] .. '|',
  id .. '|reason', ARGV[3], id .. '|error', ARGV[3])
return 1
