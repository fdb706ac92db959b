-- Stores a task: ready at once by priority, or delayed; or, when its idempotency key is
-- known, counts a duplicate submit of the task that has it.
--
-- KEYS[1] ready (sorted set: priority, then submit order)   KEYS[2] delayed (due time)
-- KEYS[3] the queue's submit counter
-- ARGV    task key prefix, idempotency key prefix, id, type, payload, priority rank,
--         max attempts or '', delay in ms, idempotency key or '', time offset in ms, the
--         queue's wake-up channel (told when the queue was empty, or of a delayed task due
--         before any other: idle workers wait for it)
-- returns {id, 1 when stored now or 0 when the key's task was returned}

local prefix, idem_prefix, id, kind, payload = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local rank, max_attempts, delay, idem = tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8]), ARGV[9]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[10])

if idem ~= '' then
  local earlier = redis.call('GET', idem_prefix .. idem)
  if earlier and redis.call('EXISTS', prefix .. earlier) == 1 then
    redis.call('HINCRBY', prefix .. earlier, 'duplicates', 1)
    return {earlier, 0}
  end
  redis.call('SET', idem_prefix .. idem, id)
end

local state = 'WAITING'
if delay > 0 then
  state = 'DELAYED'
  redis.call('ZADD', KEYS[2], now + delay, id)
  if redis.call('ZRANGE', KEYS[2], 0, 0)[1] == id then
    redis.call('PUBLISH', ARGV[11], '1')
  end
else
  local order = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[1], rank * 1e13 + order, id)
  if redis.call('ZCARD', KEYS[1]) == 1 then
    redis.call('PUBLISH', ARGV[11], '1')
  end
end
redis.call('HSET', prefix .. id, 'type', kind, 'payload', payload, 'rank', rank, 'max', max_attempts,
  'state', state, 'attempts', 0, 'submitted', now, 'updated', now, 'idem', idem, 'duplicates', 0)
return {id, 1}
