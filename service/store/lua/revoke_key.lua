-- Revoke an API key, unless it is the last active admin key (then nobody could administer the
-- service any more). One script, so two admins revoking each other cannot both succeed.
-- ARG: key_id, now_iso → {'ok', revoked_at} | {'not_found'} | {'last_admin'}
local id, now_iso = ARG[1], ARG[2]
local record = redis.call('HMGET', K.key(id), 'role', 'revoked_at', 'secret_hash')
if not record[1] then return {'not_found'} end
if record[2] then return {'ok', record[2]} end  -- already revoked: the first time stands
if record[1] == 'admin' then
  local other_admins = 0
  for _, other in ipairs(redis.call('ZRANGE', K.keys, 0, -1)) do
    if other ~= id then
      local o = redis.call('HMGET', K.key(other), 'role', 'revoked_at')
      if o[1] == 'admin' and not o[2] then other_admins = other_admins + 1 end
    end
  end
  if other_admins == 0 then return {'last_admin'} end
end
redis.call('HSET', K.key(id), 'revoked_at', now_iso)
redis.call('DEL', K.keyhash(record[3]))
return {'ok', now_iso}
