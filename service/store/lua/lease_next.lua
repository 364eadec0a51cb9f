-- Lease the highest-priority pending claim that fits the filters to the actor.
-- ARG: actor_json, now_ms, now_iso, url_prefix, lease_ms, min_score, article_id, entity_key,
--      idempotency token | ''
-- → {id, claim hash (flat), claim history} of the leased claim, or false when nothing fits.
-- With a token already used by this actor, the claim it leased, while the actor still holds
-- it (a client whose answer was lost).
local actor_json, now_ms, now_iso, url_prefix = ARG[1], tonumber(ARG[2]), ARG[3], ARG[4]
local lease_ms, min_score, article_id, entity = tonumber(ARG[5]), tonumber(ARG[6]), ARG[7], ARG[8]
local token = ARG[9]
expire_leases(now_ms, now_iso, url_prefix, 100)
local actor_key_id = cjson.decode(actor_json).key_id
if token ~= '' then
  local held = redis.call('GET', K.lease_idem(actor_key_id, token))
  if held then
    local c = redis.call('HMGET', K.claim(held), 'status', 'assignee')
    if c[1] == 'in_review' and c[2] and decode_or_null(c[2]).key_id == actor_key_id then
      return claim_reply(held)
    end
  end
end
local function fits(id)
  if min_score and tonumber(redis.call('HGET', K.claim(id), 'score') or '0') < min_score then
    return false
  end
  if entity ~= '' and not redis.call('ZSCORE', K.entity(entity), id) then return false end
  return true
end
local chosen = nil
local candidates = nil
if article_id ~= '' then
  candidates = redis.call('ZRANGE', K.article_claims(article_id), 0, -1)
elseif entity ~= '' then
  candidates = redis.call('ZREVRANGE', K.entity(entity), 0, 4999)
end
if candidates then
  local best = nil
  for _, id in ipairs(candidates) do
    local priority = redis.call('ZSCORE', K.queue_pending, id)
    if priority and (best == nil or tonumber(priority) > best) and fits(id) then
      best, chosen = tonumber(priority), id
    end
  end
elseif not min_score then
  chosen = redis.call('ZREVRANGE', K.queue_pending, 0, 0)[1]
else
  -- Highest priority first; a min_score filter looks a bounded way down the queue.
  for offset = 0, 1900, 100 do
    local batch = redis.call('ZREVRANGE', K.queue_pending, offset, offset + 99)
    for _, id in ipairs(batch) do
      if fits(id) then chosen = id; break end
    end
    if chosen or #batch < 100 then break end
  end
end
if not chosen then return false end
local c = hgetall(K.claim(chosen))
move(chosen, c, 'in_review', actor_json, now_ms, now_iso, url_prefix, {lease_ms = lease_ms})
if token ~= '' then
  redis.call('SET', K.lease_idem(actor_key_id, token), chosen, 'PX', lease_ms)
end
return claim_reply(chosen)
