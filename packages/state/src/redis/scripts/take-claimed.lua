-- A claimed egress entry's request, taken for sending (prepended to the scripts that claim): an
-- entry carries only its RequestID and the record is kept once, in the request's hash. A request
-- still accepted is marked forwarded here, in the claim's own call, so a claim costs one script
-- call, not a second to mark what it took; one already forwarded is a redelivery (its router died
-- or its network lost it). An entry whose request no longer waits for its network (expired,
-- answered or deleted meanwhile) is settled: nothing to send.
-- Appends the record to `out`, or 0 when settled. What a network needs is all in the record.
local function take_claimed(prefix, group, tag, dest, id, rid, now, out)
  local req = prefix .. 'req:' .. tag .. ':' .. rid
  local f = redis.call('HMGET', req, 'record', 'state')
  if f[1] and f[2] == 'accepted' then
    redis.call('HSET', req, 'state', 'forwarded', 'forwardedAt', now)
    out[#out + 1] = f[1]
  elseif f[1] and f[2] == 'forwarded' then
    out[#out + 1] = f[1]
  else
    local stream = prefix .. 'egress:' .. tag .. ':' .. dest
    redis.call('XACK', stream, group, id)
    redis.call('XDEL', stream, id)
    out[#out + 1] = 0
  end
end
