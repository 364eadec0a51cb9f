-- The delivery at the head of an endpoint's line, for the drainer holding it.
-- ARG: id, token, now_ms, lease_ms
-- → {'go', delivery_id, event_id, event_type, payload, attempts, failures, url, secret,
--    previous_secret | '', request_id | ''} | {'idle'} (lease given back) | {'lost'} (another drainer holds it)
local id, token, now_ms = ARG[1], ARG[2], tonumber(ARG[3])
local drain = K.webhook_drain(id)
if redis.call('GET', drain) ~= token then return {'lost'} end
local w = redis.call('HMGET', K.webhook(id), 'active', 'paused_until_ms', 'url', 'secret',
                     'previous_secret', 'previous_secret_expires_ms')
if w[1] ~= '1' or tonumber(w[2] or '0') > now_ms then
  redis.call('DEL', drain)
  return {'idle'}
end
local queue = K.webhook_queue(id)
while true do
  local head = redis.call('LINDEX', queue, 0)
  if not head then
    redis.call('DEL', drain)
    return {'idle'}
  end
  local d = redis.call('HMGET', K.delivery(head), 'event_id', 'event_type', 'payload', 'attempts',
                       'failures', 'status', 'request_id')
  if d[1] and d[6] == 'pending' then
    redis.call('PEXPIRE', drain, ARG[4])
    local previous = ''
    if w[5] and tonumber(w[6] or '0') > now_ms then previous = w[5] end
    return {'go', head, d[1], d[2], d[3], d[4], d[5], w[3], w[4], previous, d[7] or ''}
  end
  redis.call('LPOP', queue)  -- deleted with its log entry, or already finished
end
