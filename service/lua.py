"""The Lua scripts that make every claim change one atomic Redis step (Redis 6.2 subset).

Keys are built inside the scripts from a prefix: a change touches the claim, its queue and
status indexes, its history and the event outbox together, which one Redis primary does
atomically (DESIGN §10: Redis Cluster is not a goal).
"""
from service.claims import FLAGGED_MATCH_BOOST

# Shared by the scripts below: moving one claim between states with all its indexes,
# history and outbox event.
PRELUDE = r"""
local p = ARGV[1]
local VERDICTS = {verified = true, flagged = true, dismissed = true}
local MATCH_BOOST = '""" + repr(FLAGGED_MATCH_BOOST) + r"""'

local function claim_key(id) return p .. 'claim:' .. id end

local function emit(event_type, data, now_iso)
  local body = cjson.encode({type = event_type, timestamp = now_iso, data = data})
  redis.call('XADD', p .. 'events', 'MAXLEN', '~', '1000000', '*', 'type', event_type, 'body', body)
end

local function decode_or_null(raw)
  if raw == false or raw == nil or raw == '' then return cjson.null end
  return cjson.decode(raw)
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

-- A claim matching one flagged elsewhere moves up the queue.
local function boost(id)
  local key = claim_key(id)
  if redis.call('HGET', key, 'boost') == MATCH_BOOST then return end
  redis.call('HSET', key, 'boost', MATCH_BOOST)
  local c = hgetall(key)
  if c.status == 'pending' and c.retracted ~= '1' then
    redis.call('ZADD', p .. 'queue:pending', priority_of(c), id)
  end
end

-- Move claim `id` (its hash already read into `c`) to `to`; returns the new version.
-- opts: lease_ms, lessee_json (who gets the lease; default the actor), fields, clear,
-- append, why.
local function move(id, c, to, actor_json, now_ms, now_iso, url_prefix, opts)
  local key = claim_key(id)
  local from = c.status
  local seq = tonumber(c.seq)
  local version = tonumber(c.version) + 1
  local writes = {'status', to, 'version', tostring(version), 'updated_at', now_iso}
  if from == 'in_review' then
    local holder = decode_or_null(c.assignee)
    if holder ~= cjson.null and type(holder) == 'table' then
      redis.call('ZREM', p .. 'assignee:' .. holder.key_id, id)
    end
    redis.call('HDEL', key, 'assignee', 'lease_expires_ms')
    redis.call('ZREM', p .. 'leases', id)
  end
  if to == 'in_review' then
    local lessee_json = opts.lessee_json or actor_json
    local expires_ms = now_ms + opts.lease_ms
    table.insert(writes, 'assignee'); table.insert(writes, lessee_json)
    table.insert(writes, 'lease_expires_ms'); table.insert(writes, tostring(expires_ms))
    redis.call('ZADD', p .. 'leases', expires_ms, id)
    redis.call('ZADD', p .. 'assignee:' .. cjson.decode(lessee_json).key_id, seq, id)
  end
  if to == 'pending' and c.retracted ~= '1' then
    redis.call('ZADD', p .. 'queue:pending', priority_of(c), id)
  else
    redis.call('ZREM', p .. 'queue:pending', id)
  end
  if to == 'flagged' then
    for _, m in ipairs(cjson.decode(c.matches or '[]')) do boost(m.claim_id) end
  end
  if VERDICTS[to] then
    table.insert(writes, 'decided_at'); table.insert(writes, now_iso)
    redis.call('HINCRBY', p .. 'stats:verdicts_per_day', string.sub(now_iso, 1, 10), 1)
    local actor = cjson.decode(actor_json)
    if type(actor) == 'table' then
      redis.call('HINCRBY', p .. 'stats:verdicts_by_reviewer', actor.key_id, 1)
    end
    if c.created_ms then
      redis.call('LPUSH', p .. 'stats:time_to_verdict', (now_ms - tonumber(c.created_ms)) / 1000)
      redis.call('LTRIM', p .. 'stats:time_to_verdict', 0, 9999)
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
  if from ~= to then
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

# ARGV: prefix, article_id, content_hash, fields_json, now_ms
# → {1} replaced, {0, other_id} that content is another article's, {-1} no such article
CORRECT_ARTICLE = r"""
local p = ARGV[1]
local id, hash = ARGV[2], ARGV[3]
local key = p .. 'article:' .. id
if redis.call('EXISTS', key) == 0 then return {-1} end
local owner = redis.call('GET', p .. 'article:hash:' .. hash)
if owner and owner ~= id then return {0, owner} end
local fields = cjson.decode(ARGV[4])
local writes = {}
for k, v in pairs(fields) do table.insert(writes, k); table.insert(writes, v) end
redis.call('HDEL', key, 'text', 'html', 'error')
redis.call('HSET', key, unpack(writes))
redis.call('SET', p .. 'article:hash:' .. hash, id)
redis.call('ZREM', p .. 'articles:processing', id)
redis.call('ZADD', p .. 'articles:queued', tonumber(ARGV[5]), id)
return {1}
"""

# ARGV: prefix, article_id, now_ms, now_iso, url_prefix, claims_json, article_fields_json, article_url
# claims_json: [{id, start, score, age_key, entity_keys: [...], fields: {name: string}}]
# (fields: extraction output only) → the ids of claims created by this run
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
  local seq
  if not c then
    seq = redis.call('INCR', p .. 'seq:claim')
    for _, kv in ipairs({{'id', id}, {'article_id', aid}, {'seq', tostring(seq)},
                         {'status', 'pending'}, {'version', '1'}, {'retracted', '0'},
                         {'age_key', tostring(item.age_key)}, {'created_ms', tostring(now_ms)},
                         {'created_at', now_iso}, {'updated_at', now_iso}}) do
      table.insert(writes, kv[1]); table.insert(writes, kv[2])
    end
    redis.call('HSET', key, unpack(writes))
    redis.call('ZADD', p .. 'claims', seq, id)
    redis.call('ZADD', p .. 'status:pending', seq, id)
    redis.call('ZADD', p .. 'queue:pending', priority_of(hgetall(key)), id)
    redis.call('RPUSH', key .. ':history', cjson.encode({at = now_iso, actor = 'system',
      from = cjson.null, to = 'pending', version = 1, fields = {}, why = 'extracted'}))
    emit('claim.created', {claim_id = id, article_id = aid, from = cjson.null, to = 'pending',
      actor = 'system', version = 1, rating = cjson.null, url = url_prefix .. id}, now_iso)
    table.insert(created, id)
  else
    -- Same text again: refresh what extraction says about it, keep every human decision.
    seq = tonumber(c.seq)
    redis.call('HSET', key, unpack(writes))
    if c.retracted == '1' then
      local version = tonumber(c.version) + 1
      redis.call('HSET', key, 'retracted', '0', 'version', tostring(version), 'updated_at', now_iso)
      redis.call('RPUSH', key .. ':history', cjson.encode({at = now_iso, actor = 'system',
        from = c.status, to = c.status, version = version, fields = {retracted = false},
        why = 'back in the article text'}))
    end
    if c.status == 'pending' then
      redis.call('ZADD', p .. 'queue:pending', priority_of(hgetall(key)), id)
    end
  end
  redis.call('ZADD', p .. 'claims:by_score', math.floor(item.score * 1000) * 1e9 + seq, id)
  for _, entity in ipairs(item.entity_keys) do
    redis.call('ZADD', p .. 'entity:' .. entity, seq, id)
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
local live_ids = {}
for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
  if keep[id] then table.insert(live_ids, id) end
end
local data = {article_id = aid, claim_count = live, url = ARGV[8] or cjson.null}
if #live_ids > 0 then data.claim_ids = live_ids else data.claim_ids = cjson.decode('[]') end
emit('article.processed', data, now_iso)
return created
"""

