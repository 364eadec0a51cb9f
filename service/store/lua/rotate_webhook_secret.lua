-- Replace a subscription's secret, keeping the old one for a grace period.
-- ARG: id, new_secret, now_ms, grace_ms, now_iso → 1, or 0 when there is no such webhook
local w = K.webhook(ARG[1])
local current = redis.call('HGET', w, 'secret')
if not current then return 0 end
if tonumber(ARG[4]) > 0 then
  redis.call('HSET', w, 'previous_secret', current,
             'previous_secret_expires_ms', tostring(tonumber(ARG[3]) + tonumber(ARG[4])))
else
  redis.call('HDEL', w, 'previous_secret', 'previous_secret_expires_ms')
end
redis.call('HSET', w, 'secret', ARG[2], 'secret_rotated_at', ARG[5], 'updated_at', ARG[5])
return 1
