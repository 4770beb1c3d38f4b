-- Counts one event in every counter of one scope, or in none (see count_window).
-- KEYS[1]: the first counter (it routes the call). ARGV: the number of counters n, their n hashes
-- (one per rule, all in one slot), then per rule, 5 each: limit, window floor, the event's bucket, span, TTL ms.
-- Returns {1, -1, count...} when counted, {0, breached rule (0-based), count...} when not.
local n = tonumber(ARGV[1])
local rules = {}
for i = 1, n do
  local base = n + 1 + (i - 1) * 5
  rules[i] = window_rule(ARGV[i + 1], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4], ARGV[base + 5])
end
local admitted, counts, breached = count_window(rules)
local out = { admitted and 1 or 0, admitted and -1 or breached }
for i = 1, #counts do out[#out + 1] = counts[i] end
return out
