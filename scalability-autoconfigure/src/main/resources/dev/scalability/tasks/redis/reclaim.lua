-- Gives back the tasks leased to a worker that never got them: a fetch whose reply did not
-- reach it (a timeout, a broken connection) leased them all the same. They go back to
-- ready with the try the fetch counted taken back, rather than wait out their lease and
-- count a try they never had.
--
-- KEYS[1] running   KEYS[2] ready   KEYS[3] the queue's submit counter
-- ARGV    task key prefix, worker, time offset in ms, then the ids the worker holds
-- returns how many went back

local prefix, worker = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])
local held = {}
for i = 4, #ARGV do held[ARGV[i]] = true end
local back = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = prefix .. id
  if not held[id] and redis.call('HGET', key, 'worker') == worker then
    redis.call('ZREM', KEYS[1], id)
    if redis.call('EXISTS', key) == 1 then
      local rank = tonumber(redis.call('HGET', key, 'rank')) or 2
      local order = redis.call('INCR', KEYS[3])
      redis.call('HINCRBY', key, 'attempts', -1)
      redis.call('HSET', key, 'state', 'WAITING', 'worker', '', 'updated', now)
      redis.call('ZADD', KEYS[2], rank * 1e13 + order, id)
      back = back + 1
    end
  end
end
return {back}
