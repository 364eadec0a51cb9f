"""The Lua scripts that make every claim change one atomic Redis step (Redis 6.2 subset).

Keys are built inside the scripts from a prefix: a change touches the claim, its queue and
status indexes, its history and the event outbox together, which one Redis primary does
atomically (DESIGN §10: Redis Cluster is not a goal).
"""

# Shared by the scripts below: moving one claim between states with all its indexes,
# history and outbox event.
PRELUDE = r"""
local p = ARGV[1]

local function claim_key(id) return p .. 'claim:' .. id end

local function emit(event_type, data, now_iso)
  local body = cjson.encode({type = event_type, timestamp = now_iso, data = data})
  redis.call('XADD', p .. 'events', 'MAXLEN', '~', '1000000', '*', 'type', event_type, 'body', body)
end

local function decode_or_null(raw)
  if raw == false or raw == nil or raw == '' then return cjson.null end
  return cjson.decode(raw)
end

-- Move claim `id` (its hash already read into `c`) to `to`; returns the new version.
local function move(id, c, to, actor_json, now_ms, now_iso, url_prefix, opts)
  local key = claim_key(id)
  local from = c.status
  local version = tonumber(c.version) + 1
  local writes = {'status', to, 'version', tostring(version), 'updated_at', now_iso}
  if to == 'in_review' then
    local expires_ms = now_ms + opts.lease_ms
    table.insert(writes, 'assignee'); table.insert(writes, actor_json)
    table.insert(writes, 'lease_expires_ms'); table.insert(writes, tostring(expires_ms))
    redis.call('ZREM', p .. 'queue:pending', id)
    redis.call('ZADD', p .. 'leases', expires_ms, id)
  elseif from == 'in_review' then
    redis.call('HDEL', key, 'assignee', 'lease_expires_ms')
    redis.call('ZREM', p .. 'leases', id)
  end
  if to == 'pending' then
    if c.retracted ~= '1' then
      redis.call('ZADD', p .. 'queue:pending', tonumber(c.priority), id)
    end
  else
    redis.call('ZREM', p .. 'queue:pending', id)
  end
  if to == 'verified' or to == 'flagged' or to == 'dismissed' then
    table.insert(writes, 'decided_at'); table.insert(writes, now_iso)
  end
  local changed = {}
  if opts.fields then
    for k, v in pairs(opts.fields) do
      if v == cjson.null then
        redis.call('HDEL', key, k)
      else
        table.insert(writes, k); table.insert(writes, v)
      end
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
  if from ~= to then
    local seq = tonumber(c.seq)
    redis.call('ZREM', p .. 'status:' .. from, id)
    redis.call('ZADD', p .. 'status:' .. to, seq, id)
  end
  local entry = {at = now_iso, actor = cjson.decode(actor_json), from = from, to = to,
                 version = version, fields = changed}
  if opts.why then entry.why = opts.why end
  redis.call('RPUSH', key .. ':history', cjson.encode(entry))
  emit('claim.status_changed', {
    claim_id = id, article_id = c.article_id, from = from, to = to,
    actor = cjson.decode(actor_json), version = version,
    rating = redis.call('HGET', key, 'rating') or cjson.null,
    url = url_prefix .. id}, now_iso)
  return version
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

-- Return claims whose lease ran out to pending (at most `limit`); lazily called by every
-- queue step and by the beat task, so an expired lease never needs its claim to be touched.
local function expire_leases(now_ms, now_iso, url_prefix, limit)
  local due = redis.call('ZRANGEBYSCORE', p .. 'leases', '-inf', now_ms, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    local c = hgetall(claim_key(id))
    if c and c.status == 'in_review' then
      move(id, c, 'pending', '"system"', now_ms, now_iso, url_prefix, {why = 'lease expired'})
    else
      redis.call('ZREM', p .. 'leases', id)
    end
  end
  return due
end
"""

# ARGV: prefix, now_ms, now_iso, url_prefix, limit
EXPIRE_LEASES = PRELUDE + r"""
return expire_leases(tonumber(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5]))
"""

