--[[
  reply.lua for a whole batch of one jobs stream, in one step: one reply entry per gateway carrying all of
  its jobs' results (field `b`: a JSON array of result headers, `d`: their bytes concatenated in order),
  then one XACK and one XDEL of every job. A job is never acked without its reply.

  KEYS[1]       jobs stream
  KEYS[2..]     reply streams (one per gateway of the batch)
  ARGV[1]       consumer group
  ARGV[2]       reply stream MAXLEN ~
  ARGV[3]       reply stream TTL in ms
  ARGV[4]       n: number of job entry ids
  ARGV[5..4+n]  job entry ids
  then, for each reply stream in KEYS order: its batch header (JSON array) and its data

  Returns the number of job entries acknowledged.
]]
local n = tonumber(ARGV[4])
local at = 5 + n
for i = 2, #KEYS do
  redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[2], '*', 'b', ARGV[at], 'd', ARGV[at + 1])
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
  at = at + 2
end
local acked = 0
-- unpack in chunks: Lua's C stack bounds how many values one call may take.
for first = 5, 4 + n, 512 do
  local last = math.min(first + 511, 4 + n)
  local done = redis.pcall('XACK', KEYS[1], ARGV[1], unpack(ARGV, first, last))
  if type(done) == 'number' then acked = acked + done end
  redis.call('XDEL', KEYS[1], unpack(ARGV, first, last))
end
return acked
