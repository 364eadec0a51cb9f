-- Replace an article's text with a correction and queue it for extraction again.
-- ARG: article_id, content_hash, fields_json, now_ms
-- → {1} replaced, {0, other_id} that content is another article's, {-1} no such article
local id, hash = ARG[1], ARG[2]
local key = K.article(id)
if redis.call('EXISTS', key) == 0 then return {-1} end
local owner = redis.call('GET', K.article_hash(hash))
if owner and owner ~= id then return {0, owner} end
local fields = cjson.decode(ARG[3])
local writes = {}
for k, v in pairs(fields) do table.insert(writes, k); table.insert(writes, v) end
redis.call('HDEL', key, 'text', 'html', 'error')
redis.call('HSET', key, unpack(writes))
redis.call('SET', K.article_hash(hash), id)
redis.call('ZREM', K.articles_processing, id)
redis.call('ZADD', K.articles_queued, tonumber(ARG[4]), id)
return {1}
