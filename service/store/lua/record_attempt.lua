-- Log one delivery attempt and move the endpoint's line on.
-- ARG: id, token, delivery_id, outcome ('succeeded' | 'retry' | 'failed'), now_ms,
--       now_iso, attempt_json, status_code | '', latency_ms, error | '', due_ms, disable_reason,
--       latency_bucket (the histogram field, metrics.py), latency_seconds
-- 'failed' gives up on the delivery and disables the endpoint. → 'ok' | 'lost' | 'gone'
local id, token, did, outcome, now_iso = ARG[1], ARG[2], ARG[3], ARG[4], ARG[6]
local d = K.delivery(did)
redis.call('HINCRBY', K.metrics_webhook_deliveries, outcome, 1)
redis.call('HINCRBY', K.metrics_webhook_latency, ARG[13], 1)
redis.call('HINCRBYFLOAT', K.metrics_webhook_latency, 'sum', ARG[14])
local known = redis.call('EXISTS', d) == 1
if known then
  local log = cjson.decode(redis.call('HGET', d, 'attempt_log') or '[]')
  table.insert(log, cjson.decode(ARG[7]))
  if #log > tonumber(ATTEMPT_LOG_SIZE) then table.remove(log, 1) end
  redis.call('HINCRBY', d, 'attempts', 1)
  redis.call('HSET', d, 'attempt_log', cjson.encode(log), 'last_status_code', ARG[8],
             'last_latency_ms', ARG[9], 'last_error', ARG[10], 'updated_at', now_iso)
end
local w = K.webhook(id)
if redis.call('EXISTS', w) == 0 then return 'gone' end
local queue = K.webhook_queue(id)
if outcome == 'succeeded' then
  if known then
    redis.call('HSET', d, 'status', 'succeeded', 'failures', '0')
    redis.call('HDEL', d, 'next_attempt_ms')
  end
  redis.call('LREM', queue, 1, did)
  redis.call('HSET', w, 'last_success_at', now_iso)
  redis.call('HDEL', w, 'failing_since')
  return 'ok'
end
local drain = K.webhook_drain(id)
if redis.call('GET', drain) ~= token then return 'lost' end  -- the new holder paces the line
if known then redis.call('HINCRBY', d, 'failures', 1) end
if outcome == 'retry' then
  if known then redis.call('HSET', d, 'next_attempt_ms', ARG[11]) end
  redis.call('HSET', w, 'paused_until_ms', ARG[11])
  redis.call('HSETNX', w, 'failing_since', now_iso)
  redis.call('ZADD', K.webhooks_retries, tonumber(ARG[11]), id)
else
  if known then
    redis.call('HSET', d, 'status', 'failed')
    redis.call('HDEL', d, 'next_attempt_ms')
  end
  redis.call('LREM', queue, 1, did)
  -- Remembered so that re-enabling sends it again first: no event is lost, none reordered.
  redis.call('HSET', w, 'active', '0', 'disabled_reason', ARG[12], 'disabled_at', now_iso,
             'failed_head', did)
  redis.call('HDEL', w, 'paused_until_ms')
  redis.call('SREM', K.webhooks_active, id)
  redis.call('ZREM', K.webhooks_retries, id)
end
redis.call('DEL', drain)
return 'ok'