# ARGV: prefix, claim_id, matches_json [{claim_id, score, tier}], now_iso, url_prefix
# Links the claim and each match both ways (skipping rejected pairs) and emits claim.matched;
# a match already flagged boosts the claim. → the number of new links
LINK_MATCHES = PRELUDE + r"""
local id, now_iso, url_prefix = ARGV[2], ARGV[4], ARGV[5]
local c = hgetall(claim_key(id))
if not c then return 0 end
local function has(list, other)
  for _, m in ipairs(list) do if m.claim_id == other or m == other then return true end end
  return false
end
local mine = cjson.decode(c.matches or '[]')
local rejected = cjson.decode(c.rejected_matches or '[]')
local linked = 0
for _, m in ipairs(cjson.decode(ARGV[3])) do
  local o = hgetall(claim_key(m.claim_id))
  if o and m.claim_id ~= id and not has(rejected, m.claim_id) and not has(mine, m.claim_id) then
    table.insert(mine, {claim_id = m.claim_id, score = m.score, tier = m.tier, at = now_iso})
    local theirs = cjson.decode(o.matches or '[]')
    if not has(theirs, id) then
      table.insert(theirs, {claim_id = id, score = m.score, tier = m.tier, at = now_iso})
      redis.call('HSET', claim_key(m.claim_id), 'matches', cjson.encode(theirs))
    end
    if o.status == 'flagged' then boost(id) end
    if c.status == 'flagged' then boost(m.claim_id) end
    emit('claim.matched', {claim_id = id, article_id = c.article_id, matched_claim_id = m.claim_id,
      version = tonumber(c.version), score = m.score, tier = m.tier, matched_status = o.status,
      matched_rating = o.rating or cjson.null, url = url_prefix .. id}, now_iso)
    linked = linked + 1
  end
end
if linked > 0 then redis.call('HSET', claim_key(id), 'matches', cjson.encode(mine)) end
return linked
"""

