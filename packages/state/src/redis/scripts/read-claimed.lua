-- Reads the requests of claimed egress entries, for sending: an entry carries only its RequestID
-- and the record is kept once, in the request's hash. An entry whose request no longer waits for
-- its network (expired, answered or deleted meanwhile) is settled here: nothing to send.
-- KEYS[1]: a key of the first stream's partition: it routes the call (see accept-batch.lua).
-- ARGV: key prefix, egress group, then per stream: its partition tag, destination and number of
--       entries, then each entry's ID and RequestID.
-- Returns per entry, in order: the record alone for a request accepted and no more (the usual
-- case), the fields named in READ_FIELDS (redis/index.ts) for any other, or 0 when settled.
local prefix, group = ARGV[1], ARGV[2]
local out = {}
local i = 3
while i <= #ARGV do
  local tag, dest, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local stream = prefix .. 'egress:' .. tag .. ':' .. dest
  local base = prefix .. 'req:' .. tag .. ':'
  for j = i + 3, i + 1 + 2 * n, 2 do
    local id, rid = ARGV[j], ARGV[j + 1]
    local f = redis.call('HMGET', base .. rid, 'record', 'state', 'trt', 'releasedAt', 'forwardedAt', 'breached', 'overdue')
    if not f[1] or (f[2] ~= 'accepted' and f[2] ~= 'forwarded') then
      redis.call('XACK', stream, group, id)
      redis.call('XDEL', stream, id)
      out[#out + 1] = 0
    elseif f[2] == 'accepted' and not (f[3] or f[4] or f[5] or f[6] or f[7]) then
      out[#out + 1] = f[1]
    else
      out[#out + 1] = f
    end
  end
  i = i + 3 + 2 * n
end
return out
