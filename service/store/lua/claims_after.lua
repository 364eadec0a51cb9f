-- One stretch of a claim index with the claims, for cursor paging (store/paging.py): one
-- round trip instead of a range and then a read per claim.
-- ARG: index key, bound (an exclusive score such as '(12', or '-inf'/'+inf'), 'asc'|'desc', count,
--      how many of those to read (the rest only say that more rows follow)
-- → {id, score, the claim's hash as a flat list (empty when it is gone or not read), ...}
local index, bound, count, read = ARG[1], ARG[2], tonumber(ARG[4]), tonumber(ARG[5])
local rows
if ARG[3] == 'desc' then
  rows = redis.call('ZREVRANGEBYSCORE', index, bound, '-inf', 'WITHSCORES', 'LIMIT', 0, count)
else
  rows = redis.call('ZRANGEBYSCORE', index, bound, '+inf', 'WITHSCORES', 'LIMIT', 0, count)
end
local reply = {}
for i = 1, #rows, 2 do
  table.insert(reply, rows[i])
  table.insert(reply, rows[i + 1])
  table.insert(reply, (i + 1) / 2 <= read and redis.call('HGETALL', K.claim(rows[i])) or {})
end
return reply
