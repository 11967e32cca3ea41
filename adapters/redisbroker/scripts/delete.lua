-- delete.lua: remove one dead letter and forget its task for good.
--
-- KEYS[1] dead   zset of dead task ids by failure time (unix ms)
-- KEYS[2] tasks  hash of every task field of the queue
-- ARGV[1] task id
--
-- Returns 1 when it was removed; 0 when the id is not a dead letter here.
local dead, tasks = KEYS[1], KEYS[2]
local id = ARGV[1]
if redis.call('ZREM', dead, id) == 0 then return 0 end
redis.call('HDEL', tasks, id, id .. '|meta', id .. '|error', id .. '|reason')
return 1
