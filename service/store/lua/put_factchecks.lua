-- Store fact-checks, one per URL: a URL seen before keeps its id and takes the new fields.
-- All in one script, so a batch is stored whole or not at all.
-- ARG: now_iso, then (url_key, record_json, vector) triples → {id, 'created'|'updated'|'unchanged'} each
-- The URLs created or updated go into the change log at the version this write leaves, so a
-- search index reads what changed since the version it holds.
local now_iso = ARG[1]
local results = {}
local changed = {}
for i = 2, #ARG, 3 do
  local url_key, record, vector = ARG[i], ARG[i + 1], ARG[i + 2]
  local id = redis.call('GET', K.factcheck_url(url_key))
  local outcome
  if not id then
    local seq = redis.call('INCR', K.seq_factcheck)
    id = 'fc_' .. seq
    redis.call('SET', K.factcheck_url(url_key), id)
    redis.call('ZADD', K.factchecks, seq, id)
    redis.call('HSET', K.factcheck(id), 'record', record, 'vector', vector, 'created_at', now_iso,
               'updated_at', now_iso)
    outcome = 'created'
  elseif redis.call('HGET', K.factcheck(id), 'record') == record then
    outcome = 'unchanged'
  else
    redis.call('HSET', K.factcheck(id), 'record', record, 'vector', vector, 'updated_at', now_iso)
    outcome = 'updated'
  end
  if outcome ~= 'unchanged' then changed[#changed + 1] = url_key end
  results[#results + 1] = {id, outcome}
end
if #changed > 0 then
  local version = redis.call('INCR', K.factchecks_version)
  for _, url_key in ipairs(changed) do redis.call('ZADD', K.factchecks_changed, version, url_key) end
end
return results
