-- Writes SMETS1 installations whole and moves them in their indexes, atomically each: per
-- supplier the count per group (a signature, or '+enrolled') and a sorted set per group scored by
-- when that supplier's enrolment deadline can start counting (the enrolment report's range read;
-- as supplierStartsAt in @dccrouter/domain: the later of the supplier's acquisition and the
-- installation's eligibleFrom; one stored without `acquiredAtBy` uses its latest acquisition for each).
-- KEYS[1]: the key prefix including the '{inst}' tag: named as a key so that, in a cluster, the
-- call goes to the one slot every installation key is in.
-- ARGV: per installation, id, JSON ('' deletes it), and what its writer read: '*' whatever is
--       stored (a plain write), '0' none, else '1' followed by the JSON it read; one stored
--       otherwise is left as it is (another writer changed it meanwhile).
-- Returns the IDs left so, for their writers to read and change again.
local p = KEYS[1]
local ENROLLED = '+enrolled'

local function groupOf(installation)
  if installation.enrolledAt ~= nil and installation.enrolledAt ~= cjson.null then return ENROLLED end
  return installation.signature
end

local function count(key, field, by)
  if redis.call('HINCRBY', key, field, by) <= 0 then redis.call('HDEL', key, field) end
end

local function reindex(id, installation, by)
  local group = groupOf(installation)
  for _, supplier in ipairs(installation.suppliers) do
    local members = p .. 'sup:' .. supplier .. ':' .. group
    if by > 0 then
      local by_supplier = installation.acquiredAtBy
      local at
      if by_supplier ~= nil and by_supplier ~= cjson.null then at = by_supplier[supplier] else at = installation.acquiredAt end
      if at == nil or at == cjson.null then at = 0 end
      local from = installation.eligibleFrom
      if from ~= nil and from ~= cjson.null and from > at then at = from end
      redis.call('ZADD', members, at, id)
    else
      redis.call('ZREM', members, id)
    end
    count(p .. 'supgroups:' .. supplier, group, by)
  end
end

-- Whether `old` (GET's answer: false when none) is still what the writer read.
local function as_read(old, read)
  if read == '*' then return true end
  if read == '0' then return not old end
  return old and '1' .. old == read
end

local changed = {}
for i = 1, #ARGV, 3 do
  local id, json, read = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = p .. 'rec:' .. id
  local old = redis.call('GET', key)
  if not as_read(old, read) then
    changed[#changed + 1] = id
  else
    if old then reindex(id, cjson.decode(old), -1) end
    if json == '' then
      redis.call('DEL', key)
    else
      redis.call('SET', key, json)
      reindex(id, cjson.decode(json), 1)
    end
  end
end
return changed
