-- Embeddings computed again for fact-checks stored before their current form (an English part),
-- each kept only while the fact-check is as it was read: a write since then stored its own.
-- ARG: (id, updated_at, vector) triples → how many were stored
local stored = 0
for i = 1, #ARG, 3 do
  local key = K.factcheck(ARG[i])
  if redis.call('HGET', key, 'updated_at') == ARG[i + 1] then
    redis.call('HSET', key, 'vector', ARG[i + 2])
    stored = stored + 1
  end
end
return stored
