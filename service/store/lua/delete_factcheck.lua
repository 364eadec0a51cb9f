-- Delete a fact-check and its URL entry, logged as changed (put_factchecks.lua).
-- ARG: id, url_key → 1 deleted | 0 not found
local id, url_key = ARG[1], ARG[2]
if redis.call('DEL', K.factcheck(id)) == 0 then return 0 end
redis.call('ZREM', K.factchecks, id)
if redis.call('GET', K.factcheck_url(url_key)) == id then redis.call('DEL', K.factcheck_url(url_key)) end
redis.call('ZADD', K.factchecks_changed, redis.call('INCR', K.factchecks_version), url_key)
return 1
