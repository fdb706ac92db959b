-- Gives a dead letter back to its group alone: copies it to the group's redrive stream,
-- which only that group reads, and deletes it from the dead letters, if it is still there.
--
-- KEYS[1]  the topic's dead letters
-- KEYS[2]  the group's redrive stream
-- ARGV     the dead letter's entry id
-- returns  {1} when given back, {0} when it was gone

local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entry == 0 then
  return {0}
end
local args = {KEYS[2], '*'}
for _, value in ipairs(entry[1][2]) do
  args[#args + 1] = value
end
redis.call('XADD', unpack(args))
redis.call('XDEL', KEYS[1], ARGV[1])
return {1}
