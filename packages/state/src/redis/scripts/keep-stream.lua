-- A stream read from a floor (an outbox, a User's dead letters: their readers skip entries older
-- than the retention, and entries are trimmed only as new ones are added) is kept as long as its
-- newest entry stays above that floor, then goes whole: a User gone quiet leaves nothing behind.
-- `floor` is the MINID its append trimmed to (now less the retention, by the caller's clock, as
-- its readers reckon it). Shared by the scripts that append to one (prepended when loaded).
local function keep_stream(stream, newest_id, floor)
  redis.call('PEXPIRE', stream, math.max(tonumber(string.match(newest_id, '^%d+')) - floor, 1))
end
