-- Record a claim's matches in other articles.
-- ARG: claim_id, matches_json [{claim_id, score, tier, differences}], now_iso, url_prefix
-- Links the claim and each match both ways (skipping rejected pairs) and emits claim.matched;
-- a match already flagged boosts the claim, unless the two say different things.
-- → the number of new links
local id, now_iso, url_prefix = ARG[1], ARG[3], ARG[4]
local c = hgetall(K.claim(id))
if not c then return 0 end
local function has(list, other)
  for _, m in ipairs(list) do if m.claim_id == other or m == other then return true end end
  return false
end
local mine = cjson.decode(c.matches or '[]')
local rejected = cjson.decode(c.rejected_matches or '[]')
local linked = 0
for _, m in ipairs(cjson.decode(ARG[2])) do
  local o = hgetall(K.claim(m.claim_id))
  if o and m.claim_id ~= id and not has(rejected, m.claim_id) and not has(mine, m.claim_id) then
    table.insert(mine, {claim_id = m.claim_id, score = m.score, tier = m.tier, differences = m.differences,
      at = now_iso})
    local theirs = cjson.decode(o.matches or '[]')
    if not has(theirs, id) then
      table.insert(theirs, {claim_id = id, score = m.score, tier = m.tier, differences = m.differences,
        at = now_iso})
      redis.call('HSET', K.claim(m.claim_id), 'matches', lists_kept(cjson.encode(theirs)))
    end
    if o.status == 'flagged' and carries_verdict(m) then boost(id) end
    if c.status == 'flagged' and carries_verdict(m) then boost(m.claim_id) end
    emit('claim.matched', {claim_id = id, article_id = c.article_id, matched_claim_id = m.claim_id,
      version = tonumber(c.version), score = m.score, tier = m.tier, differences = m.differences,
      matched_status = o.status,
      matched_rating = o.rating or cjson.null, url = url_prefix .. id}, now_iso)
    linked = linked + 1
  end
end
if linked > 0 then redis.call('HSET', K.claim(id), 'matches', lists_kept(cjson.encode(mine))) end
return linked
