--[[
  Puts a taken job back at the tail of its stream with a new attempt count (a failed attempt, or a job
  released by a worker that is shutting down), acknowledging and deleting the old entry. Another worker
  can take it at once instead of after the visibility timeout. The stream's length does not change, so
  nothing is trimmed (a trim here could remove live jobs of a deep stream).

  KEYS[1]  jobs stream
  ARGV[1]  consumer group
  ARGV[2]  job entry id
  ARGV[3]  new attempts value

  Returns the new entry id, or false when the entry is gone (already answered elsewhere).
]]
local entries = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
if #entries == 0 then
  return false
end
local fields = entries[1][2]
local out = {}
for i = 1, #fields, 2 do
  if fields[i] ~= 'a' then
    out[#out + 1] = fields[i]
    out[#out + 1] = fields[i + 1]
  end
end
out[#out + 1] = 'a'
out[#out + 1] = ARGV[3]
local id = redis.call('XADD', KEYS[1], '*', unpack(out))
redis.call('XDEL', KEYS[1], ARGV[2])
return id
