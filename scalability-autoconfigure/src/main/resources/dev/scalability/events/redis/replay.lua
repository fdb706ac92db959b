-- Moves a group back, so that it is given the entries after an id again; never forward,
-- which would skip entries it has not been given yet.
--
-- KEYS[1]  the stream
-- ARGV     group, the id after which entries are given again
-- returns  {1} moved back, {0} already there or before, {-1} no such group

local function parse(id)
  local ms, seq = string.match(id, '^(%d+)%-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

local function before(a, b)
  local ams, aseq = parse(a)
  local bms, bseq = parse(b)
  return ams < bms or (ams == bms and aseq < bseq)
end

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1}
end
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local name, last
  for i = 1, #group, 2 do
    if group[i] == 'name' then
      name = group[i + 1]
    elseif group[i] == 'last-delivered-id' then
      last = group[i + 1]
    end
  end
  if name == ARGV[1] then
    if before(ARGV[2], last) then
      redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], ARGV[2])
      return {1}
    end
    return {0}
  end
end
return {-1}
