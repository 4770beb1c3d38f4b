-- Gives up a lease its owner holds (another owner's is left alone). KEYS: lease key. ARGV: owner.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