# ARGV: prefix, article_id, content_hash, idempotency_key, idempotency_ttl, fields_json, now_ms
# → {1, id} created, {0, existing_id} same content, {2, existing_id} key reused for other content
CREATE_ARTICLE = r"""
local p = ARGV[1]
local id, hash, idem = ARGV[2], ARGV[3], ARGV[4]
if idem ~= '' then
  local prior = redis.call('HMGET', p .. 'idem:' .. idem, 'article_id', 'content_hash')
  if prior[1] then
    if prior[2] == hash then return {0, prior[1]} end
    return {2, prior[1]}
  end
end
local existing = redis.call('GET', p .. 'article:hash:' .. hash)
if existing then
  if idem ~= '' then
    redis.call('HSET', p .. 'idem:' .. idem, 'article_id', existing, 'content_hash', hash)
    redis.call('EXPIRE', p .. 'idem:' .. idem, tonumber(ARGV[5]))
  end
  return {0, existing}
end
local fields = cjson.decode(ARGV[6])
local writes = {}
for k, v in pairs(fields) do table.insert(writes, k); table.insert(writes, v) end
local seq = redis.call('INCR', p .. 'seq:article')
table.insert(writes, 'seq'); table.insert(writes, tostring(seq))
redis.call('HSET', p .. 'article:' .. id, unpack(writes))
redis.call('SET', p .. 'article:hash:' .. hash, id)
redis.call('ZADD', p .. 'articles', seq, id)
redis.call('ZADD', p .. 'articles:queued', tonumber(ARGV[7]), id)
if idem ~= '' then
  redis.call('HSET', p .. 'idem:' .. idem, 'article_id', id, 'content_hash', hash)
  redis.call('EXPIRE', p .. 'idem:' .. idem, tonumber(ARGV[5]))
end
return {1, id}
"""

# ARGV: prefix, article_id, now_ms, now_iso, url_prefix, claims_json, article_fields_json, article_url
# claims_json: [{id, priority, start, fields: {name: string}}] (fields: extraction output only)
# → the ids of claims created by this run
STORE_CLAIMS = PRELUDE + r"""
local aid, now_ms, now_iso, url_prefix = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local akey = p .. 'article:' .. aid
if redis.call('EXISTS', akey) == 0 then return redis.error_reply('NOT_FOUND article') end
local claims = cjson.decode(ARGV[6])
local index = akey .. ':claims'
local keep, created, live = {}, {}, 0
for _, item in ipairs(claims) do
  local id = item.id
  local key = claim_key(id)
  keep[id] = true
  live = live + 1
  local writes = {}
  for k, v in pairs(item.fields) do table.insert(writes, k); table.insert(writes, v) end
  local c = hgetall(key)
  if not c then
    local seq = redis.call('INCR', p .. 'seq:claim')
    for _, kv in ipairs({{'id', id}, {'article_id', aid}, {'seq', tostring(seq)},
                         {'status', 'pending'}, {'version', '1'}, {'retracted', '0'},
                         {'priority', tostring(item.priority)},
                         {'created_at', now_iso}, {'updated_at', now_iso}}) do
      table.insert(writes, kv[1]); table.insert(writes, kv[2])
    end
    redis.call('HSET', key, unpack(writes))
    redis.call('ZADD', p .. 'claims', seq, id)
    redis.call('ZADD', p .. 'status:pending', seq, id)
    redis.call('ZADD', p .. 'queue:pending', item.priority, id)
    redis.call('RPUSH', key .. ':history', cjson.encode({at = now_iso, actor = 'system',
      from = cjson.null, to = 'pending', version = 1, fields = {}, why = 'extracted'}))
    emit('claim.created', {claim_id = id, article_id = aid, from = cjson.null, to = 'pending',
      actor = 'system', version = 1, rating = cjson.null, url = url_prefix .. id}, now_iso)
    table.insert(created, id)
  else
    -- Same text again: refresh what extraction says about it, keep every human decision.
    table.insert(writes, 'priority'); table.insert(writes, tostring(item.priority))
    redis.call('HSET', key, unpack(writes))
    if c.retracted == '1' then
      local version = tonumber(c.version) + 1
      redis.call('HSET', key, 'retracted', '0', 'version', tostring(version), 'updated_at', now_iso)
      redis.call('RPUSH', key .. ':history', cjson.encode({at = now_iso, actor = 'system',
        from = c.status, to = c.status, version = version, fields = {retracted = false},
        why = 'back in the article text'}))
    end
    if c.status == 'pending' then
      redis.call('ZADD', p .. 'queue:pending', item.priority, id)
    end
  end
  redis.call('ZADD', index, item.start, id)
end
-- Claims no longer in the text leave the queue but keep their history.
for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
  if not keep[id] then
    local key = claim_key(id)
    local c = hgetall(key)
    if c and c.retracted ~= '1' then
      local version = tonumber(c.version) + 1
      redis.call('HSET', key, 'retracted', '1', 'version', tostring(version), 'updated_at', now_iso)
      redis.call('ZREM', p .. 'queue:pending', id)
      redis.call('RPUSH', key .. ':history', cjson.encode({at = now_iso, actor = 'system',
        from = c.status, to = c.status, version = version, fields = {retracted = true},
        why = 'no longer in the article text'}))
    end
  end
end
local fields = cjson.decode(ARGV[7])
local writes = {'claim_count', tostring(live), 'updated_at', now_iso}
for k, v in pairs(fields) do table.insert(writes, k); table.insert(writes, v) end
redis.call('HSET', akey, unpack(writes))
redis.call('HDEL', akey, 'error')
redis.call('ZREM', p .. 'articles:queued', aid)
redis.call('ZREM', p .. 'articles:processing', aid)
local ids = redis.call('ZRANGE', index, 0, -1)
local live_ids = {}
for _, id in ipairs(ids) do if keep[id] then table.insert(live_ids, id) end end
local data = {article_id = aid, claim_count = live, url = ARGV[8] or cjson.null}
if #live_ids > 0 then data.claim_ids = live_ids else data.claim_ids = cjson.decode('[]') end
emit('article.processed', data, now_iso)
return created
"""

