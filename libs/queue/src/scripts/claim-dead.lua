--[[
  Takes the pending jobs of a worker whose lease lapsed (it crashed or froze), for the calling worker, at
  once instead of after the visibility timeout. Atomic with the lease check, so a worker that renewed in
  the meantime keeps its jobs; when the dead worker holds nothing more here it is removed from the group.

  KEYS[1]  jobs stream
  KEYS[2]  worker leases (sorted set: consumer id -> expiry unix ms)
  ARGV[1]  consumer group
  ARGV[2]  dead consumer id
  ARGV[3]  claiming consumer id
  ARGV[4]  max jobs to take

  Returns { { id, fields }... } and { delivery count }... as two lists, or two empty lists.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = redis.call('ZSCORE', KEYS[2], ARGV[2])
if expiry and tonumber(expiry) >= now then
  return { {}, {} }
end
local rows = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+', tonumber(ARGV[4]), ARGV[2])
if type(rows) ~= 'table' or rows.err then
  return { {}, {} }
end
if #rows == 0 then
  redis.pcall('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
  return { {}, {} }
end
local ids = {}
local counts = {}
for i, row in ipairs(rows) do
  ids[i] = row[1]
  counts[i] = row[4] + 1
end
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, unpack(ids))
if #rows < tonumber(ARGV[4]) then
  redis.pcall('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
end
local entries = {}
local deliveries = {}
for i, entry in ipairs(claimed) do
  if type(entry) == 'table' and entry[2] then
    entries[#entries + 1] = entry
    for j, id in ipairs(ids) do
      if id == entry[1] then deliveries[#entries] = counts[j] end
    end
  end
end
return { entries, deliveries }
