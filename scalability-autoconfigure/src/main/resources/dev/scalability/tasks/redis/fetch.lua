-- Gives a worker the next tasks of its queue: first makes the delayed tasks that came due
-- ready, and the tasks whose lease ran out (their worker died) ready again, or dead
-- letters once they had all their tries; then takes the ready tasks of the highest
-- priority, oldest first, each leased to the worker and its try counted.
--
-- KEYS[1] ready   KEYS[2] delayed   KEYS[3] running (lease expiry)   KEYS[4] dead (failure time)
-- KEYS[5] the queue's submit counter
-- ARGV    task key prefix, worker, how many, lease in ms, default max attempts, time offset
--         in ms, dead letters kept, idempotency key prefix
-- returns {ms until a delayed task is due or a lease runs out (-1 for neither, or when a task
--         was taken), {id, type,
--         payload, rank, attempts, submitted, max attempts or '', lease}, ...} (the lease
--         numbers this try: settle and renew name it, so that they never touch a later try
--         of the same task)

local prefix, worker, count, lease = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local default_max, dead_kept, idem_prefix = tonumber(ARGV[5]), tonumber(ARGV[7]), ARGV[8]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[6])

local function ready(id)
  local rank = tonumber(redis.call('HGET', prefix .. id, 'rank')) or 2
  local order = redis.call('INCR', KEYS[5])
  redis.call('ZADD', KEYS[1], rank * 1e13 + order, id)
  redis.call('HSET', prefix .. id, 'state', 'WAITING', 'updated', now)
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', KEYS[2], id)
  if redis.call('EXISTS', prefix .. id) == 1 then
    ready(id)
  end
end

local died = false
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', KEYS[3], id)
  local key = prefix .. id
  if redis.call('EXISTS', key) == 1 then
    local attempts = tonumber(redis.call('HGET', key, 'attempts')) or 0
    local max = tonumber(redis.call('HGET', key, 'max')) or default_max
    if attempts >= max then
      redis.call('HSET', key, 'state', 'DEAD', 'updated', now, 'error',
        'lease expired after try ' .. attempts .. ': its worker likely died running it')
      redis.call('ZADD', KEYS[4], now, id)
      died = true
    else
      ready(id)
    end
  end
end
while died and redis.call('ZCARD', KEYS[4]) > dead_kept do
  local oldest = redis.call('ZPOPMIN', KEYS[4])
  local idem = redis.call('HGET', prefix .. oldest[1], 'idem')
  if idem and idem ~= '' and redis.call('GET', idem_prefix .. idem) == oldest[1] then
    redis.call('DEL', idem_prefix .. idem)
  end
  redis.call('DEL', prefix .. oldest[1])
end

local taken = {-1}
local popped = redis.call('ZRANGE', KEYS[1], 0, count - 1)
if #popped > 0 then
  redis.call('ZREM', KEYS[1], unpack(popped))
end
for _, id in ipairs(popped) do
  local key = prefix .. id
  local fields = redis.call('HMGET', key, 'type', 'payload', 'rank', 'submitted', 'max', 'attempts', 'lease')
  -- A task without a type has no record any more (expired or forgotten): nothing to run.
  if fields[1] then
    local attempts = (tonumber(fields[6]) or 0) + 1
    local lease_id = (tonumber(fields[7]) or 0) + 1
    redis.call('HSET', key, 'attempts', attempts, 'lease', lease_id, 'state', 'RUNNING', 'worker', worker,
      'updated', now)
    redis.call('ZADD', KEYS[3], now + lease, id)
    taken[#taken + 1] = {id, fields[1], fields[2], fields[3], attempts, fields[4], fields[5], tostring(lease_id)}
  end
end
-- Only a worker that found nothing waits, and needs to know for how long.
local next_due = nil
for _, set in ipairs((#taken == 1) and {KEYS[2], KEYS[3]} or {}) do
  local first = redis.call('ZRANGE', set, 0, 0, 'WITHSCORES')
  if first[2] then
    local due = tonumber(first[2])
    if next_due == nil or due < next_due then
      next_due = due
    end
  end
end
if next_due then
  taken[1] = math.max(0, next_due - now)
end
return taken
