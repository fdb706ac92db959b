-- A topic as it is: its entries, latest id, dead letters and groups with what they hold.
--
-- KEYS[1]  the stream
-- KEYS[2]  the topic's dead letters
-- ARGV     entries counted at most when Redis cannot say a group's lag
-- returns  {entries, latest id or '', dead letters, {{group, pending, lag}, ...}}

local dead = redis.call('XLEN', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0, '', dead, {}}
end
local length = redis.call('XLEN', KEYS[1])
local latest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local groups = {}
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local name, pending, last, lag
  for i = 1, #group, 2 do
    if group[i] == 'name' then
      name = group[i + 1]
    elseif group[i] == 'pending' then
      pending = group[i + 1]
    elseif group[i] == 'last-delivered-id' then
      last = group[i + 1]
    elseif group[i] == 'lag' then
      lag = group[i + 1]
    end
  end
  if not lag then
    -- Redis cannot tell after a replay moved the group or entries were deleted: count.
    lag = #redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', ARGV[1])
  end
  groups[#groups + 1] = {name, pending, lag}
end
return {length, latest[1] and latest[1][1] or '', dead, groups}
