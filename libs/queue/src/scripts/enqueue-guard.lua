--[[
  The second half of a large job's enqueue (JobProducer, jobs of LARGE_JOB_BYTES or more): runs in one
  MULTI/EXEC right after the job's plain XADD, and takes the job out again when the stream now holds more
  than maxDepth jobs. Together they do what enqueue.lua does (refuse when XLEN >= maxDepth before the add),
  atomically the same way, without the job's bytes passing through Lua.

  KEYS[1]  jobs stream
  ARGV[1]  maxDepth
  ARGV[2]  the job's header field value (to tell its entry from any other)

  Returns 1 when the job stays, 0 when it was removed (the stream was full). Inside the transaction the
  newest entry is the job just added. Should the script ever run outside it (a command resent after a
  reconnect), an entry that is not the job's is left alone: the job then stays, over the limit.
]]
if redis.call('XLEN', KEYS[1]) <= tonumber(ARGV[1]) then
  return 1
end
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if newest == nil then
  return 1
end
local fields = newest[2]
for i = 1, #fields, 2 do
  if fields[i] == 'h' then
    if fields[i + 1] ~= ARGV[2] then
      return 1
    end
    redis.call('XDEL', KEYS[1], newest[1])
    return 0
  end
end
return 1
