-- recover.lua: promote scheduled tasks that are due, give back tasks whose
-- lease expired (to the dead letters when it was their last attempt) and
-- forget succeeded tasks whose retention has passed. Each kind of work is
-- bounded per call; callers run it again while a count reaches the bound.
--
-- KEYS[1] pending    list of ready task ids
-- KEYS[2] scheduled  zset of task ids by run-at (unix ms)
-- KEYS[3] leases     zset of leased task ids by lease expiry (unix ms)
-- KEYS[4] dead       zset of dead task ids by failure time (unix ms)
-- KEYS[5] done       zset of succeeded task ids by success time (unix ms)
-- KEYS[6] tasks      hash of every task field of the queue
-- KEYS[7] wake       wake-up list (holds at most one token)
-- ARGV[1] now, unix ms
-- ARGV[2] most tasks of each kind to handle in this call
-- ARGV[3] dead-letter reason for a lease that expired on the last attempt
-- ARGV[4] retention cutoff, unix ms: tasks succeeded before it are forgotten
--
-- Returns {promoted, requeued, deadlettered}.
local pending, scheduled, leases, dead, done, tasks, wake =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local now, limit = ARGV[1], tonumber(ARGV[2])
local promoted, requeued, buried = 0, 0, 0

-- meta is state|attempt|max|runat|updated|token.
local function meta(id)
  local m = redis.call('HGET', tasks, id .. '|meta') or ''
  return string.match(m, '^[^|]*|([^|]*)|([^|]*)|([^|]*)|')
end

-- Due means run-at is not after now.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', scheduled, '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', scheduled, id)
  redis.call('RPUSH', pending, id)
  local attempt, max, runat = meta(id)
  redis.call('HSET', tasks, id .. '|meta',
    'pending|' .. (attempt or 0) .. '|' .. (max or 1) .. '|' .. (runat or 0) .. '|' .. now .. '|')
  promoted = promoted + 1
end

-- Expired means the expiry is before now. The lease already counted the
-- attempt, so a task given back keeps its attempt number; its token is
-- cleared, fencing off the worker that lost the lease.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', '(' .. now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', leases, id)
  local attempt, max, runat = meta(id)
  attempt, max, runat = attempt or 0, max or 1, runat or 0
  if tonumber(attempt) >= tonumber(max) then
    redis.call('ZADD', dead, now, id)
    redis.call('HSET', tasks, id .. '|meta', 'dead|' .. attempt .. '|' .. max .. '|' .. runat .. '|' .. now .. '|',
      id .. '|reason', ARGV[3], id .. '|error', ARGV[3])
    buried = buried + 1
  else
    redis.call('RPUSH', pending, id)
    redis.call('HSET', tasks, id .. '|meta', 'pending|' .. attempt .. '|' .. max .. '|' .. runat .. '|' .. now .. '|')
    requeued = requeued + 1
  end
end

if promoted + requeued > 0 and redis.call('LLEN', wake) == 0 then
  redis.call('RPUSH', wake, '1')
end

for _, gone in ipairs(redis.call('ZRANGEBYSCORE', done, '-inf', '(' .. ARGV[4], 'LIMIT', 0, limit)) do
  redis.call('HDEL', tasks, gone, gone .. '|meta', gone .. '|error', gone .. '|reason')
  redis.call('ZREM', done, gone)
end
return {promoted, requeued, buried}
