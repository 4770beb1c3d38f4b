-- Queues dead letters again at the end of their User's outbox, each once: a dead letter is
-- queued only by the call that removes it, so two redrives at once cannot both queue it.
-- KEYS: the User's dead-letter stream, the User's outbox stream (one slot: the User's partition).
-- ARGV: the outbox's minimum ID (older items are trimmed), then pairs of dead letter ID and the
-- item's JSON to queue. Returns the new cursor of each, or '' for one that was not there.
local out = {}
for i = 2, #ARGV, 2 do
  if redis.call('XDEL', KEYS[1], ARGV[i]) == 1 then
    table.insert(out, redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[1], '*', 'item', ARGV[i + 1]))
  else
    table.insert(out, '')
  end
end
return out
