-- Beat's sweep: release retries that fell due and wake lines without a drainer.
-- ARG: now_ms, lease_ms, limit → {id, token, ...}: endpoints whose retry is due, or
-- that have deliveries waiting and no drainer (lost with a killed worker, or never woken)
local now_ms, lease_ms = tonumber(ARG[1]), tonumber(ARG[2])
local retries = K.webhooks_retries
for _, id in ipairs(redis.call('ZRANGEBYSCORE', retries, '-inf', now_ms, 'LIMIT', 0, tonumber(ARG[3]))) do
  redis.call('ZREM', retries, id)
  redis.call('HDEL', K.webhook(id), 'paused_until_ms')
end
local result = {}
for _, id in ipairs(redis.call('SMEMBERS', K.webhooks_active)) do
  local token = wake(id, now_ms, lease_ms)
  if token then table.insert(result, id); table.insert(result, token) end
end
return result