# ARGV: prefix, claim_id, other_id, decision (confirm|reject), actor_json, now_iso, url_prefix
# → {'ok'} | {'not_found'} | {'no_match'} | {'decided', tier}
DECIDE_MATCH = PRELUDE + r"""
local id, other, decision, actor_json = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now_iso, url_prefix = ARGV[6], ARGV[7]
local c, o = hgetall(claim_key(id)), hgetall(claim_key(other))
if not c or not o then return {'not_found'} end
local function decide(key_id, claim, other_id)
  local kept, found = {}, nil
  for _, m in ipairs(cjson.decode(claim.matches or '[]')) do
    if m.claim_id == other_id then found = m end
    if m.claim_id ~= other_id or decision == 'confirm' then
      if m.claim_id == other_id then m.tier = 'confirmed'; m.decided_at = now_iso end
      table.insert(kept, m)
    end
  end
  if not found then return nil end
  local writes = {'version', tostring(tonumber(claim.version) + 1), 'updated_at', now_iso}
  if #kept > 0 then
    table.insert(writes, 'matches'); table.insert(writes, cjson.encode(kept))
  else
    redis.call('HDEL', claim_key(key_id), 'matches')
  end
  if decision == 'reject' then
    local rejected = cjson.decode(claim.rejected_matches or '[]')
    table.insert(rejected, other_id)
    table.insert(writes, 'rejected_matches'); table.insert(writes, cjson.encode(rejected))
  end
  redis.call('HSET', claim_key(key_id), unpack(writes))
  redis.call('RPUSH', claim_key(key_id) .. ':history', cjson.encode({at = now_iso,
    actor = cjson.decode(actor_json), from = claim.status, to = claim.status,
    version = tonumber(claim.version) + 1,
    fields = {match = {claim_id = other_id, decision = decision}}}))
  return found
end
local mine = nil
for _, m in ipairs(cjson.decode(c.matches or '[]')) do if m.claim_id == other then mine = m end end
if not mine then return {'no_match'} end
if mine.tier == 'confirmed' and decision == 'confirm' then return {'decided', 'confirmed'} end
decide(id, c, other)
decide(other, o, id)
if decision == 'confirm' then
  emit('claim.matched', {claim_id = id, article_id = c.article_id, matched_claim_id = other,
    version = tonumber(c.version) + 1, score = mine.score, tier = 'confirmed', matched_status = o.status,
    matched_rating = o.rating or cjson.null, actor = cjson.decode(actor_json),
    url = url_prefix .. id}, now_iso)
end
return {'ok'}
"""