# ARGV: prefix, claim_id, expected_version, request_json, actor_json, actor_key_id,
#       is_admin, now_ms, now_iso, url_prefix, lease_ms
# request_json: {to, allowed_from: [...], holder_only: [...], fields: {...}, clear: [...],
#                append: {notes: [...], evidence: [...]}, copied_from?, copied_rating?}
# → {'ok', version} | {'not_found'} | {'stale', version} | {'refused', status}
#   | {'not_holder', status} | {'bad_copy', reason}
TRANSITION = PRELUDE + r"""
local id, expected = ARGV[2], tonumber(ARGV[3])
local req = cjson.decode(ARGV[4])
local actor_json, key_id, is_admin = ARGV[5], ARGV[6], ARGV[7] == '1'
local now_ms, now_iso, url_prefix = tonumber(ARGV[8]), ARGV[9], ARGV[10]
local c = hgetall(claim_key(id))
if not c then return {'not_found'} end
if c.status == 'in_review' and tonumber(c.lease_expires_ms or '0') <= now_ms then
  move(id, c, 'pending', '"system"', now_ms, now_iso, url_prefix, {why = 'lease expired'})
  c = hgetall(claim_key(id))
end
if tonumber(c.version) ~= expected then return {'stale', c.version} end
local allowed = false
for _, s in ipairs(req.allowed_from) do if s == c.status then allowed = true end end
if not allowed then return {'refused', c.status} end
for _, s in ipairs(req.holder_only) do
  if s == c.status and not is_admin then
    local holder = decode_or_null(c.assignee)
    if holder == cjson.null or holder.key_id ~= key_id then return {'not_holder', c.status} end
  end
end
if c.retracted == '1' and req.to ~= 'dismissed' then return {'refused', 'retracted'} end
if req.copied_from then
  local found = false
  for _, m in ipairs(cjson.decode(c.matches or '[]')) do
    if m.claim_id == req.copied_from and m.tier == 'confirmed' then found = true end
  end
  if not found then return {'bad_copy', 'copied_from is not a confirmed match of this claim'} end
  local other = redis.call('HMGET', claim_key(req.copied_from), 'status', 'rating')
  if other[1] ~= req.to or other[2] ~= req.fields.rating then
    return {'bad_copy', 'the confirmed match does not hold that verdict'}
  end
end
local version = move(id, c, req.to, actor_json, now_ms, now_iso, url_prefix,
  {fields = req.fields, clear = req.clear, append = req.append, lease_ms = tonumber(ARGV[11])})
return {'ok', tostring(version)}
"""

# ARGV: prefix, actor_json, now_ms, now_iso, url_prefix, lease_ms, min_priority, article_id
# → the leased claim id, or false when nothing fits
LEASE_NEXT = PRELUDE + r"""
local actor_json, now_ms, now_iso, url_prefix = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local lease_ms, min_priority, article_id = tonumber(ARGV[6]), ARGV[7], ARGV[8]
expire_leases(now_ms, now_iso, url_prefix, 100)
local chosen = nil
if article_id ~= '' then
  local best = nil
  for _, id in ipairs(redis.call('ZRANGE', p .. 'article:' .. article_id .. ':claims', 0, -1)) do
    local score = redis.call('ZSCORE', p .. 'queue:pending', id)
    if score and tonumber(score) >= tonumber(min_priority) and (best == nil or tonumber(score) > best) then
      best, chosen = tonumber(score), id
    end
  end
else
  local top = redis.call('ZREVRANGEBYSCORE', p .. 'queue:pending', '+inf', min_priority, 'LIMIT', 0, 1)
  chosen = top[1]
end
if not chosen then return false end
local c = hgetall(claim_key(chosen))
move(chosen, c, 'in_review', actor_json, now_ms, now_iso, url_prefix, {lease_ms = lease_ms})
return chosen
"""
