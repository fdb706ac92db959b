-- One rate-limit decision, in one round trip. Mirrors KeyStateMath (the memory backend)
-- line for line; times are microseconds of the Redis server's clock (TIME), so that every
-- instance of the application sees the same time.
--
-- KEYS[1]  the state of one key of one rule: comma-separated integers, empty = unset:
--          three slots per limit ([tat] or [window, current, previous]), then the penalty
--          [violations, violation window, blocked until, level]; a single token bucket
--          without penalty keeps just its tat
-- ARGV     mode (1 acquire, 2 check, 3 refund, 4 lease, 5 give a lease back; plus 10: the
--          server is out of memory, so decide on existing keys only and answer {-1} for a
--          new one), permits, the time
--          to use instead of TIME (empty in production; tests pass their own clock), then
--          either
--          'b', emission interval, tolerance          (a single token bucket, no penalty)
--          and for a lease its lifetime and whether the request asking for it takes its
--          one permit exactly when the lease does not fit (1/0); for giving a lease back
--          the state it left (a fixed window's lease for a request: the same arguments
--          as an acquire, and 1 in its place)
--          or algorithm (1 token bucket, 2 sliding window, 3 fixed window), penalty after
--          (0 = none), penalty block, penalty max block, longest window, then limit,
--          window, burst, emission interval for each limit
-- returns  {allowed (1/0), binding limit (0-based), remaining, time until more permits
--          are available (the RateLimit header's t), retry after}, and for a lease the
--          state it left
--
-- A lease of a token bucket hands permits out to be used up to its lifetime later. The
-- bucket holds them as used at the lease's end, not at its start: its state moves on
-- from no earlier than the lease's end, so that in any span of time the permits used by
-- all instances, leased or not, stay within capacity + rate x span, as with exact
-- decisions.
-- A lease still needs its permits now. Unused permits go back only while nothing else
-- has changed the bucket since the lease: later decisions were taken on the state the
-- lease left.
--
-- A state written at a later time (the server's clock stepped back: NTP, a failover to a
-- server whose clock is behind) is pulled into the present, never reset: a bucket ahead
-- by more than its capacity is empty, a window counted later is the current one, a block
-- longer than the longest ends after the longest.
--
-- Redis runs scripts one at a time, so every instruction here is paid by every client of
-- the server: the default rule shape takes a short path first, with no parsing at all.

local now = tonumber(ARGV[3])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local mode = tonumber(ARGV[1])
local permits = tonumber(ARGV[2])

if mode > 10 then
  mode = mode - 10
  if redis.call('EXISTS', KEYS[1]) == 0 then
    if mode == 3 or mode == 5 then return {1, 0, 0, 0, 0} end
    return {-1}
  end
end

if ARGV[4] == 'b' then
  local interval = tonumber(ARGV[5])
  local tolerance = tonumber(ARGV[6])
  local stored = tonumber(redis.call('GET', KEYS[1]))
  local present = stored
  if present and present > now + tolerance then present = now + tolerance end
  if mode == 3 then
    if present and present > now then
      local refunded = present - permits * interval
      if refunded < now then refunded = now end
      redis.call('SET', KEYS[1], string.format('%.0f', refunded), 'PX', math.ceil((refunded - now) / 1000) + 1)
    end
    return {1, 0, 0, 0, 0}
  end
  if mode == 5 then
    if stored and present == stored and stored == tonumber(ARGV[7]) and stored > now then
      local refunded = stored - permits * interval
      if refunded < now then refunded = now end
      redis.call('SET', KEYS[1], string.format('%.0f', refunded), 'PX', math.ceil((refunded - now) / 1000) + 1)
      return {1, 0, 0, 0, 0}
    end
    return {0, 0, 0, 0, 0}
  end
  local tat = present
  if not tat or tat < now then tat = now end
  if mode == 4 then
    local from = now + tonumber(ARGV[7])
    if present and present > from then from = present end
    local leased_tat = from + permits * interval
    if leased_tat - now <= tolerance then
      local state = string.format('%.0f', leased_tat)
      redis.call('SET', KEYS[1], state, 'PX', math.ceil((leased_tat - now) / 1000))
      local remaining = math.floor((tolerance - (leased_tat - now)) / interval)
      return {1, 0, remaining, (remaining + 1) * interval - tolerance + (leased_tat - now), 0, tonumber(state)}
    end
    -- The lease does not fit: the request that asked for it gets its one permit as an
    -- exact decision would, in this same call; a refill gets what one permit would.
    permits = 1
    if ARGV[8] == '1' then mode = 1 else mode = 2 end
  end
  local new_tat = tat + permits * interval
  if mode == 2 and ARGV[8] == '0' and new_tat - now <= tolerance then
    local available = math.floor((tolerance - (tat - now)) / interval)
    return {0, 0, available, 0, 0}
  end
  if new_tat - now > tolerance then
    if present ~= stored then
      redis.call('SET', KEYS[1], string.format('%.0f', present), 'PX', math.ceil((present - now) / 1000))
    end
    local available = math.floor((tolerance - (tat - now)) / interval)
    if available < 0 then available = 0 end
    local reset = 0
    if tat > now then reset = (available + 1) * interval - tolerance + (tat - now) end
    return {0, 0, available, reset, new_tat - now - tolerance}
  end
  if mode ~= 2 then
    redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
  end
  local remaining = math.floor((tolerance - (new_tat - now)) / interval)
  return {1, 0, remaining, (remaining + 1) * interval - tolerance + (new_tat - now), 0}
end

local algorithm = tonumber(ARGV[4])
local penalty_after = tonumber(ARGV[5])
local penalty_block = tonumber(ARGV[6])
local penalty_max = tonumber(ARGV[7])
local longest = tonumber(ARGV[8])
local limits = (#ARGV - 8) / 4
local penalty_base = limits * 3
local size = penalty_base + 4

local state = {}
local raw = redis.call('GET', KEYS[1])
if raw then
  local i = 0
  for value in string.gmatch(raw .. ',', '([^,]*),') do
    i = i + 1
    state[i] = tonumber(value)
  end
end

local pulled = false
for l = 0, limits - 1 do
  local stored = state[l * 3 + 1]
  if stored then
    local present
    if algorithm == 1 then
      present = now + tonumber(ARGV[12 + l * 4]) * (tonumber(ARGV[9 + l * 4]) + tonumber(ARGV[11 + l * 4]))
    else
      present = math.floor(now / tonumber(ARGV[10 + l * 4]))
    end
    if stored > present then
      state[l * 3 + 1] = present
      pulled = true
    end
  end
end
if penalty_after > 0 then
  local present_window = math.floor(now / longest)
  local violation_window = state[penalty_base + 2]
  if violation_window and violation_window > present_window then
    state[penalty_base + 2] = present_window
    pulled = true
  end
  local blocked = state[penalty_base + 3]
  if blocked and blocked > now + penalty_max then
    state[penalty_base + 3] = now + penalty_max
    pulled = true
  end
end

-- A fixed window's lease for a request (one limit, no penalty): all of it, or when it does
-- not fit, the request's own permit as an exact decision would have it, in this same call.
local leasing = false
if mode == 4 then
  mode = 1
  local current = 0
  if state[1] == math.floor(now / tonumber(ARGV[10])) then current = state[2] or 0 end
  if current + permits <= tonumber(ARGV[9]) then leasing = true else permits = 1 end
end

local next_state = {}
for i = 1, size do next_state[i] = state[i] end

-- Writes a state with an expiry no longer than it matters.
local function store(values)
  local ttl = 1
  for l = 0, limits - 1 do
    local window = tonumber(ARGV[10 + l * 4])
    local a = values[l * 3 + 1]
    if a then
      local needed
      if algorithm == 1 then
        needed = a - now
      elseif algorithm == 2 then
        needed = (a + 2) * window - now
      else
        needed = (a + 1) * window - now
      end
      if needed > ttl then ttl = needed end
    end
  end
  if penalty_after > 0 then
    local violations = values[penalty_base + 1]
    local violation_window = values[penalty_base + 2]
    if violations and violations > 0 and violation_window then
      local needed = (violation_window + 1) * longest - now
      if needed > ttl then ttl = needed end
    end
    local blocked_until = values[penalty_base + 3]
    local level = values[penalty_base + 4]
    if blocked_until and level and level > 0 then
      local needed = blocked_until + penalty_max - now
      if needed > ttl then ttl = needed end
    end
  end
  local parts = {}
  for i = 1, size do
    parts[i] = values[i] and string.format('%.0f', values[i]) or ''
  end
  redis.call('SET', KEYS[1], table.concat(parts, ','), 'PX', math.ceil(ttl / 1000))
end

-- The earliest time from now at which `wanted` more permits fit under a sliding window.
local function sliding_retry(limit, window, elapsed, current, previous, wanted)
  if current + wanted <= limit and previous > 0 then
    local at = window - (limit - current - wanted) * window / previous
    local retry = math.ceil(at) - elapsed
    if retry < 1 then retry = 1 end
    return retry
  end
  local at_next = 0
  if current > 0 then
    at_next = window - (limit - wanted) * window / current
    if at_next < 0 then at_next = 0 end
  end
  return (window - elapsed) + math.ceil(at_next)
end

if mode == 3 then
  local changed = pulled
  for l = 0, limits - 1 do
    local base = l * 3
    local window = tonumber(ARGV[10 + l * 4])
    local interval = tonumber(ARGV[12 + l * 4])
    if algorithm == 1 then
      local tat = next_state[base + 1]
      if tat and tat > now then
        local refunded = tat - permits * interval
        if refunded < now then refunded = now end
        next_state[base + 1] = refunded
        changed = true
      end
    else
      local index = math.floor(now / window)
      if next_state[base + 1] == index then
        local current = next_state[base + 2] or 0
        local from_current = permits
        if current < from_current then from_current = current end
        next_state[base + 2] = current - from_current
        if algorithm == 2 and from_current < permits then
          local previous = (next_state[base + 3] or 0) - (permits - from_current)
          if previous < 0 then previous = 0 end
          next_state[base + 3] = previous
        end
        changed = true
      elseif algorithm == 2 and next_state[base + 1] == index - 1 then
        local previous = (next_state[base + 2] or 0) - permits
        if previous < 0 then previous = 0 end
        next_state[base + 1] = index
        next_state[base + 2] = 0
        next_state[base + 3] = previous
        changed = true
      end
    end
  end
  if changed then store(next_state) end
  return {1, 0, 0, 0, 0}
end

local blocked_until = state[penalty_base + 3]
if penalty_after > 0 and blocked_until and now < blocked_until then
  if pulled then store(state) end
  local blocked_for = blocked_until - now
  return {0, 0, 0, blocked_for, blocked_for}
end

local allowed = true
local binding = -1
local binding_remaining = nil
local binding_reset = 0
local retry_after = 0
for l = 0, limits - 1 do
  local base = l * 3
  local limit = tonumber(ARGV[9 + l * 4])
  local window = tonumber(ARGV[10 + l * 4])
  local ok, remaining, reset, retry
  if algorithm == 1 then
    -- Token bucket (generic cell rate algorithm).
    local interval = tonumber(ARGV[12 + l * 4])
    local tolerance = interval * (limit + tonumber(ARGV[11 + l * 4]))
    local tat = next_state[base + 1]
    if not tat or tat < now then tat = now end
    local new_tat = tat + permits * interval
    if new_tat - now <= tolerance then
      next_state[base + 1] = new_tat
      remaining = math.floor((tolerance - (new_tat - now)) / interval)
      ok, reset, retry = true, (remaining + 1) * interval - tolerance + (new_tat - now), 0
    else
      remaining = math.floor((tolerance - (tat - now)) / interval)
      if remaining < 0 then remaining = 0 end
      reset = 0
      if tat > now then reset = (remaining + 1) * interval - tolerance + (tat - now) end
      ok, retry = false, new_tat - now - tolerance
    end
  elseif algorithm == 2 then
    -- Sliding-window counter.
    local index = math.floor(now / window)
    local elapsed = now - index * window
    local current, previous
    if next_state[base + 1] == index then
      current = next_state[base + 2] or 0
      previous = next_state[base + 3] or 0
    else
      current = 0
      if next_state[base + 1] == index - 1 then previous = next_state[base + 2] or 0 else previous = 0 end
    end
    local estimate = previous * ((window - elapsed) / window) + current
    if estimate + permits <= limit + 1e-9 then
      next_state[base + 1] = index
      next_state[base + 2] = current + permits
      next_state[base + 3] = previous
      remaining = math.floor(limit - (estimate + permits) + 1e-9)
      reset = 0
      if remaining < limit then
        reset = sliding_retry(limit, window, elapsed, current + permits, previous, remaining + 1)
      end
      ok, retry = true, 0
    else
      retry = sliding_retry(limit, window, elapsed, current, previous, permits)
      remaining = math.floor(limit - estimate + 1e-9)
      if remaining < 0 then remaining = 0 end
      reset = sliding_retry(limit, window, elapsed, current, previous, remaining + 1)
      ok = false
    end
  else
    -- Fixed window.
    local index = math.floor(now / window)
    local current = 0
    if next_state[base + 1] == index then current = next_state[base + 2] or 0 end
    local until_end = (index + 1) * window - now
    if current + permits <= limit then
      next_state[base + 1] = index
      next_state[base + 2] = current + permits
      ok, remaining, reset, retry = true, limit - current - permits, until_end, 0
    else
      remaining = limit - current
      if remaining < 0 then remaining = 0 end
      ok, reset, retry = false, until_end, until_end
    end
  end
  if not ok then
    if allowed or retry > retry_after then
      binding = l
      binding_remaining = remaining
      binding_reset = reset
      retry_after = retry
    end
    allowed = false
  elseif allowed and (binding_remaining == nil or remaining < binding_remaining) then
    binding = l
    binding_remaining = remaining
    binding_reset = reset
  end
end

if allowed then
  if mode ~= 2 then store(next_state) elseif pulled then store(state) end
  if leasing then return {1, binding, binding_remaining, binding_reset, 0, 1} end
  return {1, binding, binding_remaining, binding_reset, 0}
end

if penalty_after == 0 then
  if pulled then store(state) end
  return {0, binding, binding_remaining, binding_reset, retry_after}
end

local penalized = {}
for i = 1, size do penalized[i] = state[i] end
local level = penalized[penalty_base + 4] or 0
local last_blocked_until = penalized[penalty_base + 3]
if level > 0 and last_blocked_until and now - last_blocked_until > penalty_max then level = 0 end
local violation_window = math.floor(now / longest)
local violations = 0
if penalized[penalty_base + 2] == violation_window then violations = penalized[penalty_base + 1] or 0 end
violations = violations + 1
if violations >= penalty_after then
  level = level + 1
  local block = penalty_block
  for _ = 2, level do
    if block >= penalty_max then break end
    block = block * 2
  end
  if block > penalty_max then block = penalty_max end
  penalized[penalty_base + 3] = now + block
  violations = 0
  if block > retry_after then retry_after = block end
  if block > binding_reset then binding_reset = block end
end
penalized[penalty_base + 1] = violations
penalized[penalty_base + 2] = violation_window
penalized[penalty_base + 4] = level
store(penalized)
return {0, binding, binding_remaining, binding_reset, retry_after}
