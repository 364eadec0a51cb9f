-- Queue events for one endpoint (a test event, a replay) and wake a drainer if it is idle.
-- ARG: id, now_ms, now_iso, lease_ms, log_cap, then per event: event_id, type, payload
-- → {'ok', drain_token | '', delivery_id...} | {'not_found'} | {'disabled'}
local id = ARG[1]
local active = redis.call('HGET', K.webhook(id), 'active')
if not active then return {'not_found'} end
if active ~= '1' then return {'disabled'} end
local ids = {}
for i = 6, #ARG, 3 do
  table.insert(ids, add_delivery(id, ARG[i], ARG[i + 1], ARG[i + 2], ARG[3], tonumber(ARG[5])))
end
local result = {'ok', wake(id, tonumber(ARG[2]), tonumber(ARG[4])) or ''}
for _, did in ipairs(ids) do table.insert(result, did) end
return result
