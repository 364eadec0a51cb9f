-- Store a new article once per content hash and Idempotency-Key, and queue it.
-- ARG: article_id, content_hash, idempotency_key, idempotency_ttl, fields_json, now_ms
-- → {1, id} created, {0, existing_id} same content, {2, existing_id} key reused for other content
local id, hash, idem = ARG[1], ARG[2], ARG[3]
if idem ~= '' then
  local prior = redis.call('HMGET', K.idem(idem), 'article_id', 'content_hash')
  if prior[1] then
    if prior[2] == hash then return {0, prior[1]} end
    return {2, prior[1]}
  end
end
local existing = redis.call('GET', K.article_hash(hash))
if existing then
  if idem ~= '' then
    redis.call('HSET', K.idem(idem), 'article_id', existing, 'content_hash', hash)
    redis.call('EXPIRE', K.idem(idem), tonumber(ARG[4]))
  end
  return {0, existing}
end
local fields = cjson.decode(ARG[5])
local writes = {}
for k, v in pairs(fields) do table.insert(writes, k); table.insert(writes, v) end
local seq = redis.call('INCR', K.seq_article)
table.insert(writes, 'seq'); table.insert(writes, tostring(seq))
redis.call('HSET', K.article(id), unpack(writes))
redis.call('SET', K.article_hash(hash), id)
redis.call('ZADD', K.articles, seq, id)
redis.call('ZADD', K.articles_queued, tonumber(ARG[6]), id)
if idem ~= '' then
  redis.call('HSET', K.idem(idem), 'article_id', id, 'content_hash', hash)
  redis.call('EXPIRE', K.idem(idem), tonumber(ARG[4]))
end
return {1, id}
