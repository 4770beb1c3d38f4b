-- Takes the requests of entries already claimed (a blocking read that found them, or entries
-- reclaimed from a consumer that died): see take_claimed.
-- KEYS[1]: a key of the first stream's partition: it routes the call (see accept-batch.lua).
-- ARGV: key prefix, egress group, forwarded-at time (ms), then per stream: its partition tag,
--       destination and number of entries, then each entry's ID and RequestID.
-- Returns per entry, in order: its record, or 0 when settled.
local prefix, group, now = ARGV[1], ARGV[2], ARGV[3]
local out = {}
local i = 4
while i <= #ARGV do
  local tag, dest, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  for j = i + 3, i + 1 + 2 * n, 2 do take_claimed(prefix, group, tag, dest, ARGV[j], ARGV[j + 1], now, out) end
  i = i + 3 + 2 * n
end
return out
