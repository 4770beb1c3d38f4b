-- A setting written only if it still holds what its writer read: read-modify-write of a shared
-- table (the CPL, the policy tables, ...) without losing another instance's change made meanwhile.
-- KEYS[1]: the setting. ARGV[1]: '1' when the writer read a value, '0' when it read none;
-- ARGV[2]: the value it read; ARGV[3]: the new value. Answers 1 when written, 0 when it changed.
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
