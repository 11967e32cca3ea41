-- recover.lua: promote scheduled tasks that are due, give back tasks whose
-- lease expired (to the dead letters when it was their last attempt) and
-- forget succeeded tasks whose retention has passed. Each kind of work is
-- bounded per call; callers run it again while a count reaches the bound.
--
-- KEYS[1] pending    list of ready task ids
-- KEYS[2] scheduled  zset of task ids by run-at (unix ms)
-- KEYS[3] leases     zset of leased task ids by lease expiry (unix ms)
-- KEYS[4] dead       zset of dead task ids by failure time (unix ms)
-- KEYS[5] done       list of succeeded task ids, in ack order
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

-- sweep (scripts/lib/sweep.lua, prepended at load) forgets old successes.

-- meta returns attempt, max and runat of task id when its state is want,
-- nothing otherwise. meta is state|attempt|max|runat|updated|token.
local function meta(id, want)
  local m = redis.call('HGET', tasks, id .. '|meta') or ''
  local state, attempt, max, runat = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|')
  if state == want then return attempt, max, runat end
end

-- Due means run-at is not after now. An id without a scheduled task (a
-- stray left by an operator's edit) is dropped rather than made pending:
-- a task in another state is where it should be already.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', scheduled, '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', scheduled, id)
  local attempt, max, runat = meta(id, 'scheduled')
  if attempt then
    redis.call('RPUSH', pending, id)
    redis.call('HSET', tasks, id .. '|meta', 'pending|' .. attempt .. '|' .. max .. '|' .. runat .. '|' .. now .. '|')
    promoted = promoted + 1
  end
end

-- Expired means the expiry is before now. The lease already counted the
-- attempt, so a task given back keeps its attempt number; its token is
-- cleared, fencing off the worker that lost the lease.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', '(' .. now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', leases, id)
  local attempt, max, runat = meta(id, 'active')
  if not attempt then
    -- a stray (no task, or one not leased): nothing to give back
  elseif tonumber(attempt) >= tonumber(max) then
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

sweep(done, tasks, tonumber(ARGV[4]), limit)
return {promoted, requeued, buried}
