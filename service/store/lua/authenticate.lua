-- Authentication on every request, in one round trip: the API key whose secret hashes to
-- ARG[1], its last use noted (to the minute), and one request taken from its rate limit.
-- ARG: secret_hash, now_ms, now_iso, touch_before_iso (a last use older than this is
--      rewritten), quota name, limit, period_ms (limit 0: none)
-- → {} when unknown; else {the key's record as a flat field/value list, rate state or {}}
--   (rate state as gcra() returns it, without the stamp)
local key_id = redis.call('GET', K.keyhash(ARG[1]))
if not key_id then return {} end
local key = K.key(key_id)
local record = redis.call('HGETALL', key)
if #record == 0 then return {} end
local revoked, last_used = false, ''
for i = 1, #record, 2 do
  if record[i] == 'revoked_at' and record[i + 1] ~= '' then revoked = true end
  if record[i] == 'last_used_at' then last_used = record[i + 1] end
end
if revoked then return {record, {}} end
local now_ms, limit = tonumber(ARG[2]), tonumber(ARG[6])
if last_used < ARG[4] then redis.call('HSET', key, 'last_used_at', ARG[3]) end
if limit == 0 then return {record, {}} end
local bucket = K.rate(key_id, ARG[5])
local state = gcra(bucket, limit, tonumber(ARG[7]), 1, now_ms)
if state[1] == 1 then spend(bucket, state, now_ms) end
return {record, {state[1], state[2], state[3], state[4]}}
