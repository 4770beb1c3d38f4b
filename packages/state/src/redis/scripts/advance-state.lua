-- Moves a batch of requests from one state to the next, only those still in the first (e.g.
-- accepted -> forwarded, responded -> delivered), stamping when.
-- KEYS[1]: a key of the first request's partition (routes the call; see accept-batch.lua).
-- ARGV: key prefix, from state, to state, time field, at, then per request its partition tag and request ID.
for i = 6, #ARGV, 2 do
  local req = ARGV[1] .. 'req:' .. ARGV[i] .. ':' .. ARGV[i + 1]
  if redis.call('HGET', req, 'state') == ARGV[2] then
    redis.call('HSET', req, 'state', ARGV[3], ARGV[4], ARGV[5])
  end
end
return 1
