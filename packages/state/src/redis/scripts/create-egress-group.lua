-- Creates a stream's egress consumer group (and the stream) unless it exists, reading from the
-- start so nothing queued earlier is missed. A script, not a bare XGROUP, so that a Redis Cluster
-- client routes it by its key (XGROUP's key follows a subcommand). Returns 1 if created, 0 if it existed.
-- KEYS[1]: the egress stream. ARGV[1]: the group.
local reply = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if type(reply) == 'table' and reply.err then
  if string.find(reply.err, 'BUSYGROUP') then return 0 end
  return reply
end
return 1
