-- Send a delivery again now (an admin's manual retry).
-- ARG: id, delivery_id, now_ms, now_iso, lease_ms
-- → {'ok', drain_token | ''} | {'not_found'} | {'disabled'}
local id, did = ARG[1], ARG[2]
if redis.call('HGET', K.delivery(did), 'webhook_id') ~= id then return {'not_found'} end
if redis.call('HGET', K.webhook(id), 'active') ~= '1' then return {'disabled'} end
if redis.call('HGET', K.delivery(did), 'status') == 'pending' then
  -- Still in the line (maybe waiting out a retry): the line goes on now.
  redis.call('HDEL', K.webhook(id), 'paused_until_ms')
  redis.call('ZREM', K.webhooks_retries, id)
  local head = redis.call('LINDEX', K.webhook_queue(id), 0)
  if head then redis.call('HDEL', K.delivery(head), 'next_attempt_ms') end
else
  redis.call('HSET', K.delivery(did), 'status', 'pending', 'failures', '0', 'updated_at', ARG[4])
  redis.call('RPUSH', K.webhook_queue(id), did)
end
redis.call('HDEL', K.delivery(did), 'next_attempt_ms')
return {'ok', wake(id, tonumber(ARG[3]), tonumber(ARG[5])) or ''}
