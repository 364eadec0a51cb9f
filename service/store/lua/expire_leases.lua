-- Return claims whose lease ran out to pending.
-- ARG: now_ms, now_iso, url_prefix, limit
return expire_leases(tonumber(ARG[1]), ARG[2], ARG[3], tonumber(ARG[4]))
