-- Whether to send a dispatch task: subscriptions exist and none is on its way.
-- ARG: ttl_ms → 1 when the caller should send a dispatch task (none is pending), 0 when one
-- is on its way, -1 when nothing subscribes
if redis.call('SCARD', K.webhooks_active) == 0 then return -1 end
if redis.call('SET', K.webhooks_dispatch, '1', 'NX', 'PX', tonumber(ARG[1])) then return 1 end
return 0
