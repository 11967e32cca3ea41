-- expire.lua: apply dead-letter retention to one queue: first remove dead
-- letters that failed before the cutoff, then, once none is left too old,
-- the oldest beyond the size limit. Work is bounded per call; callers run it
-- again while a count reaches the bound.
--
-- KEYS[1] dead   zset of dead task ids by failure time (unix ms)
-- KEYS[2] tasks  hash of every task field of the queue
-- ARGV[1] age cutoff, unix ms; "" for no age limit
-- ARGV[2] most dead letters to keep; 0 for no size limit
-- ARGV[3] most dead letters to remove for each rule in this call
--
-- Returns {expired, trimmed}.
local dead, tasks = KEYS[1], KEYS[2]
local maxSize, limit = tonumber(ARGV[2]), tonumber(ARGV[3])

local function remove(ids)
  for _, id in ipairs(ids) do
    redis.call('HDEL', tasks, id, id .. '|meta', id .. '|error', id .. '|reason')
    redis.call('ZREM', dead, id)
  end
  return #ids
end

local expired, trimmed = 0, 0
if ARGV[1] ~= '' then
  expired = remove(redis.call('ZRANGEBYSCORE', dead, '-inf', '(' .. ARGV[1], 'LIMIT', 0, limit))
end
-- Trim only when the age rule is done, so each removal counts under the
-- rule that caused it.
if maxSize > 0 and expired < limit then
  local excess = redis.call('ZCARD', dead) - maxSize
  if excess > 0 then
    trimmed = remove(redis.call('ZRANGE', dead, 0, math.min(excess, limit) - 1))
  end
end
return {expired, trimmed}
