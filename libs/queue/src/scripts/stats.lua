--[[
  Cheap queue signals for one model version in one round trip (backpressure, scaler, metrics).

  KEYS[1]  jobs stream
  KEYS[2]  dead-letter stream
  ARGV[1]  consumer group

  Returns { XLEN (waiting + in flight), pending of the group (in flight), id of the oldest entry or '',
            XLEN of the dead-letter stream, id of the newest entry or '' }. The newest id lets a caller wait
  (XREAD) for entries added after this reading, without a gap between reading and waiting.
]]
local depth = redis.call('XLEN', KEYS[1])
local pending = 0
local oldest = ''
local newest = ''
if depth > 0 then
  for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
    local name, count
    for i = 1, #group, 2 do
      if group[i] == 'name' then name = group[i + 1] end
      if group[i] == 'pending' then count = group[i + 1] end
    end
    if name == ARGV[1] then pending = count end
  end
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
  if #first > 0 then oldest = first[1][1] end
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last > 0 then newest = last[1][1] end
end
return { depth, pending, oldest, redis.call('XLEN', KEYS[2]), newest }
