-- Take the feeds due for a poll: each gets a poll token and is held for the lease (a poll lost
-- with its worker is taken again once the lease lapses).
-- ARG: now_ms, lease_ms, limit, token_base → {id, token, id, token, ...}
local now = tonumber(ARG[1])
local due = redis.call('ZRANGEBYSCORE', K.feeds_due, '-inf', now, 'LIMIT', 0, tonumber(ARG[3]))
local taken = {}
for _, id in ipairs(due) do
  if redis.call('HGET', K.feed(id), 'active') == '1' then
    local token = ARG[4] .. ':' .. id
    redis.call('HSET', K.feed(id), 'poll_token', token)
    redis.call('ZADD', K.feeds_due, now + tonumber(ARG[2]), id)
    table.insert(taken, id); table.insert(taken, token)
  else
    redis.call('ZREM', K.feeds_due, id)
  end
end
return taken
