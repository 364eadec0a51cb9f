-- Authentication on every request: the API key whose secret hashes to `secret_hash`, its last
-- use noted (to the minute), and one request taken from its rate limit (limit 0: none).
-- → {} when unknown; else {the key's record as a flat field/value list, rate state or {}}
--   (rate state as gcra() returns it, without the stamp). Needs rate_prelude.lua.
local function authenticate_key(secret_hash, now_ms, now_iso, touch_before, quota, limit, period_ms)
  local key_id = redis.call('GET', K.keyhash(secret_hash))
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
  if last_used < touch_before then redis.call('HSET', key, 'last_used_at', now_iso) end
  if limit == 0 then return {record, {}} end
  local bucket = K.rate(key_id, quota)
  local state = gcra(bucket, limit, period_ms, 1, now_ms)
  if state[1] == 1 then spend(bucket, state, now_ms) end
  return {record, {state[1], state[2], state[3], state[4]}}
end

-- A write that carries its caller's authentication (scripts.py `authenticated`): ARG[1..7] as
-- for authenticate_key, ARG[8] the key id the caller expects, then the write's own arguments,
-- which this moves to ARG[1..]. → the authentication's reply, and whether the write may go
-- ahead: the expected key, not revoked, within its rate limit.
local function authenticate_write()
  local auth = authenticate_key(ARG[1], tonumber(ARG[2]), ARG[3], ARG[4], ARG[5], tonumber(ARG[6]),
                                tonumber(ARG[7]))
  if #auth == 0 or (#auth[2] > 0 and auth[2][1] ~= 1) then return auth, false end
  local record = auth[1]
  for i = 1, #record, 2 do
    if record[i] == 'revoked_at' and record[i + 1] ~= '' then return auth, false end
    if record[i] == 'id' and record[i + 1] ~= ARG[8] then return auth, false end
  end
  ARG = {unpack(ARG, 9)}
  return auth, true
end
