-- accepted -> forwarded for a batch of one partition's requests (only from accepted).
-- KEYS[1]: any key of the partition (routes the call). ARGV: key prefix, partition tag, at, request IDs...
for i = 4, #ARGV do
  local req = ARGV[1] .. 'req:' .. ARGV[2] .. ':' .. ARGV[i]
  if redis.call('HGET', req, 'state') == 'accepted' then
    redis.call('HSET', req, 'state', 'forwarded', 'forwardedAt', ARGV[3])
  end
end
return 1
