-- lib/sweep.lua: shared by ack.lua and recover.lua, which get it prepended
-- when loaded (scripts.go). It touches only the done list and tasks hash
-- its caller passes, both declared in the caller's KEYS.
--
-- sweep forgets, oldest first, the succeeded tasks at the head of done
-- whose success time is before cutoff, at most limit (and 1000) of them.
-- done is in ack order, so it stops at the first task not old enough; a
-- task behind one acked by a clock running late waits for it.
local function sweep(done, tasks, cutoff, limit)
  local head = redis.call('LINDEX', done, 0)
  if not head then return end
  local m = redis.call('HGET', tasks, head .. '|meta')
  local updated = m and string.match(m, '^[^|]*|[^|]*|[^|]*|[^|]*|([^|]*)|')
  if updated and tonumber(updated) >= cutoff then return end

  local ids = redis.call('LRANGE', done, 0, math.min(limit, 1000) - 1)
  local fields = {}
  for i, id in ipairs(ids) do fields[i] = id .. '|meta' end
  local metas = redis.call('HMGET', tasks, unpack(fields))
  local taken = 0
  for i, id in ipairs(ids) do
    local state, at
    if metas[i] then state, at = string.match(metas[i], '^([^|]*)|[^|]*|[^|]*|[^|]*|([^|]*)|') end
    -- An entry whose task is gone or not succeeded (an operator's edit)
    -- is dropped without touching anything else.
    if state == 'succeeded' then
      if tonumber(at) >= cutoff then break end
      redis.call('HDEL', tasks, id, id .. '|meta', id .. '|error', id .. '|reason')
    end
    taken = i
  end
  if taken > 0 then redis.call('LTRIM', done, taken, -1) end
end
