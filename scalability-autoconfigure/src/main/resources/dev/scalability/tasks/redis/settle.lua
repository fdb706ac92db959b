-- Ends tries of tasks the worker still holds (their lease not lost), several in one call:
-- succeeded, kept for its status and idempotency key until the retention passes; failed
-- with tries left, delayed by its backoff; failed for the last time, a dead letter.
--
-- KEYS[1] running   KEYS[2] delayed   KEYS[3] dead
-- ARGV    task key prefix, idempotency key prefix, worker, completed retention in ms, dead
--         letters kept, time offset in ms, then per try: id, the lease of the try, outcome
--         ('ok', 'retry', 'dead', or 'back' for a try that did not run), backoff in ms,
--         error
-- returns per try 1 when settled, 0 when the worker no longer held that try of the task

local prefix, idem_prefix, worker = ARGV[1], ARGV[2], ARGV[3]
local retention, dead_kept = tonumber(ARGV[4]), tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[6])

local settled = {}
local died = false
for i = 7, #ARGV, 5 do
  local id, lease, outcome, backoff, err = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), ARGV[i + 4]
  local key = prefix .. id
  local held = redis.call('HMGET', key, 'worker', 'lease', 'idem')
  if held[1] ~= worker or held[2] ~= lease or redis.call('ZREM', KEYS[1], id) == 0 then
    settled[#settled + 1] = 0
  else
    if outcome == 'ok' then
      redis.call('HSET', key, 'state', 'SUCCEEDED', 'updated', now, 'payload', '')
      redis.call('PEXPIRE', key, retention)
      local idem = held[3]
      if idem and idem ~= '' then
        redis.call('PEXPIRE', idem_prefix .. idem, retention)
      end
    elseif outcome == 'back' then
      -- Fetched by an instance without its handler: given back, that try not counted.
      redis.call('HINCRBY', key, 'attempts', -1)
      redis.call('HSET', key, 'state', 'DELAYED', 'updated', now)
      redis.call('ZADD', KEYS[2], now + backoff, id)
    elseif outcome == 'retry' then
      redis.call('HSET', key, 'state', 'DELAYED', 'updated', now, 'error', err)
      redis.call('ZADD', KEYS[2], now + backoff, id)
    else
      redis.call('HSET', key, 'state', 'DEAD', 'updated', now, 'error', err)
      redis.call('ZADD', KEYS[3], now, id)
      died = true
    end
    settled[#settled + 1] = 1
  end
end
if died then
  while redis.call('ZCARD', KEYS[3]) > dead_kept do
    local oldest = redis.call('ZPOPMIN', KEYS[3])
    local idem = redis.call('HGET', prefix .. oldest[1], 'idem')
    if idem and idem ~= '' and redis.call('GET', idem_prefix .. idem) == oldest[1] then
      redis.call('DEL', idem_prefix .. idem)
    end
    redis.call('DEL', prefix .. oldest[1])
  end
end
return settled
