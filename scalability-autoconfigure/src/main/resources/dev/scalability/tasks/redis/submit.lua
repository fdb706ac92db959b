-- Stores tasks of one queue, several in one call: each ready at once by priority, or
-- delayed; or, when its idempotency key is known, counts a duplicate submit of the task
-- that has it.
--
-- KEYS[1] ready (sorted set: priority, then submit order)   KEYS[2] delayed (due time)
-- KEYS[3] the queue's submit counter
-- ARGV    task key prefix, idempotency key prefix, time offset in ms, the queue's wake-up
--         channel (told when the queue was empty, or of a delayed task due before any
--         other: idle workers wait for it), then per task: id, type, payload, priority
--         rank, max attempts or '', delay in ms, idempotency key or ''
-- returns per task {id, 1 when stored now or 0 when the key's task was returned}

local prefix, idem_prefix, channel = ARGV[1], ARGV[2], ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])

local replies = {}
local wake = false
for i = 5, #ARGV, 7 do
  local id, kind, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local rank, max_attempts, delay, idem = tonumber(ARGV[i + 3]), ARGV[i + 4], tonumber(ARGV[i + 5]), ARGV[i + 6]
  local earlier = nil
  if idem ~= '' then
    earlier = redis.call('GET', idem_prefix .. idem)
    if earlier and redis.call('EXISTS', prefix .. earlier) == 0 then
      earlier = nil
    end
  end
  if earlier then
    redis.call('HINCRBY', prefix .. earlier, 'duplicates', 1)
    replies[#replies + 1] = earlier
    replies[#replies + 1] = 0
  else
    if idem ~= '' then
      redis.call('SET', idem_prefix .. idem, id)
    end
    local state = 'WAITING'
    if delay > 0 then
      state = 'DELAYED'
      redis.call('ZADD', KEYS[2], now + delay, id)
      if not wake and redis.call('ZRANGE', KEYS[2], 0, 0)[1] == id then
        wake = true
      end
    else
      local order = redis.call('INCR', KEYS[3])
      redis.call('ZADD', KEYS[1], rank * 1e13 + order, id)
      if not wake and redis.call('ZCARD', KEYS[1]) == 1 then
        wake = true
      end
    end
    redis.call('HSET', prefix .. id, 'type', kind, 'payload', payload, 'rank', rank, 'max', max_attempts,
      'state', state, 'attempts', 0, 'submitted', now, 'updated', now, 'idem', idem, 'duplicates', 0)
    replies[#replies + 1] = id
    replies[#replies + 1] = 1
  end
end
if wake then
  redis.call('PUBLISH', channel, '1')
end
return replies