# ARGV: prefix, claim_id, expected_version (-1: not checked), steps_json, actor_json,
#       actor_key_id, is_admin, now_ms, now_iso, url_prefix, lease_ms, append_json
# steps_json: {state: {to, holder_only, second_reviewer, lease_to_proposer, apply_proposed,
#               fields?, clear, copied_from?}} — the step for the claim's current state
# → {'ok', version} | {'not_found'} | {'stale', version} | {'refused', status}
#   | {'not_holder', status} | {'same_reviewer', status} | {'bad_copy', why} | {'bad_approval', why}
TRANSITION = PRELUDE + r"""
local id, expected = ARGV[2], tonumber(ARGV[3])
local steps = cjson.decode(ARGV[4])
local actor_json, key_id, is_admin = ARGV[5], ARGV[6], ARGV[7] == '1'
local now_ms, now_iso, url_prefix = tonumber(ARGV[8]), ARGV[9], ARGV[10]
local c = hgetall(claim_key(id))
if not c then return {'not_found'} end
if c.status == 'in_review' and tonumber(c.lease_expires_ms or '0') <= now_ms then
  move(id, c, 'pending', '"system"', now_ms, now_iso, url_prefix, {why = 'lease expired'})
  c = hgetall(claim_key(id))
end
if expected >= 0 and tonumber(c.version) ~= expected then return {'stale', c.version} end
local step = steps[c.status]
if not step then return {'refused', c.status} end
if c.retracted == '1' and step.to ~= 'dismissed' then return {'refused', 'retracted'} end
if step.holder_only and not is_admin then
  local holder = decode_or_null(c.assignee)
  if holder == cjson.null or holder.key_id ~= key_id then return {'not_holder', c.status} end
end
if step.second_reviewer then
  local proposer = decode_or_null(c.proposed_by)
  if proposer ~= cjson.null and proposer.key_id == key_id then return {'same_reviewer', c.status} end
end
if step.apply_proposed then
  if c.proposed_status ~= step.to then
    return {'bad_approval', 'the proposed verdict is ' .. tostring(c.proposed_status) .. ', not ' .. step.to}
  end
  if step.fields and step.fields.rating and step.fields.rating ~= c.rating then
    return {'bad_approval', 'the proposed rating is ' .. tostring(c.rating) .. '; approve it as proposed or send the claim back'}
  end
end
if step.copied_from then
  local found = false
  for _, m in ipairs(cjson.decode(c.matches or '[]')) do
    if m.claim_id == step.copied_from and m.tier == 'confirmed' then found = true end
  end
  if not found then return {'bad_copy', 'copied_from is not a confirmed match of this claim'} end
  local other = redis.call('HMGET', claim_key(step.copied_from), 'status', 'rating')
  if other[1] ~= step.to or other[2] ~= step.fields.rating then
    return {'bad_copy', 'the confirmed match does not hold that verdict'}
  end
end
local opts = {fields = step.fields, clear = step.clear, append = cjson.decode(ARGV[12]),
              lease_ms = tonumber(ARGV[11])}
if step.lease_to_proposer then opts.lessee_json = c.proposed_by end
local version = move(id, c, step.to, actor_json, now_ms, now_iso, url_prefix, opts)
return {'ok', tostring(version)}
"""

# ARGV: prefix, claim_id, actor_key_id, is_admin, now_ms, lease_ms
# → {'ok', expires_ms} | {'not_found'} | {'not_leased', status} | {'not_holder', status}
RENEW_LEASE = PRELUDE + r"""
local id, key_id, is_admin = ARGV[2], ARGV[3], ARGV[4] == '1'
local now_ms, lease_ms = tonumber(ARGV[5]), tonumber(ARGV[6])
local c = hgetall(claim_key(id))
if not c then return {'not_found'} end
if c.status ~= 'in_review' or tonumber(c.lease_expires_ms or '0') <= now_ms then
  return {'not_leased', c.status}
end
local holder = decode_or_null(c.assignee)
if not is_admin and (holder == cjson.null or holder.key_id ~= key_id) then return {'not_holder', c.status} end
local expires_ms = now_ms + lease_ms
redis.call('HSET', claim_key(id), 'lease_expires_ms', tostring(expires_ms))
redis.call('ZADD', p .. 'leases', expires_ms, id)
return {'ok', tostring(expires_ms)}
"""

