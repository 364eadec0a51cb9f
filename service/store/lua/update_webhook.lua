-- Change a subscription's URL, events, description or active flag.
-- ARG: id, now_ms, now_iso, lease_ms, new_url_key | '', active '1' | '0' | '',
--       fields... (name, value pairs)
-- → {'ok', drain_token | ''} | {'not_found'} | {'duplicate', existing_id}
local id, now_ms, now_iso, lease_ms = ARG[1], tonumber(ARG[2]), ARG[3], tonumber(ARG[4])
local new_key, active = ARG[5], ARG[6]
local w = K.webhook(id)
if redis.call('EXISTS', w) == 0 then return {'not_found'} end
if new_key ~= '' then
  local ukey = K.webhook_url(new_key)
  local existing = redis.call('GET', ukey)
  if existing and existing ~= id and redis.call('EXISTS', K.webhook(existing)) == 1 then
    return {'duplicate', existing}
  end
  local old = redis.call('HGET', w, 'url_key')
  if old and old ~= new_key and redis.call('GET', K.webhook_url(old)) == id then
    redis.call('DEL', K.webhook_url(old))
  end
  redis.call('SET', ukey, id)
  redis.call('HSET', w, 'url_key', new_key)
end
local writes = {'updated_at', now_iso}
for i = 7, #ARG do table.insert(writes, ARG[i]) end
redis.call('HSET', w, unpack(writes))
local was_active = redis.call('HGET', w, 'active') == '1'
if active == '1' and not was_active then
  -- The delivery that failed the whole schedule (or met a 410) goes back to the head of the
  -- line, ahead of everything that waited behind it.
  local failed = redis.call('HGET', w, 'failed_head')
  if failed and redis.call('HGET', K.delivery(failed), 'status') == 'failed' then
    redis.call('HSET', K.delivery(failed), 'status', 'pending', 'failures', '0', 'updated_at', now_iso)
    redis.call('HDEL', K.delivery(failed), 'next_attempt_ms')
    redis.call('LPUSH', K.webhook_queue(id), failed)
  end
  redis.call('HSET', w, 'active', '1')
  redis.call('HDEL', w, 'disabled_reason', 'disabled_at', 'paused_until_ms', 'failing_since',
             'failed_head')
  redis.call('ZREM', K.webhooks_retries, id)
  redis.call('SADD', K.webhooks_active, id)
elseif active == '0' and was_active then
  redis.call('HSET', w, 'active', '0', 'disabled_reason', 'disabled by an admin', 'disabled_at', now_iso)
  redis.call('HDEL', w, 'paused_until_ms')
  redis.call('SREM', K.webhooks_active, id)
  redis.call('ZREM', K.webhooks_retries, id)
end
return {'ok', wake(id, now_ms, lease_ms) or ''}
