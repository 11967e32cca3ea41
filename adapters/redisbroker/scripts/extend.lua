-- extend.lua: renew the leases, among those given, that are still current.
--
-- KEYS[1] leases  zset of leased task ids by lease expiry (unix ms)
-- KEYS[2] tasks   hash of every task field of the queue
-- ARGV[1] new lease expiry, unix ms
-- ARGV[2], ARGV[3], ... pairs of task id and lease token (at most 1000)
--
-- Returns the 1-based numbers of the pairs whose lease was renewed.
local leases, tasks = KEYS[1], KEYS[2]

local fields = {}
for i = 2, #ARGV, 2 do fields[#fields + 1] = ARGV[i] .. '|meta' end
local metas = redis.call('HMGET', tasks, unpack(fields))

local out, scores = {}, {}
for n = 1, #fields do
  local m = metas[n]
  if m then
    -- meta is state|attempt|max|runat|updated|token.
    local state, token = string.match(m, '^([^|]*)|[^|]*|[^|]*|[^|]*|[^|]*|(.*)$')
    if state == 'active' and token == ARGV[2 * n + 1] then
      out[#out + 1] = n
      scores[#scores + 1], scores[#scores + 2] = ARGV[1], ARGV[2 * n]
    end
  end
end
if #scores > 0 then redis.call('ZADD', leases, 'XX', unpack(scores)) end
return out
