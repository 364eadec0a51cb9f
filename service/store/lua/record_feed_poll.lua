-- A poll's outcome, written only while its token still holds the feed (not after the feed was
-- deleted, or its lease lapsed and another poll took it); the feed is due again at next_ms.
-- ARG: id, token, next_ms, clear (space-separated fields to remove), fields... (pairs) → 1 | 0
local key = K.feed(ARG[1])
if redis.call('HGET', key, 'poll_token') ~= ARG[2] then return 0 end
local writes = {}
for i = 5, #ARG do table.insert(writes, ARG[i]) end
if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
for name in string.gmatch(ARG[4], '%S+') do redis.call('HDEL', key, name) end
redis.call('HDEL', key, 'poll_token')
if redis.call('HGET', key, 'active') == '1' then
  redis.call('ZADD', K.feeds_due, tonumber(ARG[3]), ARG[1])
end
return 1
