-- Record the fact-checks a claim matches (claim.factchecks), each once, and emit claim.matched
-- for each new one. ARG: claim_id, matches_json [{factcheck_id, url, publisher, rating,
-- rating_published, similarity, tier, differences}], now_iso, url_prefix, boost ('1': a match
-- carries a verdict a flagged claim would: the claim moves up the queue).
-- → the number of fact-checks newly attached
local id, now_iso, url_prefix = ARG[1], ARG[3], ARG[4]
local c = hgetall(K.claim(id))
if not c then return 0 end
local mine = cjson.decode(c.factchecks or '[]')
local known = {}
for _, m in ipairs(mine) do known[m.factcheck_id] = true end
local attached = 0
for _, m in ipairs(cjson.decode(ARG[2])) do
  if not known[m.factcheck_id] then
    known[m.factcheck_id] = true
    m.at = now_iso
    table.insert(mine, m)
    emit('claim.matched', {claim_id = id, article_id = c.article_id, version = tonumber(c.version),
      url = url_prefix .. id, matched_claim_id = cjson.null, matched_factcheck_id = m.factcheck_id,
      factcheck_url = m.url, publisher = m.publisher, rating = m.rating, score = m.similarity,
      tier = m.tier, differences = m.differences}, now_iso)
    attached = attached + 1
  end
end
if attached > 0 then
  redis.call('HSET', K.claim(id), 'factchecks', lists_kept(cjson.encode(mine)))
  if ARG[5] == '1' then boost(id) end
end
return attached
