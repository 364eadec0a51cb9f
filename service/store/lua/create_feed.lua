-- Create a feed, one per URL, due for its first poll now.
-- ARG: id, url_key, now_ms, fields... (name, value pairs)
-- → {'ok', id} | {'duplicate', existing_id}
local id, ukey = ARG[1], K.feed_url(ARG[2])
local existing = redis.call('GET', ukey)
if existing and redis.call('EXISTS', K.feed(existing)) == 1 then return {'duplicate', existing} end
local writes = {}
for i = 4, #ARG do table.insert(writes, ARG[i]) end
local seq = redis.call('INCR', K.seq_feed)
table.insert(writes, 'seq'); table.insert(writes, tostring(seq))
redis.call('HSET', K.feed(id), unpack(writes))
redis.call('SET', ukey, id)
redis.call('ZADD', K.feeds, seq, id)
redis.call('ZADD', K.feeds_due, tonumber(ARG[3]), id)
return {'ok', id}
