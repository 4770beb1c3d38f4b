-- Reads the requests of claimed egress entries, for sending: an entry carries only its RequestID
-- and the record is kept once, in the request's hash. An entry whose request no longer waits for
-- its network (expired, answered or deleted meanwhile) is settled here: nothing to send.
-- KEYS[1]: a key of the first stream's partition: it routes the call (see accept-batch.lua).
-- ARGV: key prefix, egress group, then per stream: its partition tag, destination and number of
--       entries, then each entry's ID and RequestID.
-- Returns per entry, in order: its record for a request accepted (the usual case), its record
-- and state for one already forwarded (a redelivery), or 0 when settled. What a network needs is
-- all in the record; the request's progress fields are not read.
local prefix, group = ARGV[1], ARGV[2]
local out = {}
local i = 3
while i <= #ARGV do
  local tag, dest, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local stream = prefix .. 'egress:' .. tag .. ':' .. dest
  local base = prefix .. 'req:' .. tag .. ':'
  for j = i + 3, i + 1 + 2 * n, 2 do
    local id, rid = ARGV[j], ARGV[j + 1]
    local f = redis.call('HMGET', base .. rid, 'record', 'state')
    if f[1] and f[2] == 'accepted' then
      out[#out + 1] = f[1]
    elseif f[1] and f[2] == 'forwarded' then
      out[#out + 1] = f
    else
      redis.call('XACK', stream, group, id)
      redis.call('XDEL', stream, id)
      out[#out + 1] = 0
    end
  end
  i = i + 3 + 2 * n
end
return out