# ARGV: prefix, actor_json, now_ms, now_iso, url_prefix, lease_ms, min_score, article_id, entity_key
# → the leased claim id, or false when nothing fits
LEASE_NEXT = PRELUDE + r"""
local actor_json, now_ms, now_iso, url_prefix = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local lease_ms, min_score, article_id, entity = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9]
expire_leases(now_ms, now_iso, url_prefix, 100)
local function fits(id)
  if min_score and tonumber(redis.call('HGET', claim_key(id), 'score') or '0') < min_score then
    return false
  end
  if entity ~= '' and not redis.call('ZSCORE', p .. 'entity:' .. entity, id) then return false end
  return true
end
local chosen = nil
local candidates = nil
if article_id ~= '' then
  candidates = redis.call('ZRANGE', p .. 'article:' .. article_id .. ':claims', 0, -1)
elseif entity ~= '' then
  candidates = redis.call('ZREVRANGE', p .. 'entity:' .. entity, 0, 4999)
end
if candidates then
  local best = nil
  for _, id in ipairs(candidates) do
    local priority = redis.call('ZSCORE', p .. 'queue:pending', id)
    if priority and (best == nil or tonumber(priority) > best) and fits(id) then
      best, chosen = tonumber(priority), id
    end
  end
elseif not min_score then
  chosen = redis.call('ZREVRANGE', p .. 'queue:pending', 0, 0)[1]
else
  -- Highest priority first; a min_score filter looks a bounded way down the queue.
  for offset = 0, 1900, 100 do
    local batch = redis.call('ZREVRANGE', p .. 'queue:pending', offset, offset + 99)
    for _, id in ipairs(batch) do
      if fits(id) then chosen = id; break end
    end
    if chosen or #batch < 100 then break end
  end
end
if not chosen then return false end
local c = hgetall(claim_key(chosen))
move(chosen, c, 'in_review', actor_json, now_ms, now_iso, url_prefix, {lease_ms = lease_ms})
return chosen
"""


# -- webhooks -------------------------------------------------------------------------------
# An endpoint's deliveries wait in one line (a list) and are sent in order by one drainer at a
# time, which holds the endpoint's `drain` key (a lease with a token). A failed attempt pauses
# the line until its retry is due (the `webhooks:retries` sorted set, moved by beat).
WEBHOOK_PRELUDE = r"""
local p = ARGV[1]
local function wkey(id) return p .. 'webhook:' .. id end
local function dkey(id) return p .. 'delivery:' .. id end

-- A new drainer's token for endpoint `id`, unless one holds it or it is disabled, paused or
-- has nothing to send.
local function wake(id, now_ms, lease_ms)
  local w = redis.call('HMGET', wkey(id), 'active', 'paused_until_ms')
  if w[1] ~= '1' or tonumber(w[2] or '0') > now_ms then return false end
  if redis.call('LLEN', wkey(id) .. ':queue') == 0 then return false end
  local token = tostring(redis.call('INCR', p .. 'seq:drain'))
  if redis.call('SET', wkey(id) .. ':drain', token, 'NX', 'PX', lease_ms) then return token end
  return false
end

-- One delivery at the back of the endpoint's line and in its log. The log keeps about
-- `log_cap` deliveries, dropping the oldest finished ones a few at a time.
local function add_delivery(id, event_id, event_type, payload, now_iso, log_cap)
  local seq = redis.call('INCR', p .. 'seq:delivery')
  local did = 'dlv_' .. seq
  redis.call('HSET', dkey(did), 'id', did, 'webhook_id', id, 'event_id', event_id,
    'event_type', event_type, 'payload', payload, 'status', 'pending', 'attempts', '0',
    'failures', '0', 'seq', tostring(seq), 'created_at', now_iso, 'updated_at', now_iso)
  redis.call('RPUSH', wkey(id) .. ':queue', did)
  local log = wkey(id) .. ':deliveries'
  redis.call('ZADD', log, seq, did)
  local excess = redis.call('ZCARD', log) - log_cap
  if excess > 0 then
    for _, old in ipairs(redis.call('ZRANGE', log, 0, math.min(excess, 8) - 1)) do
      if redis.call('HGET', dkey(old), 'status') ~= 'pending' then
        redis.call('DEL', dkey(old))
        redis.call('ZREM', log, old)
      end
    end
  end
  return did
end

local function last_event_id()
  local last = redis.call('XREVRANGE', p .. 'events', '+', '-', 'COUNT', 1)
  if last[1] then return last[1][1] end
  return '0-0'
end
"""

# ARGV: prefix, id, url_key, fields... (name, value pairs; `created_ms` among them)
# → {'ok', id} | {'duplicate', existing_id}
CREATE_WEBHOOK = WEBHOOK_PRELUDE + r"""
local id, ukey = ARGV[2], p .. 'webhook:url:' .. ARGV[3]
local existing = redis.call('GET', ukey)
if existing and redis.call('EXISTS', wkey(existing)) == 1 then return {'duplicate', existing} end
local writes = {}
for i = 4, #ARGV do table.insert(writes, ARGV[i]) end
local seq = redis.call('INCR', p .. 'seq:webhook')
table.insert(writes, 'seq'); table.insert(writes, tostring(seq))
redis.call('HSET', wkey(id), unpack(writes))
redis.call('SET', ukey, id)
redis.call('ZADD', p .. 'webhooks', seq, id)
-- With no other subscriber nothing before now is owed to anyone: fan-out starts here.
if redis.call('SCARD', p .. 'webhooks:active') == 0 then
  redis.call('SET', p .. 'webhooks:cursor', last_event_id())
end
redis.call('SADD', p .. 'webhooks:active', id)
return {'ok', id}
"""

