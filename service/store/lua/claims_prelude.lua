-- Shared by the claim scripts: moving one claim between states with all its indexes,
-- history and outbox event. Uses the generated header: p, K and the common numbers.
local VERDICTS = {verified = true, flagged = true, dismissed = true}
-- cjson writes an empty list as {}: the list fields scripts pass through get their [] back.
local function lists_kept(json)
  return (json:gsub('"differences":{}', '"differences":[]'))
end

local function emit(event_type, data, now_iso)
  local body = lists_kept(cjson.encode({type = event_type, timestamp = now_iso, data = data}))
  redis.call('XADD', K.events, 'MAXLEN', '~', EVENTS_MAXLEN, '*', 'type', event_type, 'body', body)
end

local function decode_or_null(raw)
  if raw == false or raw == nil or raw == '' then return cjson.null end
  return cjson.decode(raw)
end

-- A claim as the store reads it back: {id, its hash as a flat list, its stored history}.
local function claim_reply(id)
  return {id, redis.call('HGETALL', K.claim(id)), redis.call('LRANGE', K.claim_history(id), 0, -1)}
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

local function priority_of(c)
  return tonumber(c.score or '0') + tonumber(c.boost or '0') + tonumber(c.age_key or '0')
end

-- Whether a verdict on one side of a match speaks to the other (matching.says_another_thing):
-- not when the two say different things of one subject, unless a reviewer confirmed the match.
local function carries_verdict(m)
  if m.tier == 'confirmed' then return true end
  for _, difference in ipairs(m.differences or {}) do
    if string.sub(difference, 1, #OTHER_STATEMENT) == OTHER_STATEMENT then return false end
  end
  return true
end

-- A claim matching one flagged elsewhere moves up the queue.
local function boost(id)
  local key = K.claim(id)
  if redis.call('HGET', key, 'boost') == MATCH_BOOST then return end
  redis.call('HSET', key, 'boost', MATCH_BOOST)
  local c = hgetall(key)
  if c.status == 'pending' and c.retracted ~= '1' then
    redis.call('ZADD', K.queue_pending, priority_of(c), id)
  end
end

-- Move claim `id` (its hash already read into `c`) to `to`; returns the new version.
-- opts: lease_ms, lessee_json (who gets the lease; default the actor), fields, clear,
-- append, why, call_id (the transition call that made this change).
local function move(id, c, to, actor_json, now_ms, now_iso, url_prefix, opts)
  local key = K.claim(id)
  local from = c.status
  local seq = tonumber(c.seq)
  local version = tonumber(c.version) + 1
  local writes = {'status', to, 'version', tostring(version), 'updated_at', now_iso}
  if opts.call_id then table.insert(writes, 'last_call'); table.insert(writes, opts.call_id) end
  if from == 'in_review' then
    local holder = decode_or_null(c.assignee)
    if holder ~= cjson.null and type(holder) == 'table' then
      redis.call('ZREM', K.assignee(holder.key_id), id)
    end
    redis.call('HDEL', key, 'assignee', 'lease_expires_ms')
    redis.call('ZREM', K.leases, id)
  end
  if to == 'in_review' then
    local lessee_json = opts.lessee_json or actor_json
    local expires_ms = now_ms + opts.lease_ms
    table.insert(writes, 'assignee'); table.insert(writes, lessee_json)
    table.insert(writes, 'lease_expires_ms'); table.insert(writes, tostring(expires_ms))
    redis.call('ZADD', K.leases, expires_ms, id)
    redis.call('ZADD', K.assignee(cjson.decode(lessee_json).key_id), seq, id)
  end
  if to == 'pending' and c.retracted ~= '1' then
    redis.call('ZADD', K.queue_pending, priority_of(c), id)
  else
    redis.call('ZREM', K.queue_pending, id)
  end
  if to == 'flagged' then
    for _, m in ipairs(cjson.decode(c.matches or '[]')) do
      if carries_verdict(m) then boost(m.claim_id) end
    end
  end
  if VERDICTS[to] then
    table.insert(writes, 'decided_at'); table.insert(writes, now_iso)
    redis.call('HINCRBY', K.stats_verdicts_per_day, string.sub(now_iso, 1, 10), 1)
    local actor = cjson.decode(actor_json)
    if type(actor) == 'table' then
      redis.call('HINCRBY', K.stats_verdicts_by_reviewer, actor.key_id, 1)
    end
    if c.created_ms then
      redis.call('LPUSH', K.stats_time_to_verdict, (now_ms - tonumber(c.created_ms)) / 1000)
      redis.call('LTRIM', K.stats_time_to_verdict, 0, tonumber(VERDICT_SAMPLES) - 1)
    end
  end
  local changed = {}
  if opts.fields then
    for k, v in pairs(opts.fields) do
      table.insert(writes, k); table.insert(writes, v)
      changed[k] = v
    end
  end
  if opts.clear then
    for _, k in ipairs(opts.clear) do
      if c[k] ~= nil and c[k] ~= '' then
        redis.call('HDEL', key, k)
        changed[k] = cjson.null
      end
    end
  end
  if opts.append then
    for k, items in pairs(opts.append) do
      local list = cjson.decode(c[k] or '[]')
      for _, item in ipairs(items) do table.insert(list, item) end
      table.insert(writes, k); table.insert(writes, cjson.encode(list))
      changed[k] = items
    end
  end
  redis.call('HSET', key, unpack(writes))
  redis.call('HINCRBY', K.metrics_transitions, to, 1)
  if from ~= to then
    redis.call('ZREM', K.status(from), id)
    redis.call('ZADD', K.status(to), seq, id)
  end
  local entry = {at = now_iso, actor = cjson.decode(actor_json), from = from, to = to,
                 version = version, fields = changed}
  if opts.why then entry.why = opts.why end
  redis.call('RPUSH', K.claim_history(id), cjson.encode(entry))
  emit('claim.status_changed', {
    claim_id = id, article_id = c.article_id, from = from, to = to,
    actor = cjson.decode(actor_json), version = version,
    rating = redis.call('HGET', key, 'rating') or cjson.null,
    url = url_prefix .. id}, now_iso)
  return version
end

-- Return claims whose lease ran out to pending (at most `limit`); lazily called by every
-- queue step and by the beat task, so an expired lease never needs its claim to be touched.
local function expire_leases(now_ms, now_iso, url_prefix, limit)
  local due = redis.call('ZRANGEBYSCORE', K.leases, '-inf', now_ms, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    local c = hgetall(K.claim(id))
    if c and c.status == 'in_review' then
      move(id, c, 'pending', '"system"', now_ms, now_iso, url_prefix, {why = 'lease expired'})
    else
      redis.call('ZREM', K.leases, id)
    end
  end
  return due
end
