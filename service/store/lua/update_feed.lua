-- Change a feed: its URL (one feed per URL; a new URL forgets the old validators and failures
-- and is polled now), title, interval, fetch_pages, active (false: off the poll schedule; true: polled now).
-- ARG: id, now_ms, new_url_key ('' keeps the URL), active ('', '1', '0'), fields... (pairs)
-- → {'ok'} | {'not_found'} | {'duplicate', existing_id}
local id, now = ARG[1], tonumber(ARG[2])
local key = K.feed(id)
if redis.call('EXISTS', key) == 0 then return {'not_found'} end
local new_ukey, active = ARG[3], ARG[4]
local poll_now = false
if new_ukey ~= '' then
  local old_ukey = redis.call('HGET', key, 'url_key')
  if new_ukey ~= old_ukey then
    local existing = redis.call('GET', K.feed_url(new_ukey))
    if existing and existing ~= id and redis.call('EXISTS', K.feed(existing)) == 1 then
      return {'duplicate', existing}
    end
    if old_ukey and redis.call('GET', K.feed_url(old_ukey)) == id then
      redis.call('DEL', K.feed_url(old_ukey))
    end
    redis.call('SET', K.feed_url(new_ukey), id)
    redis.call('HSET', key, 'url_key', new_ukey)
    redis.call('HDEL', key, 'etag', 'last_modified', 'last_error')
    redis.call('HSET', key, 'consecutive_failures', '0')
    poll_now = true
  end
end
local writes = {}
for i = 5, #ARG do table.insert(writes, ARG[i]) end
if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
local was_active = redis.call('HGET', key, 'active') == '1'
if active ~= '' then redis.call('HSET', key, 'active', active) end
if redis.call('HGET', key, 'active') ~= '1' then
  redis.call('ZREM', K.feeds_due, id)
  return {'ok'}
end
if poll_now or not was_active then
  redis.call('ZADD', K.feeds_due, now, id)
elseif redis.call('ZSCORE', K.feeds_due, id) then
  -- A new interval counts from the last poll (a feed backing off keeps its own schedule).
  local failures = tonumber(redis.call('HGET', key, 'consecutive_failures') or '0')
  local polled = tonumber(redis.call('HGET', key, 'last_polled_ms') or '0')
  local interval = tonumber(redis.call('HGET', key, 'interval_seconds'))
  if failures == 0 and polled > 0 and not redis.call('HGET', key, 'poll_token') then
    redis.call('ZADD', K.feeds_due, math.max(now, polled + interval * 1000), id)
  end
end
return {'ok'}
