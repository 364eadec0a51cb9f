-- Rate limits as GCRA (a token bucket kept as one time stamp per key and quota): `limit` units
-- per `period_ms`, in bursts of up to `limit`. The stamp is the time the bucket is full again.
-- → {allowed (1/0), remaining units, ms until full, ms to wait before this cost fits, new stamp}
local function gcra(key, limit, period_ms, cost, now_ms)
  local interval = period_ms / limit
  local full_at = math.max(tonumber(redis.call('GET', key) or '0'), now_ms)
  local after = full_at + cost * interval
  local fits_at = after - period_ms
  if fits_at > now_ms then
    return {0, math.floor((period_ms - (full_at - now_ms)) / interval), math.ceil(full_at - now_ms),
            math.ceil(fits_at - now_ms), full_at}
  end
  return {1, math.floor((period_ms - (after - now_ms)) / interval), math.ceil(after - now_ms), 0, after}
end

local function spend(key, state, now_ms)
  redis.call('SET', key, string.format('%.0f', state[5]), 'PX', math.max(1, math.ceil(state[5] - now_ms)))
end
