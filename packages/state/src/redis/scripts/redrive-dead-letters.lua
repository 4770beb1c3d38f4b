-- Queues dead letters again at the end of their User's outbox, each once: a dead letter is
-- queued only by the call that removes it, so two redrives at once cannot both queue it.
-- KEYS: the User's dead-letter stream, the User's outbox stream, this call's mark (one slot: the
-- User's partition). The mark keeps the call's answer: run again (the client library sends a call
-- again when its reply was lost), the call finds its letters gone and answers as its first run did.
-- ARGV: the outbox's minimum ID (older items are trimmed), the mark's lifetime ms, then pairs of
-- dead letter ID and the item's JSON to queue. Returns the new cursor of each, or '' for one that was not there.
local answered = read_mark_list(KEYS[3])
if answered then return answered end
local out, newest = {}, nil
for i = 3, #ARGV, 2 do
  -- Queued before it is removed: a call stopped in between leaves the dead letter to redrive again.
  if #redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i]) == 1 then
    newest = redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[1], '*', 'item', ARGV[i + 1])
    redis.call('XDEL', KEYS[1], ARGV[i])
    out[#out + 1] = newest
  else
    out[#out + 1] = ''
  end
end
if newest then keep_stream(KEYS[2], newest, ARGV[1]) end
write_mark_list(KEYS[3], out, ARGV[2])
return out
