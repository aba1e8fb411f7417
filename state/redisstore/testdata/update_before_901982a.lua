if redis.replicate_commands then redis.replicate_commands() end
-- Numbers stay strings where they can: tonumber and passing a number to redis.call
-- (formatted with %.17g) cost more than most commands. gt compares non-negative
-- integers written without leading zeros.
local function gt(a, b) return #a > #b or (#a == #b and a > b) end
local now = redis.call('TIME')
local t = now[1] .. string.sub('00000' .. now[2], -6)
if gt(t, ARGV[9]) then return {5} end
local ev = ARGV[10]
-- The ids' fields '' (when the generation began, in ms) and '-' (there is no previous
-- generation) come with the id; no id's field is that short.
local ids
if ev ~= '' then
  ids = redis.call('HMGET', KEYS[4], ev, '', '-')
  local seen = ids[1] or (not ids[3] and redis.call('HGET', KEYS[5], ev)) or
    (KEYS[6] and redis.call('GET', KEYS[6]))
  if seen then return {0, seen} end
end
-- Only the version header is read: the record itself can be many kilobytes.
local ver = redis.call('GETRANGE', KEYS[1], '0', '15')
if ver ~= ARGV[1] then
  local cur = redis.call('GET', KEYS[1])
  if cur then return {1, cur, redis.call('LRANGE', KEYS[3], '0', '-1')} end
  return {1}
end
local op, mode = ARGV[2], ARGV[8]
local write = op == 'w' or op == 'r'
-- How long every listed index is known to live after this commit (-2: no list).
local bound = redis.call('PTTL', KEYS[2])
if mode == 'r' or (mode == 'a' and (bound < 0 or tonumber(ARGV[7]) < bound)) then bound = tonumber(ARGV[7]) end
-- The members key is a hash of user -> ''; a conversation indexed before keeps a set.
local function oldset() return redis.call('TYPE', KEYS[2]).ok == 'set' end
if (write or (op == 't' and ver ~= '')) and bound >= 0 and bound < tonumber(ARGV[4]) then
  if oldset() then return {3, redis.call('SMEMBERS', KEYS[2])} end
  return {3, redis.call('HKEYS', KEYS[2])}
end
local nu = ARGV[12] == '0' and 0 or tonumber(ARGV[12])
if write then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
  if op == 'r' then redis.call('DEL', KEYS[3]) end
  for i = 13 + nu, #ARGV, 1000 do
    redis.call('RPUSH', KEYS[3], unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
elseif op == 'd' then
  if ver ~= '' then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
elseif ver ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
end
if op ~= 'd' and mode ~= '' then
  if nu > 0 and oldset() then
    redis.call('SADD', KEYS[2], unpack(ARGV, 13, 12 + nu))
  elseif nu > 0 then
    local fv = {}
    for i = 13, 12 + nu do fv[#fv + 1] = ARGV[i]; fv[#fv + 1] = '' end
    redis.call('HSET', KEYS[2], unpack(fv))
  end
  if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], bound) end
end
if ev ~= '' then
  local ms = string.sub(t, 1, -4)
  local began, alone = ids[2], ids[3]
  -- The generation's size is read only once it is old enough to give way: it holds
  -- ARGV[11] ids (its count less the fields '' and '-').
  if began and tonumber(ms) - tonumber(began) >= tonumber(ARGV[5]) and
      redis.call('HLEN', KEYS[4]) - (alone and 1 or 0) > tonumber(ARGV[11]) then
    redis.call('RENAME', KEYS[4], KEYS[5])
    began, alone = false, false
  end
  if began then
    redis.call('HSET', KEYS[4], ev, ARGV[6])
  elseif not ids[1] and not ids[2] and not alone and redis.call('EXISTS', KEYS[5]) == 0 then
    -- A new first generation (the previous one, when there is one, always lives as
    -- long as the current one).
    redis.call('HSET', KEYS[4], '', ms, '-', '', ev, ARGV[6])
    alone = true
  else
    redis.call('HSET', KEYS[4], '', ms, ev, ARGV[6])
  end
  local keep = ARGV[5]
  if op ~= 'd' and (write or ver ~= '') and gt(ARGV[4], keep) then keep = ARGV[4] end
  redis.call('PEXPIRE', KEYS[4], keep)
  if not alone then redis.call('PEXPIRE', KEYS[5], keep) end
end
return {2}
