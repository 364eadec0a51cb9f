-- An extraction gave up: the article becomes failed with the reason, unless it is no longer
-- waiting (an extraction that stored its claims and then hit its time limit leaves it done).
-- ARG: article_id, error, now_iso, timings_json | '' → 1 when failed now, 0 when left as it was
local key = K.article(ARG[1])
local status = redis.call('HGET', key, 'status')
if status ~= 'queued' and status ~= 'processing' then return 0 end
local writes = {'status', 'failed', 'error', ARG[2], 'updated_at', ARG[3]}
if ARG[4] ~= '' then table.insert(writes, 'timings'); table.insert(writes, ARG[4]) end
redis.call('HSET', key, unpack(writes))
redis.call('ZREM', K.articles_queued, ARG[1])
redis.call('ZREM', K.articles_processing, ARG[1])
redis.call('HINCRBY', K.metrics_articles, 'failed', 1)
emit('article.failed', {article_id = ARG[1], error = string.sub(ARG[2], 1, 500)}, ARG[3])
return 1
