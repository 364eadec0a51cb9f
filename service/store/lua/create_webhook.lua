-- Create a subscription, one per URL; the first one starts fan-out at the outbox's end.
-- ARG: id, url_key, fields... (name, value pairs; `created_ms` among them)
-- → {'ok', id} | {'duplicate', existing_id}
local id, ukey = ARG[1], K.webhook_url(ARG[2])
local existing = redis.call('GET', ukey)
if existing and redis.call('EXISTS', K.webhook(existing)) == 1 then return {'duplicate', existing} end
local writes = {}
for i = 3, #ARG do table.insert(writes, ARG[i]) end
local seq = redis.call('INCR', K.seq_webhook)
table.insert(writes, 'seq'); table.insert(writes, tostring(seq))
redis.call('HSET', K.webhook(id), unpack(writes))
redis.call('SET', ukey, id)
redis.call('ZADD', K.webhooks, seq, id)
-- With no other subscriber nothing before now is owed to anyone: fan-out starts here.
if redis.call('SCARD', K.webhooks_active) == 0 then
  redis.call('SET', K.webhooks_cursor, last_event_id())
end
redis.call('SADD', K.webhooks_active, id)
return {'ok', id}
