--[[
  enqueue.lua for several jobs of one stream, in one step (the jobs a gateway submitted in one event-loop
  turn): each is added unless the stream is full, in order, so the depth limit holds exactly as for
  enqueue.lua called once per job.

  KEYS[1]  jobs stream (maas:jobs:<model>:<version>)
  ARGV[1]  n: number of jobs
  then, for each job, 4 values: maxDepth, streamMaxLen, header field value (JSON), data field value

  Returns one value per job: its new entry id, or nil when the stream was full.
]]
local n = tonumber(ARGV[1])
local len = redis.call('XLEN', KEYS[1])
local ids = {}
for i = 1, n do
  local at = 2 + (i - 1) * 4
  if len >= tonumber(ARGV[at]) then
    ids[i] = false
  else
    ids[i] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[at + 1], '*', 'h', ARGV[at + 2], 'd', ARGV[at + 3], 'a', '0')
    len = len + 1
  end
end
return ids
