-- Marking a partition's bulk TRT indexes (per class and destination, `trt:{p}:<class>:<dest>`,
-- listed in `trtkeys:{p}`): a mark on the partition, `trtmarked:{p}`, moved to now, not a write per
-- request (see claim-breaches.lua). Prepended to the scripts that mark: claim-breaches.lua, and
-- mark-breaches.lua, which only marks, so that a backlog of alerts never delays a mark.

-- The partition's bulk indexes (members of trtkeys) with a deadline due by now.
local function due_bulk_indexes(trtkeys, index_base, now)
  local due = {}
  for _, member in ipairs(redis.call('SMEMBERS', trtkeys)) do
    if redis.call('ZCOUNT', index_base .. member, '-inf', now) > 0 then due[#due + 1] = member end
  end
  return due
end

-- Marks the indexes' deadlines after the last mark up to now, and counts them by lag: one group
-- { class, destination, { how many with lag up to each bound, all } } per index with any. A mark
-- never moves back, so each deadline is counted by exactly one call. ARGV[bounds_at] on are the
-- lag bounds in ms, ascending.
local function mark_bulk_indexes(mark_key, index_base, members, now, bounds_at)
  local marked = {}
  local last = redis.call('GET', mark_key)
  if last and tonumber(last) >= tonumber(now) then return marked end
  redis.call('SET', mark_key, now)
  local after = last and '(' .. last or '-inf'
  -- Lags run to this moment, when they are marked (Redis's clock; the caller's now if later).
  local time = redis.call('TIME')
  local marked_at = math.max(tonumber(now), tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
  for _, member in ipairs(members) do
    local index = index_base .. member
    local total = redis.call('ZCOUNT', index, after, now)
    if total > 0 then
      local counts = {}
      for b = bounds_at, #ARGV do
        -- Lag up to the bound: a deadline from marked_at - bound on.
        local from = marked_at - tonumber(ARGV[b])
        counts[#counts + 1] = (last and from <= tonumber(last)) and total or redis.call('ZCOUNT', index, from, now)
      end
      counts[#counts + 1] = total
      local class, dest = string.match(member, '^([^:]*):(.*)$')
      marked[#marked + 1] = { class, dest, counts }
    end
  end
  return marked
end
