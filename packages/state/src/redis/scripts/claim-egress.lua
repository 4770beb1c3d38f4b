-- Claims new egress entries for a consumer and takes their requests (see take_claimed), all in
-- one call: the XREADGROUP, the records and the mark as forwarded, where three round trips did it.
-- KEYS[1]: a key of the first stream's partition: it routes the call (see accept-batch.lua); on a
--          Redis Cluster a call reads one partition's streams (one slot), a single Redis any.
-- ARGV: key prefix, egress group, consumer, entries per stream at most, forwarded-at time (ms),
--       then per stream its partition tag and destination.
-- Returns per entry claimed: its destination, entry ID, RequestID and record (0 when settled).
local prefix, group, consumer, count, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local read = { 'XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS' }
local where = {}
for i = 6, #ARGV, 2 do
  local key = prefix .. 'egress:' .. ARGV[i] .. ':' .. ARGV[i + 1]
  where[key] = { ARGV[i], ARGV[i + 1] }
  read[#read + 1] = key
end
for _ = 6, #ARGV, 2 do read[#read + 1] = '>' end
local streams = redis.call(unpack(read))
local out = {}
if not streams then return out end
local records = {}
for _, stream in ipairs(streams) do
  local tag, dest = where[stream[1]][1], where[stream[1]][2]
  for _, entry in ipairs(stream[2]) do
    local id, rid = entry[1], entry[2][2]
    take_claimed(prefix, group, tag, dest, id, rid, now, records)
    out[#out + 1] = dest
    out[#out + 1] = id
    out[#out + 1] = rid
    out[#out + 1] = records[#records]
  end
end
return out
