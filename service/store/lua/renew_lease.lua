-- Extend the caller's lease on a claim (not a change: the version stays).
-- ARG: claim_id, actor_key_id, is_admin, now_ms, lease_ms
-- → {'ok', expires_ms} | {'not_found'} | {'not_leased', status} | {'not_holder', status}
local id, key_id, is_admin = ARG[1], ARG[2], ARG[3] == '1'
local now_ms, lease_ms = tonumber(ARG[4]), tonumber(ARG[5])
local c = hgetall(K.claim(id))
if not c then return {'not_found'} end
if c.status ~= 'in_review' or tonumber(c.lease_expires_ms or '0') <= now_ms then
  return {'not_leased', c.status}
end
local holder = decode_or_null(c.assignee)
if not is_admin and (holder == cjson.null or holder.key_id ~= key_id) then return {'not_holder', c.status} end
local expires_ms = now_ms + lease_ms
redis.call('HSET', K.claim(id), 'lease_expires_ms', tostring(expires_ms))
redis.call('ZADD', K.leases, expires_ms, id)
return {'ok', tostring(expires_ms)}
