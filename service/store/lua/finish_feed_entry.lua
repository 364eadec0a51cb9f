-- An entry taken by claim_feed_entry: ingested (its identities now name the article, for good)
-- or let go (the next poll tries it again).
-- ARG: feed_id, holder, article_id ('' lets go), created ('1' counts it in the feed's
-- entries_ingested), identities... → 1
local feed, holder, article = ARG[1], ARG[2], ARG[3]
for i = 5, #ARG do
  local ikey = K.feed_entry(ARG[i])
  if article ~= '' then
    redis.call('SET', ikey, article)
  elseif redis.call('GET', ikey) == holder then
    redis.call('DEL', ikey)
  end
end
if article ~= '' and ARG[4] == '1' and redis.call('EXISTS', K.feed(feed)) == 1 then
  redis.call('HINCRBY', K.feed(feed), 'entries_ingested', 1)
end
return 1
