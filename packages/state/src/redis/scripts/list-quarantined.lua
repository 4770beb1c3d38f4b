-- One partition's quarantined requests, soonest expiry first (ties by RequestID), after a position.
-- KEYS: the partition's quarantine expiry zset (member RequestID, score expiry).
-- ARGV: after score ('' from the start), after RequestID, RequestID prefix ('' for every User's),
--       how many to give, how many entries to look at at most (bounds the script's time when a
--       prefix matches few of them).
-- Returns { found..., pairs of RequestID and score }, preceded by the position looked at last
-- ('' when the zset was read to its end): where to go on when fewer were found than asked.
local limit, budget = tonumber(ARGV[4]), tonumber(ARGV[5])
local prefix = ARGV[3]
local found, looked = {}, 0
local lastMember, lastScore = '', ''
local offset = 0
local min = ARGV[1] == '' and '-inf' or ARGV[1]
while true do
  local chunk = redis.call('ZRANGEBYSCORE', KEYS[1], min, '+inf', 'WITHSCORES', 'LIMIT', offset, 256)
  if #chunk == 0 then return { '', '', unpack(found) } end
  for i = 1, #chunk, 2 do
    local member, score = chunk[i], chunk[i + 1]
    looked = looked + 1
    lastMember, lastScore = member, score
    local past = ARGV[1] == '' or tonumber(score) > tonumber(ARGV[1]) or member > ARGV[2]
    if past and (prefix == '' or string.sub(member, 1, #prefix) == prefix) then
      table.insert(found, member)
      table.insert(found, score)
      if #found >= 2 * limit then return { lastScore, lastMember, unpack(found) } end
    end
    if looked >= budget then return { lastScore, lastMember, unpack(found) } end
  end
  offset = offset + 256
end
