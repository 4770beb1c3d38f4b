-- Takes over requests handed to their network at acceptance (accept-batch.lua's leases) whose
-- response has not come within the redelivery delay (the router that had them died before
-- sending, or the network lost them): each is leased again from now and returned for sending;
-- one no longer waiting for its network (answered, expired, deleted) is settled.
-- KEYS[1]: a key of the first lease set's partition: it routes the call (see accept-batch.lua).
-- ARGV: key prefix, now (ms), leased at or before (ms), at most this many per lease set, then per
--       lease set its partition tag and destination.
-- Returns per request taken: its destination, RequestID and record.
local prefix, now, due, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out = {}
for i = 5, #ARGV, 2 do
  local tag, dest = ARGV[i], ARGV[i + 1]
  local lease = prefix .. 'egresslease:' .. tag .. ':' .. dest
  for _, rid in ipairs(redis.call('ZRANGEBYSCORE', lease, '-inf', due, 'LIMIT', 0, max)) do
    local f = redis.call('HMGET', prefix .. 'req:' .. tag .. ':' .. rid, 'record', 'state')
    if f[1] and f[2] == 'forwarded' then
      redis.call('ZADD', lease, now, rid)
      out[#out + 1] = dest
      out[#out + 1] = rid
      out[#out + 1] = f[1]
    else
      redis.call('ZREM', lease, rid)
    end
  end
end
return out
