--[[
  Moves a job that failed too often to the dead-letter stream and tells its caller, in one step: copy
  the entry (plus why and when) into the bounded dead-letter stream, send the error reply, ack + delete.

  KEYS[1]  jobs stream
  KEYS[2]  dead-letter stream (maas:dead:<model>:<version>)
  KEYS[3]  reply stream of the job's gateway
  ARGV[1]  consumer group
  ARGV[2]  job entry id
  ARGV[3]  reason (text)
  ARGV[4]  dead-letter stream MAXLEN ~
  ARGV[5]  error reply header (JSON)
  ARGV[6]  reply stream MAXLEN ~
  ARGV[7]  reply stream TTL in ms
  ARGV[8]  now, unix ms

  Returns 1 when the entry was moved, 0 when it was already gone (the reply is sent either way).
]]
local entries = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
local moved = 0
if #entries > 0 then
  local fields = entries[1][2]
  fields[#fields + 1] = 'reason'
  fields[#fields + 1] = ARGV[3]
  fields[#fields + 1] = 'deadUnixMs'
  fields[#fields + 1] = ARGV[8]
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', unpack(fields))
  moved = 1
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'h', ARGV[5], 'd', '')
redis.call('PEXPIRE', KEYS[3], ARGV[7])
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return moved
