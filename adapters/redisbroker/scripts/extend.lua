-- extend.lua: renew the leases, among those given, that are still current.
--
-- KEYS[1] leases  zset of leased task ids by lease expiry (unix ms)
-- KEYS[2] tasks   hash of every task field of the queue
-- ARGV[1] new lease expiry, unix ms
-- ARGV[2], ARGV[3], ... pairs of task id and lease token
--
-- Returns the 1-based numbers of the pairs whose lease was renewed.
local leases, tasks = KEYS[1], KEYS[2]
local out = {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local state, token = unpack(redis.call('HMGET', tasks, id .. '|state', id .. '|token'))
  if state == 'active' and token == ARGV[i + 1] then
    redis.call('ZADD', leases, 'XX', ARGV[1], id)
    out[#out + 1] = i / 2
  end
end
return out
