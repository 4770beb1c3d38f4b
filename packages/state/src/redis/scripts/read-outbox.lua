-- A page of a User's outbound items, oldest first, and, for a pull, its responses marked
-- delivered (responded -> delivered) in the same call: one round trip where a read and a mark took two.
-- An entry holds one item ('item': its JSON) or a deadline scan's TRT alerts for the User ('trt':
-- RequestID and deadline pairs, space separated; see claim-breaches.lua), which count as that many
-- items towards the page's size: RedisOutbox.readOutbox expands them by the same count.
-- KEYS[1]: the User's outbox (its partition routes the call; the User's requests share it).
-- ARGV: the first ID to read ('-', '(<cursor>', or '<id>' to go on inside that entry), page size
--       in items, key prefix, partition tag, delivered-at time in ms ('' to mark nothing), items of
--       entry <id> already read.
-- Returns the entries it reaches, flat: id, field, value, id, field, value, ...
-- From inside an entry, one entry more: the first may have nothing left.
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', tonumber(ARGV[2]) + (ARGV[6] ~= '0' and 1 or 0))
local base, at = ARGV[3] .. 'req:' .. ARGV[4] .. ':', ARGV[5]
local left, skip_in = tonumber(ARGV[2]), ARGV[1]
local out = {}
for _, entry in ipairs(entries) do
  if left <= 0 then break end
  local name, value = entry[2][1], entry[2][2]
  out[#out + 1] = entry[1]
  out[#out + 1] = name
  out[#out + 1] = value
  if name == 'trt' then
    local _, spaces = string.gsub(value, ' ', '')
    local count = (spaces + 1) / 2
    if entry[1] == skip_in then count = math.max(0, count - tonumber(ARGV[6])) end
    left = left - count
  else
    left = left - 1
    -- Responses are queued by respond-batch.lua and quarantine releases, both starting with kind and RequestID.
    local rid = at ~= '' and string.match(value, '^{"kind":"response","requestId":"([^"]+)"')
    if rid then
      local req = base .. rid
      if redis.call('HGET', req, 'state') == 'responded' then redis.call('HSET', req, 'state', 'delivered', 'deliveredAt', at) end
    end
  end
end
return out
