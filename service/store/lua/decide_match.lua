-- Confirm or reject a suggested match between two claims, on both of them.
-- ARG: claim_id, other_id, decision (confirm|reject), actor_json, now_iso, url_prefix
-- → {'ok'} | {'not_found'} | {'no_match'} | {'decided', tier}
local id, other, decision, actor_json = ARG[1], ARG[2], ARG[3], ARG[4]
local now_iso, url_prefix = ARG[5], ARG[6]
local c, o = hgetall(K.claim(id)), hgetall(K.claim(other))
if not c or not o then return {'not_found'} end
local function decide(key_id, claim, other_id)
  local kept, found = {}, nil
  for _, m in ipairs(cjson.decode(claim.matches or '[]')) do
    if m.claim_id == other_id then found = m end
    if m.claim_id ~= other_id or decision == 'confirm' then
      if m.claim_id == other_id then m.tier = 'confirmed'; m.decided_at = now_iso end
      table.insert(kept, m)
    end
  end
  if not found then return nil end
  local writes = {'version', tostring(tonumber(claim.version) + 1), 'updated_at', now_iso}
  if #kept > 0 then
    table.insert(writes, 'matches'); table.insert(writes, lists_kept(cjson.encode(kept)))
  else
    redis.call('HDEL', K.claim(key_id), 'matches')
  end
  if decision == 'reject' then
    local rejected = cjson.decode(claim.rejected_matches or '[]')
    table.insert(rejected, other_id)
    table.insert(writes, 'rejected_matches'); table.insert(writes, cjson.encode(rejected))
  end
  redis.call('HSET', K.claim(key_id), unpack(writes))
  redis.call('RPUSH', K.claim_history(key_id), cjson.encode({at = now_iso,
    actor = cjson.decode(actor_json), from = claim.status, to = claim.status,
    version = tonumber(claim.version) + 1,
    fields = {match = {claim_id = other_id, decision = decision}}}))
  return found
end
local mine = nil
for _, m in ipairs(cjson.decode(c.matches or '[]')) do if m.claim_id == other then mine = m end end
if not mine then return {'no_match'} end
if mine.tier == 'confirmed' and decision == 'confirm' then return {'decided', 'confirmed'} end
decide(id, c, other)
decide(other, o, id)
if decision == 'confirm' then
  emit('claim.matched', {claim_id = id, article_id = c.article_id, matched_claim_id = other,
    version = tonumber(c.version) + 1, score = mine.score, tier = 'confirmed', matched_status = o.status,
    matched_rating = o.rating or cjson.null, actor = cjson.decode(actor_json),
    url = url_prefix .. id}, now_iso)
end
return {'ok'}
