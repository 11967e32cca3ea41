-- enqueue.lua: store a batch of new tasks of one queue, each as pending or
-- scheduled, or report the task that already has its id. A fixed number of
-- commands serves the whole batch. Running it twice never stores a
-- duplicate; an id repeated within the batch is stored once, and its later
-- copies report the first.
--
-- KEYS[1] pending    list of ready task ids
-- KEYS[2] scheduled  zset of task ids by run-at (unix ms)
-- KEYS[3] tasks      hash of every task field of the queue
-- KEYS[4] wake       wake-up list (holds at most one token)
-- ARGV[1] now, unix ms, from the broker's clock
-- ARGV[2..] six values per task (at most 500 tasks): id, the task's
--           immutable data (encodeData's lines), attempt, max attempts,
--           run-at (unix ms, "0" when none), last error ("" for none)
--
-- Returns one entry per task, in order: {1, state} when the task was stored
-- (state "pending" or "scheduled"); {0, data, meta, error, reason} when a
-- task with its id exists, which is left unchanged.
local pending, scheduled, tasks, wake = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now = ARGV[1]
local n = (#ARGV - 1) / 6

local ids = {}
for i = 1, n do ids[i] = ARGV[6 * i - 4] end
local existing = redis.call('HMGET', tasks, unpack(ids))

local out, sets, ready, later, seen, dups = {}, {}, {}, {}, {}, {}
for i = 1, n do
  local b = 6 * i - 4
  local id, runat = ARGV[b], ARGV[b + 4]
  if existing[i] or seen[id] then
    dups[#dups + 1] = i
  else
    seen[id] = true
    local state = 'pending'
    if tonumber(runat) > tonumber(now) then
      state = 'scheduled'
      later[#later + 1], later[#later + 2] = runat, id
    else
      ready[#ready + 1] = id
    end
    -- meta is state|attempt|max|runat|updated|token.
    local k = #sets
    sets[k + 1], sets[k + 2] = id, ARGV[b + 1]
    sets[k + 3], sets[k + 4] = id .. '|meta', state .. '|' .. ARGV[b + 2] .. '|' .. ARGV[b + 3] .. '|' .. runat .. '|' .. now .. '|'
    if ARGV[b + 5] ~= '' then sets[k + 5], sets[k + 6] = id .. '|error', ARGV[b + 5] end
    out[i] = {1, state}
  end
end

if #sets > 0 then redis.call('HSET', tasks, unpack(sets)) end
if #later > 0 then redis.call('ZADD', scheduled, unpack(later)) end
if #ready > 0 then
  redis.call('RPUSH', pending, unpack(ready))
  if redis.call('LLEN', wake) == 0 then redis.call('RPUSH', wake, '1') end
end
for _, i in ipairs(dups) do
  local id = ARGV[6 * i - 4]
  out[i] = {0, unpack(redis.call('HMGET', tasks, id, id .. '|meta', id .. '|error', id .. '|reason'))}
end
return out
