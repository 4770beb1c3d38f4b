-- A page of a User's outbound items, oldest first, and, for a pull, its responses marked
-- delivered (responded -> delivered) in the same call: one round trip where a read and a mark took two.
-- KEYS[1]: the User's outbox (its partition routes the call; the User's requests share it).
-- ARGV: the first ID to read ('-' or '(<cursor>'), count, key prefix, partition tag, delivered-at
--       time in ms ('' to mark nothing).
-- Returns the entries' IDs and items, flat: id, item, id, item, ...
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
local base, at = ARGV[3] .. 'req:' .. ARGV[4] .. ':', ARGV[5]
local out = {}
for _, entry in ipairs(entries) do
  local item = entry[2][2]
  out[#out + 1] = entry[1]
  out[#out + 1] = item
  -- Responses are queued by respond-batch.lua and quarantine releases, both starting with kind and RequestID.
  local rid = at ~= '' and string.match(item, '^{"kind":"response","requestId":"([^"]+)"')
  if rid then
    local req = base .. rid
    if redis.call('HGET', req, 'state') == 'responded' then redis.call('HSET', req, 'state', 'delivered', 'deliveredAt', at) end
  end
end
return out
