-- ack.lua: mark leased tasks succeeded, then forget succeeded tasks whose
-- retention has passed. One call acks a whole batch with a fixed number of
-- commands. Acking again with the same token succeeds.
--
-- KEYS[1] leases  zset of leased task ids by lease expiry (unix ms)
-- KEYS[2] done    list of succeeded task ids, in ack order
-- KEYS[3] tasks   hash of every task field of the queue
-- ARGV[1] now, unix ms
-- ARGV[2] retention cutoff, unix ms: tasks succeeded before it are forgotten
-- ARGV[3] most succeeded tasks to forget in this call
-- ARGV[4], ARGV[5], ... pairs of task id and lease token (at most 1000)
--
-- Returns one number per pair, in order: 1 when the task is succeeded
-- under that token; 0 when the token is not the task's current lease (the
-- lease was lost).
local leases, done, tasks = KEYS[1], KEYS[2], KEYS[3]
local now = ARGV[1]

-- sweep (scripts/lib/sweep.lua, prepended at load) forgets old successes.

local fields = {}
for i = 4, #ARGV, 2 do fields[#fields + 1] = ARGV[i] .. '|meta' end
local metas = redis.call('HMGET', tasks, unpack(fields))

-- metas were all read before any write, so a pair repeated in the batch
-- (an Ack retried while the first is still queued) still reads active:
-- acked marks it, so the task joins done once.
local out, sets, ids, acked = {}, {}, {}, {}
for n = 1, #fields do
  local id, token, m = ARGV[2 * n + 2], ARGV[2 * n + 3], metas[n]
  out[n] = 0
  if acked[id] then
    if acked[id] == token then out[n] = 1 end
  elseif m then
    -- meta is state|attempt|max|runat|updated|token.
    local state, attempt, max, runat, current = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|[^|]*|(.*)$')
    if current == token and state == 'succeeded' then
      out[n] = 1
    elseif current == token and state == 'active' then
      out[n] = 1
      sets[#sets + 1] = fields[n]
      sets[#sets + 1] = 'succeeded|' .. attempt .. '|' .. max .. '|' .. runat .. '|' .. now .. '|' .. token
      ids[#ids + 1] = id
      acked[id] = token
    end
  end
end

if #ids > 0 then
  redis.call('ZREM', leases, unpack(ids))
  redis.call('RPUSH', done, unpack(ids))
  redis.call('HSET', tasks, unpack(sets))
end

sweep(done, tasks, tonumber(ARGV[2]), tonumber(ARGV[3]))
return out