# ARGV: prefix, id, now_ms, now_iso, lease_ms, new_url_key | '', active '1' | '0' | '',
#       fields... (name, value pairs)
# → {'ok', drain_token | ''} | {'not_found'} | {'duplicate', existing_id}
UPDATE_WEBHOOK = WEBHOOK_PRELUDE + r"""
local id, now_ms, now_iso, lease_ms = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local new_key, active = ARGV[6], ARGV[7]
local w = wkey(id)
if redis.call('EXISTS', w) == 0 then return {'not_found'} end
if new_key ~= '' then
  local ukey = p .. 'webhook:url:' .. new_key
  local existing = redis.call('GET', ukey)
  if existing and existing ~= id and redis.call('EXISTS', wkey(existing)) == 1 then
    return {'duplicate', existing}
  end
  local old = redis.call('HGET', w, 'url_key')
  if old and old ~= new_key and redis.call('GET', p .. 'webhook:url:' .. old) == id then
    redis.call('DEL', p .. 'webhook:url:' .. old)
  end
  redis.call('SET', ukey, id)
  redis.call('HSET', w, 'url_key', new_key)
end
local writes = {'updated_at', now_iso}
for i = 8, #ARGV do table.insert(writes, ARGV[i]) end
redis.call('HSET', w, unpack(writes))
local was_active = redis.call('HGET', w, 'active') == '1'
if active == '1' and not was_active then
  redis.call('HSET', w, 'active', '1')
  redis.call('HDEL', w, 'disabled_reason', 'disabled_at', 'paused_until_ms', 'failing_since')
  redis.call('ZREM', p .. 'webhooks:retries', id)
  redis.call('SADD', p .. 'webhooks:active', id)
elseif active == '0' and was_active then
  redis.call('HSET', w, 'active', '0', 'disabled_reason', 'disabled by an admin', 'disabled_at', now_iso)
  redis.call('HDEL', w, 'paused_until_ms')
  redis.call('SREM', p .. 'webhooks:active', id)
  redis.call('ZREM', p .. 'webhooks:retries', id)
end
return {'ok', wake(id, now_ms, lease_ms) or ''}
"""

# ARGV: prefix, id, new_secret, now_ms, grace_ms, now_iso → 1, or 0 when there is no such webhook
ROTATE_WEBHOOK_SECRET = WEBHOOK_PRELUDE + r"""
local w = wkey(ARGV[2])
local current = redis.call('HGET', w, 'secret')
if not current then return 0 end
if tonumber(ARGV[5]) > 0 then
  redis.call('HSET', w, 'previous_secret', current,
             'previous_secret_expires_ms', tostring(tonumber(ARGV[4]) + tonumber(ARGV[5])))
else
  redis.call('HDEL', w, 'previous_secret', 'previous_secret_expires_ms')
end
redis.call('HSET', w, 'secret', ARGV[3], 'secret_rotated_at', ARGV[6], 'updated_at', ARGV[6])
return 1
"""

# ARGV: prefix, ttl_ms → 1 when the caller should send a dispatch task (none is pending)
REQUEST_DISPATCH = r"""
local p = ARGV[1]
if redis.call('SCARD', p .. 'webhooks:active') == 0 then return 0 end
if redis.call('SET', p .. 'webhooks:dispatch', '1', 'NX', 'PX', tonumber(ARGV[2])) then return 1 end
return 0
"""

# ARGV: prefix → the number of active subscriptions (with none, the cursor skips to the end)
DISPATCH_START = WEBHOOK_PRELUDE + r"""
redis.call('DEL', p .. 'webhooks:dispatch')
local active = redis.call('SCARD', p .. 'webhooks:active')
if active == 0 then redis.call('SET', p .. 'webhooks:cursor', last_event_id()) end
return active
"""

