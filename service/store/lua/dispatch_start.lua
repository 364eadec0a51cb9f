-- A dispatch task begins: clear the coalescing mark.
-- ARG: (none) → the number of active subscriptions (with none, the cursor skips to the end)
redis.call('DEL', K.webhooks_dispatch)
local active = redis.call('SCARD', K.webhooks_active)
if active == 0 then redis.call('SET', K.webhooks_cursor, last_event_id()) end
return active
