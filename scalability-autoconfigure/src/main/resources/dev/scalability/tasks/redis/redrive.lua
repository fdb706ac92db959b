-- Puts dead letters back in their queue, ready, with their tries counted from zero.
--
-- KEYS[1] ready   KEYS[2] dead   KEYS[3] the queue's submit counter
-- ARGV    task key prefix, time offset in ms, then the ids, or nothing for every dead letter
-- returns how many went back

local prefix = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2])
local ids = {}
if #ARGV > 2 then
  for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
else
  ids = redis.call('ZRANGE', KEYS[2], 0, -1)
end
local moved = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', KEYS[2], id) == 1 and redis.call('EXISTS', prefix .. id) == 1 then
    local key = prefix .. id
    local rank = tonumber(redis.call('HGET', key, 'rank')) or 2
    local order = redis.call('INCR', KEYS[3])
    redis.call('ZADD', KEYS[1], rank * 1e13 + order, id)
    redis.call('HSET', key, 'state', 'WAITING', 'attempts', 0, 'updated', now)
    moved = moved + 1
  end
end
return moved
