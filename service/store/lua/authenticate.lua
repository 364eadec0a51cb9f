-- Authentication on every request, in one round trip (auth_prelude.lua).
-- ARG: secret_hash, now_ms, now_iso, touch_before_iso (a last use older than this is
--      rewritten), quota name, limit, period_ms (limit 0: none)
-- → as authenticate_key returns it
return authenticate_key(ARG[1], tonumber(ARG[2]), ARG[3], ARG[4], ARG[5], tonumber(ARG[6]), tonumber(ARG[7]))
