-- Ends a try of a task the worker still holds (its lease not lost): succeeded, kept for
-- its status and idempotency key until the retention passes; failed with tries left,
-- delayed by its backoff; failed for the last time, a dead letter.
--
-- KEYS[1] running   KEYS[2] delayed   KEYS[3] dead
-- ARGV    task key prefix, idempotency key prefix, id, worker, outcome ('ok', 'retry' or
--         'dead'), backoff in ms, error, completed retention in ms, dead letters kept, time
--         offset in ms, the lease of the try
-- returns 1 when settled, 0 when the worker no longer held that try of the task

local prefix, idem_prefix, id, worker, outcome = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local backoff, err, retention, dead_kept = tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[10])
local key = prefix .. id

if redis.call('HGET', key, 'worker') ~= worker or redis.call('HGET', key, 'lease') ~= ARGV[11]
    or redis.call('ZREM', KEYS[1], id) == 0 then
  return 0
end
if outcome == 'ok' then
  redis.call('HSET', key, 'state', 'SUCCEEDED', 'updated', now, 'payload', '')
  redis.call('PEXPIRE', key, retention)
  local idem = redis.call('HGET', key, 'idem')
  if idem and idem ~= '' then
    redis.call('PEXPIRE', idem_prefix .. idem, retention)
  end
elseif outcome == 'retry' then
  redis.call('HSET', key, 'state', 'DELAYED', 'updated', now, 'error', err)
  redis.call('ZADD', KEYS[2], now + backoff, id)
else
  redis.call('HSET', key, 'state', 'DEAD', 'updated', now, 'error', err)
  redis.call('ZADD', KEYS[3], now, id)
  while redis.call('ZCARD', KEYS[3]) > dead_kept do
    local oldest = redis.call('ZPOPMIN', KEYS[3])
    local idem = redis.call('HGET', prefix .. oldest[1], 'idem')
    if idem and idem ~= '' and redis.call('GET', idem_prefix .. idem) == oldest[1] then
      redis.call('DEL', idem_prefix .. idem)
    end
    redis.call('DEL', prefix .. oldest[1])
  end
end
return 1
