-- Extends the leases of the tasks a worker still holds.
--
-- KEYS[1] running
-- ARGV    task key prefix, worker, lease in ms, time offset in ms, then pairs of id and lease
-- returns the ids the worker no longer holds

local prefix, worker, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[4])
local lost = {}
for i = 5, #ARGV, 2 do
  local id, lease_id = ARGV[i], ARGV[i + 1]
  if redis.call('HGET', prefix .. id, 'worker') == worker and redis.call('HGET', prefix .. id, 'lease') == lease_id
      and redis.call('ZSCORE', KEYS[1], id) then
    -- Removed and added again rather than updated: a removal is a write Redis allows when
    -- its memory is full, and after it the script may go on, so that a full Redis (which
    -- refuses submits) never costs a running task its lease.
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[1], now + lease, id)
  else
    lost[#lost + 1] = id
  end
end
return lost
