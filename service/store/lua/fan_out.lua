-- Turn outbox events into deliveries for each matching subscription and move the cursor.
-- ARG: expected_cursor, now_ms, now_iso, lease_ms, log_cap,
--       then per event: event_id, type, payload (in outbox order)
-- → {'moved'} when another dispatcher advanced the cursor first, else
--   {'ok', id, token, id, token, ...} for the endpoints to drain now
local cursor = redis.call('GET', K.webhooks_cursor) or '0-0'
if cursor ~= ARG[1] then return {'moved'} end
local now_ms, now_iso, lease_ms, log_cap = tonumber(ARG[2]), ARG[3], tonumber(ARG[4]), tonumber(ARG[5])
local result = {'ok'}
for _, id in ipairs(redis.call('SMEMBERS', K.webhooks_active)) do
  local h = redis.call('HMGET', K.webhook(id), 'events', 'created_ms')
  if h[1] then
    local wanted = {}
    for _, t in ipairs(cjson.decode(h[1])) do wanted[t] = true end
    local since = tonumber(h[2] or '0')
    local added = 0
    for i = 6, #ARG, 3 do
      -- An entry id starts with its time in ms: events from before the subscription are not its.
      if wanted[ARG[i + 1]] and tonumber(string.match(ARG[i], '^%d+')) >= since then
        add_delivery(id, ARG[i], ARG[i + 1], ARG[i + 2], now_iso, log_cap)
        added = added + 1
      end
    end
    if added > 0 then
      local token = wake(id, now_ms, lease_ms)
      if token then table.insert(result, id); table.insert(result, token) end
    end
  end
end
if #ARG >= 8 then redis.call('SET', K.webhooks_cursor, ARG[#ARG - 2]) end
return result
