--[[
  Renews one process's lease and reads what the others' leases say, in one round trip, on Redis's clock
  (so hosts with skewed clocks agree). Also garbage-collects: worker leases expired for over a minute,
  and gateways expired for longer than the grace period together with their reply streams.

  KEYS[1]  epoch key (maas:epoch)
  KEYS[2]  worker leases (sorted set: consumer id -> expiry unix ms)
  KEYS[3]  gateway leases (sorted set: reply stream key -> expiry unix ms)
  ARGV[1]  'worker' or 'gateway': which set this process's lease is in
  ARGV[2]  member (consumer id or reply stream key)
  ARGV[3]  lease TTL in ms
  ARGV[4]  epoch value to write when none exists (random)
  ARGV[5]  gateway grace in ms (a gateway expired this long is gone; its reply stream is deleted)

  Returns { epoch, now unix ms, { expired worker ids }, { gateway, expiry, gateway, expiry, ... } }.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local own = KEYS[2]
if ARGV[1] == 'gateway' then own = KEYS[3] end
redis.call('ZADD', own, now + tonumber(ARGV[3]), ARGV[2])
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[4]
  redis.call('SET', KEYS[1], epoch)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[5]), 'LIMIT', 0, 100)
for _, stream in ipairs(gone) do
  redis.call('DEL', stream)
  redis.call('ZREM', KEYS[3], stream)
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. now, 'LIMIT', 0, 100)
local gateways = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
return { epoch, now, expired, gateways }
