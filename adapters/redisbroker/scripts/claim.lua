-- claim.lua: lease up to N pending tasks from the head of one queue. Each
-- leased task gets a fresh fencing token, one more attempt and a lease
-- expiry. If tasks remain, a wake-up token is left so the next waiter wakes.
-- The work is a fixed number of commands whatever N is: one LPOP, one
-- HMGET, one HSET, one ZADD and one HMGET for the whole batch.
--
-- KEYS[1] pending  list of ready task ids
-- KEYS[2] leases   zset of leased task ids by lease expiry (unix ms)
-- KEYS[3] tasks    hash of every task field of the queue
-- KEYS[4] wake     wake-up list (holds at most one token)
-- ARGV[1] most tasks to lease (1 to 1000)
-- ARGV[2] lease expiry, unix ms
-- ARGV[3] now, unix ms
-- ARGV[4] token prefix, unique per call; tokens are "<prefix>.<n>"
--
-- Returns one entry per leased task, head first:
-- {id, data, meta, error, reason}.
local pending, leases, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local want = tonumber(ARGV[1])

local ids = redis.call('LPOP', pending, want)
if not ids then return {} end

local metaFields = {}
for i, id in ipairs(ids) do metaFields[i] = id .. '|meta' end
local metas = redis.call('HMGET', tasks, unpack(metaFields))

local leased, sets, scores, reads, seen = {}, {}, {}, {}, {}
for i, id in ipairs(ids) do
  local m = metas[i]
  -- An id whose task is not pending (a stray left by an operator's edit)
  -- is dropped rather than leased twice. metas were all read before any
  -- write, so a second copy of an id in this batch still reads pending:
  -- seen drops it.
  local state, attempt, max, runat
  if m and not seen[id] then state, attempt, max, runat = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|') end
  seen[id] = true
  if state == 'pending' then
    local n = #leased + 1
    local meta = 'active|' .. (tonumber(attempt) + 1) .. '|' .. max .. '|' .. runat .. '|' ..
      ARGV[3] .. '|' .. ARGV[4] .. '.' .. n
    leased[n] = {id, meta}
    sets[#sets + 1], sets[#sets + 2] = metaFields[i], meta
    scores[#scores + 1], scores[#scores + 2] = ARGV[2], id
    reads[#reads + 1], reads[#reads + 2], reads[#reads + 3] = id, id .. '|error', id .. '|reason'
  end
end

local out = {}
if #leased > 0 then
  redis.call('HSET', tasks, unpack(sets))
  redis.call('ZADD', leases, unpack(scores))
  local vals = redis.call('HMGET', tasks, unpack(reads))
  for n, l in ipairs(leased) do
    out[n] = {l[1], vals[3 * n - 2], l[2], vals[3 * n - 1], vals[3 * n]}
  end
end

if #ids == want and redis.call('LLEN', pending) > 0 and redis.call('LLEN', wake) == 0 then
  redis.call('RPUSH', wake, '1')
end
return out
