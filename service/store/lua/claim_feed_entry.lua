-- Take an entry to ingest, by its identities (its id, its link): an identity already mapped to
-- an article means the entry was ingested (from this feed or another); one held by another
-- poll is left to it. The feed remembers the entry either way (its `entries_seen`).
-- ARG: feed_id, holder, hold_ms, identities... → {'claimed'} | {'seen', article_id} | {'busy'}
local feed = ARG[1]
if redis.call('EXISTS', K.feed(feed)) == 1 and ARG[4] then
  redis.call('SADD', K.feed_entries(feed), ARG[4])
end
for i = 4, #ARG do
  local value = redis.call('GET', K.feed_entry(ARG[i]))
  if value then
    if string.sub(value, 1, 8) == 'pending:' then return {'busy'} end
    -- Known by one identity: the others (a link it gained) point to the same article.
    for j = 4, #ARG do
      if not redis.call('GET', K.feed_entry(ARG[j])) then redis.call('SET', K.feed_entry(ARG[j]), value) end
    end
    return {'seen', value}
  end
end
for i = 4, #ARG do
  redis.call('SET', K.feed_entry(ARG[i]), ARG[2], 'PX', tonumber(ARG[3]))
end
return {'claimed'}
