-- Shared by the webhook scripts. An endpoint's deliveries wait in one line (a list) and are
-- sent in order by one drainer at a time, which holds the endpoint's `drain` key (a lease with
-- a token). A failed attempt pauses the line until its retry is due (K.webhooks_retries, a
-- sorted set moved by beat).
-- A new drainer's token for endpoint `id`, unless one holds it or it is disabled, paused or
-- has nothing to send.
local function wake(id, now_ms, lease_ms)
  local w = redis.call('HMGET', K.webhook(id), 'active', 'paused_until_ms')
  if w[1] ~= '1' or tonumber(w[2] or '0') > now_ms then return false end
  if redis.call('LLEN', K.webhook_queue(id)) == 0 then return false end
  local token = tostring(redis.call('INCR', K.seq_drain))
  if redis.call('SET', K.webhook_drain(id), token, 'NX', 'PX', lease_ms) then return token end
  return false
end

-- One delivery at the back of the endpoint's line and in its log. The log keeps about
-- `log_cap` deliveries, dropping the oldest finished ones a few at a time.
-- The events an article's extraction writes: their deliveries carry the request id that
-- submitted (or corrected) the article, for the drainer's log lines (service/logs.py).
local EXTRACTION_EVENTS = {['article.processed'] = true, ['article.failed'] = true, ['claim.created'] = true}
local function request_id_of(event_type, payload)
  if not EXTRACTION_EVENTS[event_type] then return '' end
  local ok, event = pcall(cjson.decode, payload)
  local aid = ok and type(event) == 'table' and type(event.data) == 'table' and event.data.article_id
  if type(aid) ~= 'string' then return '' end
  return redis.call('HGET', K.article(aid), 'request_id') or ''
end

local function add_delivery(id, event_id, event_type, payload, now_iso, log_cap)
  local seq = redis.call('INCR', K.seq_delivery)
  local did = 'dlv_' .. seq
  redis.call('HSET', K.delivery(did), 'id', did, 'webhook_id', id, 'event_id', event_id,
    'event_type', event_type, 'payload', payload, 'status', 'pending', 'attempts', '0',
    'failures', '0', 'seq', tostring(seq), 'created_at', now_iso, 'updated_at', now_iso,
    'request_id', request_id_of(event_type, payload))
  redis.call('RPUSH', K.webhook_queue(id), did)
  local log = K.webhook_deliveries(id)
  redis.call('ZADD', log, seq, did)
  local excess = redis.call('ZCARD', log) - log_cap
  if excess > 0 then
    for _, old in ipairs(redis.call('ZRANGE', log, 0, math.min(excess, 8) - 1)) do
      if redis.call('HGET', K.delivery(old), 'status') ~= 'pending' then
        redis.call('DEL', K.delivery(old))
        redis.call('ZREM', log, old)
      end
    end
  end
  return did
end

local function last_event_id()
  local last = redis.call('XREVRANGE', K.events, '+', '-', 'COUNT', 1)
  if last[1] then return last[1][1] end
  return '0-0'
end