# ARGV: prefix, expected_cursor, now_ms, now_iso, lease_ms, log_cap,
#       then per event: event_id, type, payload (in outbox order)
# → {'moved'} when another dispatcher advanced the cursor first, else
#   {'ok', id, token, id, token, ...} for the endpoints to drain now
FAN_OUT = WEBHOOK_PRELUDE + r"""
local cursor = redis.call('GET', p .. 'webhooks:cursor') or '0-0'
if cursor ~= ARGV[2] then return {'moved'} end
local now_ms, now_iso, lease_ms, log_cap = tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local result = {'ok'}
for _, id in ipairs(redis.call('SMEMBERS', p .. 'webhooks:active')) do
  local h = redis.call('HMGET', wkey(id), 'events', 'created_ms')
  if h[1] then
    local wanted = {}
    for _, t in ipairs(cjson.decode(h[1])) do wanted[t] = true end
    local since = tonumber(h[2] or '0')
    local added = 0
    for i = 7, #ARGV, 3 do
      -- An entry id starts with its time in ms: events from before the subscription are not its.
      if wanted[ARGV[i + 1]] and tonumber(string.match(ARGV[i], '^%d+')) >= since then
        add_delivery(id, ARGV[i], ARGV[i + 1], ARGV[i + 2], now_iso, log_cap)
        added = added + 1
      end
    end
    if added > 0 then
      local token = wake(id, now_ms, lease_ms)
      if token then table.insert(result, id); table.insert(result, token) end
    end
  end
end
if #ARGV >= 9 then redis.call('SET', p .. 'webhooks:cursor', ARGV[#ARGV - 2]) end
return result
"""

# ARGV: prefix, id, now_ms, now_iso, lease_ms, log_cap, then per event: event_id, type, payload
# → {'ok', drain_token | '', delivery_id...} | {'not_found'} | {'disabled'}
ADD_DELIVERIES = WEBHOOK_PRELUDE + r"""
local id = ARGV[2]
local active = redis.call('HGET', wkey(id), 'active')
if not active then return {'not_found'} end
if active ~= '1' then return {'disabled'} end
local ids = {}
for i = 7, #ARGV, 3 do
  table.insert(ids, add_delivery(id, ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[4], tonumber(ARGV[6])))
end
local result = {'ok', wake(id, tonumber(ARGV[3]), tonumber(ARGV[5])) or ''}
for _, did in ipairs(ids) do table.insert(result, did) end
return result
"""

# ARGV: prefix, id, token, now_ms, lease_ms
# → {'go', delivery_id, event_id, event_type, payload, attempts, failures, url, secret,
#    previous_secret | ''} | {'idle'} (lease given back) | {'lost'} (another drainer holds it)
NEXT_DELIVERY = WEBHOOK_PRELUDE + r"""
local id, token, now_ms = ARGV[2], ARGV[3], tonumber(ARGV[4])
local drain = wkey(id) .. ':drain'
if redis.call('GET', drain) ~= token then return {'lost'} end
local w = redis.call('HMGET', wkey(id), 'active', 'paused_until_ms', 'url', 'secret',
                     'previous_secret', 'previous_secret_expires_ms')
if w[1] ~= '1' or tonumber(w[2] or '0') > now_ms then
  redis.call('DEL', drain)
  return {'idle'}
end
local queue = wkey(id) .. ':queue'
while true do
  local head = redis.call('LINDEX', queue, 0)
  if not head then
    redis.call('DEL', drain)
    return {'idle'}
  end
  local d = redis.call('HMGET', dkey(head), 'event_id', 'event_type', 'payload', 'attempts',
                       'failures', 'status')
  if d[1] and d[6] == 'pending' then
    redis.call('PEXPIRE', drain, ARGV[5])
    local previous = ''
    if w[5] and tonumber(w[6] or '0') > now_ms then previous = w[5] end
    return {'go', head, d[1], d[2], d[3], d[4], d[5], w[3], w[4], previous}
  end
  redis.call('LPOP', queue)  -- deleted with its log entry, or already finished
end
"""

