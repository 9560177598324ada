--[[
  Adds a job to its model version's stream unless the stream is full.

  KEYS[1]  jobs stream (maas:jobs:<model>:<version>)
  ARGV[1]  maxDepth: refuse when XLEN >= maxDepth (waiting + in flight, since acked jobs are deleted)
  ARGV[2]  streamMaxLen: MAXLEN ~ safety bound (>= maxDepth, so it never trims a live job)
  ARGV[3]  header field value (JSON)
  ARGV[4]  data field value (binary: every input tensor's bytes, concatenated)
  ARGV[5]  attempts field value (deliveries before this entry)

  Returns the new entry id, or false when the stream is full.
]]
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
  return false
end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'h', ARGV[3], 'd', ARGV[4], 'a', ARGV[5])
