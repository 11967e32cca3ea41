-- claim.lua: lease up to N pending tasks from the head of one queue. Each
-- leased task gets a fresh fencing token, one more attempt and a lease
-- expiry. If tasks remain, a wake-up token is left so the next waiter wakes.
--
-- KEYS[1] pending  list of ready task ids
-- KEYS[2] leases   zset of leased task ids by lease expiry (unix ms)
-- KEYS[3] tasks    hash of every task field of the queue
-- KEYS[4] wake     wake-up list (holds at most one token)
-- ARGV[1] most tasks to lease (at least 1)
-- ARGV[2] lease expiry, unix ms
-- ARGV[3] now, unix ms
-- ARGV[4] token prefix, unique per call; tokens are "<prefix>.<n>"
--
-- Returns one entry per leased task, head first:
-- {id, data, state, attempt, max, token, error, runat, updated, reason}.
local pending, leases, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local want = tonumber(ARGV[1])
local out = {}

while #out < want do
  local id = redis.call('LPOP', pending)
  if not id then break end
  local function f(name) return id .. '|' .. name end
  -- An id whose task is not pending (a stray left by an operator's edit)
  -- is dropped rather than leased twice.
  if redis.call('HGET', tasks, f('state')) == 'pending' then
    local token = ARGV[4] .. '.' .. (#out + 1)
    redis.call('HINCRBY', tasks, f('attempt'), 1)
    redis.call('HSET', tasks, f('state'), 'active', f('token'), token, f('updated'), ARGV[3])
    redis.call('ZADD', leases, ARGV[2], id)
    out[#out + 1] = {id, unpack(redis.call('HMGET', tasks, id, f('state'), f('attempt'),
      f('max'), f('token'), f('error'), f('runat'), f('updated'), f('reason')))}
  end
end

if redis.call('LLEN', pending) > 0 and redis.call('LLEN', wake) == 0 then
  redis.call('RPUSH', wake, '1')
end
return out