# ARGV: prefix, id, token, delivery_id, outcome ('succeeded' | 'retry' | 'failed'), now_ms,
#       now_iso, attempt_json, status_code | '', latency_ms, error | '', due_ms, disable_reason
# 'failed' gives up on the delivery and disables the endpoint. → 'ok' | 'lost' | 'gone'
RECORD_ATTEMPT = WEBHOOK_PRELUDE + r"""
local id, token, did, outcome, now_iso = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[7]
local d = dkey(did)
local known = redis.call('EXISTS', d) == 1
if known then
  local log = cjson.decode(redis.call('HGET', d, 'attempt_log') or '[]')
  table.insert(log, cjson.decode(ARGV[8]))
  if #log > 50 then table.remove(log, 1) end
  redis.call('HINCRBY', d, 'attempts', 1)
  redis.call('HSET', d, 'attempt_log', cjson.encode(log), 'last_status_code', ARGV[9],
             'last_latency_ms', ARGV[10], 'last_error', ARGV[11], 'updated_at', now_iso)
end
local w = wkey(id)
if redis.call('EXISTS', w) == 0 then return 'gone' end
local queue = w .. ':queue'
if outcome == 'succeeded' then
  if known then
    redis.call('HSET', d, 'status', 'succeeded', 'failures', '0')
    redis.call('HDEL', d, 'next_attempt_ms')
  end
  redis.call('LREM', queue, 1, did)
  redis.call('HSET', w, 'last_success_at', now_iso)
  redis.call('HDEL', w, 'failing_since')
  return 'ok'
end
local drain = w .. ':drain'
if redis.call('GET', drain) ~= token then return 'lost' end  -- the new holder paces the line
if known then redis.call('HINCRBY', d, 'failures', 1) end
if outcome == 'retry' then
  if known then redis.call('HSET', d, 'next_attempt_ms', ARGV[12]) end
  redis.call('HSET', w, 'paused_until_ms', ARGV[12])
  redis.call('HSETNX', w, 'failing_since', now_iso)
  redis.call('ZADD', p .. 'webhooks:retries', tonumber(ARGV[12]), id)
else
  if known then
    redis.call('HSET', d, 'status', 'failed')
    redis.call('HDEL', d, 'next_attempt_ms')
  end
  redis.call('LREM', queue, 1, did)
  redis.call('HSET', w, 'active', '0', 'disabled_reason', ARGV[13], 'disabled_at', now_iso)
  redis.call('HDEL', w, 'paused_until_ms')
  redis.call('SREM', p .. 'webhooks:active', id)
  redis.call('ZREM', p .. 'webhooks:retries', id)
end
redis.call('DEL', drain)
return 'ok'
"""

# ARGV: prefix, id, delivery_id, now_ms, now_iso, lease_ms
# → {'ok', drain_token | ''} | {'not_found'} | {'disabled'}
RETRY_DELIVERY = WEBHOOK_PRELUDE + r"""
local id, did = ARGV[2], ARGV[3]
if redis.call('HGET', dkey(did), 'webhook_id') ~= id then return {'not_found'} end
if redis.call('HGET', wkey(id), 'active') ~= '1' then return {'disabled'} end
if redis.call('HGET', dkey(did), 'status') == 'pending' then
  -- Still in the line (maybe waiting out a retry): the line goes on now.
  redis.call('HDEL', wkey(id), 'paused_until_ms')
  redis.call('ZREM', p .. 'webhooks:retries', id)
  local head = redis.call('LINDEX', wkey(id) .. ':queue', 0)
  if head then redis.call('HDEL', dkey(head), 'next_attempt_ms') end
else
  redis.call('HSET', dkey(did), 'status', 'pending', 'failures', '0', 'updated_at', ARGV[5])
  redis.call('RPUSH', wkey(id) .. ':queue', did)
end
redis.call('HDEL', dkey(did), 'next_attempt_ms')
return {'ok', wake(id, tonumber(ARGV[4]), tonumber(ARGV[6])) or ''}
"""

# ARGV: prefix, now_ms, lease_ms, limit → {id, token, ...}: endpoints whose retry is due, or
# that have deliveries waiting and no drainer (lost with a killed worker, or never woken)
SWEEP_WEBHOOKS = WEBHOOK_PRELUDE + r"""
local now_ms, lease_ms = tonumber(ARGV[2]), tonumber(ARGV[3])
local retries = p .. 'webhooks:retries'
for _, id in ipairs(redis.call('ZRANGEBYSCORE', retries, '-inf', now_ms, 'LIMIT', 0, tonumber(ARGV[4]))) do
  redis.call('ZREM', retries, id)
  redis.call('HDEL', wkey(id), 'paused_until_ms')
end
local result = {}
for _, id in ipairs(redis.call('SMEMBERS', p .. 'webhooks:active')) do
  local token = wake(id, now_ms, lease_ms)
  if token then table.insert(result, id); table.insert(result, token) end
end
return result
"""
