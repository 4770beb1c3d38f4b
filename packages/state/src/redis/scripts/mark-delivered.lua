-- responded -> delivered for a batch of requests (webhook 2xx or read by pull).
-- KEYS[1]: a key of the first request's partition (routes the call; see accept-batch.lua).
-- ARGV: key prefix, at, then per request its partition tag and request ID.
for i = 3, #ARGV, 2 do
  local req = ARGV[1] .. 'req:' .. ARGV[i] .. ':' .. ARGV[i + 1]
  if redis.call('HGET', req, 'state') == 'responded' then
    redis.call('HSET', req, 'state', 'delivered', 'deliveredAt', ARGV[2])
  end
end
return 1
