-- Write one extraction run's claims: new ones queued, known ones refreshed, gone ones retracted.
-- ARG: article_id, now_ms, now_iso, url_prefix, claims_json, article_fields_json, article_url,
--      legacy_fields_json (fields a claim stored before `doc` held, dropped when it is rewritten)
-- claims_json: [{id, start, score, age_key, entity_keys: [...], fields: {name: string}}]
-- (fields: extraction output only) → the ids of claims created by this run
local aid, now_ms, now_iso, url_prefix = ARG[1], tonumber(ARG[2]), ARG[3], ARG[4]
local akey = K.article(aid)
if redis.call('EXISTS', akey) == 0 then return redis.error_reply('NOT_FOUND article') end
local claims = cjson.decode(ARG[5])
local index = K.article_claims(aid)
local keep, created, live = {}, {}, 0
for _, item in ipairs(claims) do
  local id = item.id
  local key = K.claim(id)
  keep[id] = true
  live = live + 1
  local writes = {}
  for k, v in pairs(item.fields) do table.insert(writes, k); table.insert(writes, v) end
  local c = hgetall(key)
  local seq
  if not c then
    seq = redis.call('INCR', K.seq_claim)
    -- Only what cannot be derived (claims.decode_claim): the id is in the key, created_at and
    -- updated_at follow from created_ms until a change, `retracted` is absent until true.
    for _, kv in ipairs({{'article_id', aid}, {'seq', tostring(seq)}, {'status', 'pending'},
                         {'version', '1'}, {'age_key', tostring(item.age_key)},
                         {'created_ms', tostring(now_ms)}}) do
      table.insert(writes, kv[1]); table.insert(writes, kv[2])
    end
    redis.call('HSET', key, unpack(writes))
    redis.call('ZADD', K.claims, seq, id)
    redis.call('ZADD', K.status('pending'), seq, id)
    redis.call('ZADD', K.queue_pending, priority_of(hgetall(key)), id)
    -- No history entry: creation is implied by created_at (full_history in store/claims.py),
    -- which saves a list key for every claim never reviewed.
    emit('claim.created', {claim_id = id, article_id = aid, from = cjson.null, to = 'pending',
      actor = 'system', version = 1, rating = cjson.null, url = url_prefix .. id}, now_iso)
    table.insert(created, id)
  else
    -- Same text again: refresh what extraction says about it, keep every human decision.
    seq = tonumber(c.seq)
    if not c.doc then redis.call('HDEL', key, unpack(cjson.decode(ARG[8]))) end
    redis.call('HSET', key, unpack(writes))
    if c.retracted == '1' then
      local version = tonumber(c.version) + 1
      redis.call('HSET', key, 'retracted', '0', 'version', tostring(version), 'updated_at', now_iso)
      redis.call('RPUSH', K.claim_history(id), cjson.encode({at = now_iso, actor = 'system',
        from = c.status, to = c.status, version = version, fields = {retracted = false},
        why = 'back in the article text'}))
    end
    if c.status == 'pending' then
      redis.call('ZADD', K.queue_pending, priority_of(hgetall(key)), id)
    end
  end
  redis.call('ZADD', K.claims_by_score, math.floor(item.score * 1000) * 1e9 + seq, id)
  for _, entity in ipairs(item.entity_keys) do
    redis.call('ZADD', K.entity(entity), seq, id)
  end
  redis.call('ZADD', index, item.start, id)
end
-- Claims no longer in the text leave the queue but keep their history.
for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
  if not keep[id] then
    local key = K.claim(id)
    local c = hgetall(key)
    if c and c.retracted ~= '1' then
      local version = tonumber(c.version) + 1
      redis.call('HSET', key, 'retracted', '1', 'version', tostring(version), 'updated_at', now_iso)
      redis.call('ZREM', K.queue_pending, id)
      redis.call('RPUSH', K.claim_history(id), cjson.encode({at = now_iso, actor = 'system',
        from = c.status, to = c.status, version = version, fields = {retracted = true},
        why = 'no longer in the article text'}))
    end
  end
end
local fields = cjson.decode(ARG[6])
local writes = {'claim_count', tostring(live), 'updated_at', now_iso}
for k, v in pairs(fields) do table.insert(writes, k); table.insert(writes, v) end
redis.call('HSET', akey, unpack(writes))
redis.call('HDEL', akey, 'error')
redis.call('ZREM', K.articles_queued, aid)
redis.call('ZREM', K.articles_processing, aid)
redis.call('HINCRBY', K.metrics_articles, 'done', 1)
local live_ids = {}
for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
  if keep[id] then table.insert(live_ids, id) end
end
local data = {article_id = aid, claim_count = live, url = ARG[7] or cjson.null}
if #live_ids > 0 then data.claim_ids = live_ids else data.claim_ids = cjson.decode('[]') end
emit('article.processed', data, now_iso)
return created
