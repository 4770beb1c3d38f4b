-- Takes over requests handed to their network at acceptance (accept-batch.lua's leases) whose
-- response has not come within the redelivery delay (the router that had them died before
-- sending, or the network lost them): each is leased again from now and returned for sending;
-- one no longer waiting for its network (answered, expired, deleted) is settled.
-- KEYS[1]: a key of the first lease set's partition: it routes the call (see accept-batch.lua).
-- KEYS[2]: this call's mark (same partition), unique to the call: what it took, kept a while. Run
--          again (the client library sends a call again when its reply was lost), the call finds
--          its leases already renewed, and answers from the mark those still waiting instead of
--          nothing (which would leave them unsent for another redelivery delay).
-- ARGV: key prefix, now (ms), leased at or before (ms), at most this many per lease set, the
--       mark's lifetime ms, then per lease set its partition tag and destination.
-- Returns per request taken: its destination, RequestID and record.
local prefix, now, due, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out = {}
local function take_if_waiting(tag, dest, rid)
  local f = redis.call('HMGET', prefix .. 'req:' .. tag .. ':' .. rid, 'record', 'state')
  if f[1] and f[2] == 'forwarded' then
    out[#out + 1] = dest
    out[#out + 1] = rid
    out[#out + 1] = f[1]
    return true
  end
  return false
end
local taken = redis.call('GET', KEYS[2])
if taken then
  for tag, dest, rid in string.gmatch(taken, '(%S+) (%S+) (%S+)') do take_if_waiting(tag, dest, rid) end
  return out
end
local names = {}
for i = 6, #ARGV, 2 do
  local tag, dest = ARGV[i], ARGV[i + 1]
  local lease = prefix .. 'egresslease:' .. tag .. ':' .. dest
  for _, rid in ipairs(redis.call('ZRANGEBYSCORE', lease, '-inf', due, 'LIMIT', 0, max)) do
    if take_if_waiting(tag, dest, rid) then
      redis.call('ZADD', lease, now, rid)
      names[#names + 1] = tag .. ' ' .. dest .. ' ' .. rid
    else
      redis.call('ZREM', lease, rid)
    end
  end
end
if #names > 0 then redis.call('SET', KEYS[2], table.concat(names, ' '), 'PX', ARGV[5]) end
return out
