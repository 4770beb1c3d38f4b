-- Starts the redelivery delay again for requests a consumer's network still holds (sent, not
-- answered: a stalled network, a SMETS1 firmware activation), so they are not taken over and sent
-- again elsewhere while their holder lives. A lease (accept-batch.lua, reclaim-leases.lua) is
-- scored from now; a stream entry is claimed again by the same consumer (its idle time from now),
-- only while that consumer still has it: one another consumer has taken over is left to it.
-- KEYS[1]: a key of the first request's partition: it routes the call (see accept-batch.lua).
-- ARGV: key prefix, consumer group, consumer, now (ms), then per request its partition tag,
--       destination, RequestID and stream entry ID ('' for a lease).
local prefix, group, consumer, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
for i = 5, #ARGV, 4 do
  local tag, dest, rid, entry = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if entry == '' then
    redis.call('ZADD', prefix .. 'egresslease:' .. tag .. ':' .. dest, 'XX', now, rid)
  else
    local stream = prefix .. 'egress:' .. tag .. ':' .. dest
    -- A stream or group gone meanwhile (Redis lost its data) has nothing to renew: the rest go on.
    local pending = redis.pcall('XPENDING', stream, group, entry, entry, 1)
    if not pending.err and pending[1] and pending[1][2] == consumer then
      redis.call('XCLAIM', stream, group, consumer, 0, entry, 'JUSTID')
    end
  end
end
return 0
