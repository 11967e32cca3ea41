-- purge.lua: remove a bounded batch of a queue's dead letters, oldest
-- first, and forget their tasks. Callers run it again while it returns the
-- bound.
--
-- KEYS[1] dead   zset of dead task ids by failure time (unix ms)
-- KEYS[2] tasks  hash of every task field of the queue
-- ARGV[1] most dead letters to remove in this call
--
-- Returns how many it removed.
local dead, tasks = KEYS[1], KEYS[2]
local ids = redis.call('ZRANGE', dead, 0, tonumber(ARGV[1]) - 1)
for _, id in ipairs(ids) do
  redis.call('HDEL', tasks, id, id .. '|meta', id .. '|error', id .. '|reason')
  redis.call('ZREM', dead, id)
end
return #ids
