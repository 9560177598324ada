--[[
  Removes a taken job without computing or answering it: its gateway is gone (its lease lapsed longer
  ago than the grace period), so nobody waits for the answer.

  KEYS[1]  jobs stream
  ARGV[1]  consumer group
  ARGV[2]  job entry id

  Returns the number of entries deleted.
]]
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])
