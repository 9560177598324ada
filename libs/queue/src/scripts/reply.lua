--[[
  Sends a job's result to its gateway and acknowledges + deletes the job, in one step, so a job is never
  acked without its reply nor replied twice by the same worker.

  KEYS[1]  jobs stream
  KEYS[2]  reply stream of the job's gateway (maas:replies:<gatewayId>)
  ARGV[1]  consumer group
  ARGV[2]  job entry id
  ARGV[3]  reply header (JSON)
  ARGV[4]  reply data (binary output tensor bytes)
  ARGV[5]  reply stream MAXLEN ~
  ARGV[6]  reply stream TTL in ms (the stream expires when its gateway stops getting replies)

  Returns the number of job entries acknowledged (0 when another worker already answered it, or when
  Redis lost the group in a restart: the reply is sent either way).
]]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'h', ARGV[3], 'd', ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
local acked = redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
if type(acked) ~= 'number' then acked = 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
return acked
