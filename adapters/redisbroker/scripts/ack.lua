-- ack.lua: mark a leased task succeeded, then forget succeeded tasks whose
-- retention has passed. Acking again with the same token succeeds.
--
-- KEYS[1] leases  zset of leased task ids by lease expiry (unix ms)
-- KEYS[2] done    zset of succeeded task ids by success time (unix ms)
-- KEYS[3] tasks   hash of every task field of the queue
-- ARGV[1] task id
-- ARGV[2] lease token
-- ARGV[3] now, unix ms
-- ARGV[4] retention cutoff, unix ms: tasks succeeded before it are forgotten
-- ARGV[5] most succeeded tasks to forget in this call
--
-- Returns 1 when the task is succeeded under this token; 0 when the token
-- is not the task's current lease (the lease was lost).
local leases, done, tasks = KEYS[1], KEYS[2], KEYS[3]
local id = ARGV[1]

local function forget(gone)
  redis.call('HDEL', tasks, gone, gone .. '|state', gone .. '|attempt', gone .. '|max',
    gone .. '|token', gone .. '|error', gone .. '|runat', gone .. '|updated', gone .. '|reason')
end

local state, token = unpack(redis.call('HMGET', tasks, id .. '|state', id .. '|token'))
if token ~= ARGV[2] then return 0 end
if state == 'succeeded' then return 1 end
if state ~= 'active' then return 0 end

redis.call('ZREM', leases, id)
redis.call('ZADD', done, ARGV[3], id)
redis.call('HSET', tasks, id .. '|state', 'succeeded', id .. '|updated', ARGV[3])

local old = redis.call('ZRANGEBYSCORE', done, '-inf', '(' .. ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))
for _, gone in ipairs(old) do
  forget(gone)
  redis.call('ZREM', done, gone)
end
return 1
