--[[
  Removes a job its caller gave up on, but only while no worker has taken it (its id is after the
  group's last delivered id); a taken job runs to the end and its reply is ignored.

  KEYS[1]  jobs stream
  ARGV[1]  consumer group
  ARGV[2]  job entry id

  Returns 1 when removed, 0 when a worker has it already (or it is gone).
]]
local function after(a, b)
  local ams, aseq = string.match(a, '(%d+)-(%d+)')
  local bms, bseq = string.match(b, '(%d+)-(%d+)')
  ams, aseq, bms, bseq = tonumber(ams), tonumber(aseq), tonumber(bms), tonumber(bseq)
  return ams > bms or (ams == bms and aseq > bseq)
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  for i = 1, #group, 2 do
    if group[i] == 'name' and group[i + 1] == ARGV[1] then
      for j = 1, #group, 2 do
        if group[j] == 'last-delivered-id' and not after(ARGV[2], group[j + 1]) then
          return 0
        end
      end
    end
  end
end
return redis.call('XDEL', KEYS[1], ARGV[2])
