-- The API key whose secret hashes to ARG[1], in one round trip (authentication runs on every
-- request). ARG: secret_hash → the key's record as a flat field/value list, empty when unknown.
local key_id = redis.call('GET', K.keyhash(ARG[1]))
if not key_id then return {} end
return redis.call('HGETALL', K.key(key_id))
