-- Gives a dead letter back to its group alone: copies it to the group's redrive stream,
-- which only that group reads, and deletes it from the dead letters, if it is still there
-- and the group still exists. A group that is gone (destroyed, renamed) would never read
-- its redrive stream: its dead letter stays, rather than vanish unhandled.
--
-- KEYS[1]  the topic's dead letters
-- KEYS[2]  the group's redrive stream
-- KEYS[3]  the topic's stream
-- ARGV     the dead letter's entry id, the group
-- returns  {1} when given back, {0} when it was gone, {-1} when the group is gone

local function groupExists(stream, wanted)
  if redis.call('EXISTS', stream) == 0 then
    return false
  end
  for _, group in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    for i = 1, #group, 2 do
      if group[i] == 'name' and group[i + 1] == wanted then
        return true
      end
    end
  end
  return false
end

local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entry == 0 then
  return {0}
end
if not groupExists(KEYS[3], ARGV[2]) then
  return {-1}
end
local args = {KEYS[2], '*'}
for _, value in ipairs(entry[1][2]) do
  args[#args + 1] = value
end
redis.call('XADD', unpack(args))
redis.call('XDEL', KEYS[1], ARGV[1])
return {1}
