-- Reads the requests of claimed egress entries, for sending: an entry carries only its RequestID
-- and the record is kept once, in the request's hash. An entry whose request no longer waits for
-- its network (expired, answered or deleted meanwhile) is settled here: nothing to send.
-- KEYS[1]: a key of the first entry's partition: it routes the call (see accept-batch.lua).
-- ARGV: key prefix, egress group, then per entry: its partition tag, destination, entry ID and RequestID.
-- Returns per entry the request's fields named in READ_FIELDS (redis/index.ts), or 0 when settled.
local prefix, group = ARGV[1], ARGV[2]
local out = {}
for i = 3, #ARGV, 4 do
  local tag, dest, id, rid = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local f = redis.call('HMGET', prefix .. 'req:' .. tag .. ':' .. rid, 'record', 'state', 'trt', 'releasedAt', 'forwardedAt', 'breached', 'overdue')
  if f[1] and (f[2] == 'accepted' or f[2] == 'forwarded') then
    out[#out + 1] = f
  else
    local stream = prefix .. 'egress:' .. tag .. ':' .. dest
    redis.call('XACK', stream, group, id)
    redis.call('XDEL', stream, id)
    out[#out + 1] = 0
  end
end
return out
