-- Delete a fact-check and its URL entry. ARG: id, url_key → 1 deleted | 0 not found
local id, url_key = ARG[1], ARG[2]
if redis.call('DEL', K.factcheck(id)) == 0 then return 0 end
redis.call('ZREM', K.factchecks, id)
if redis.call('GET', K.factcheck_url(url_key)) == id then redis.call('DEL', K.factcheck_url(url_key)) end
redis.call('INCR', K.factchecks_version)
return 1
