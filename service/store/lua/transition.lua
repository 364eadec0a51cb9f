-- Move a claim to another state: check version, holder and step, then write it all at once.
-- ARG: claim_id, expected_version (-1: not checked), steps_json, actor_json,
--       actor_key_id, is_admin, now_ms, now_iso, url_prefix, lease_ms, append_json, call_id
--       (call_id: unique per call, kept as the claim's last_call, so a retry is recognised)
-- steps_json: {state: {to, holder_only, second_reviewer, lease_to_proposer, apply_proposed,
--               fields?, clear, copied_from?}} — the step for the claim's current state
-- → {'not_found'}, or {outcome, detail, claim hash (flat), claim history} with the claim as it
--   stands after the call (the caller answers without reading it again); outcome, detail:
--   'ok', version | 'stale', version | 'refused', status | 'not_holder', status
--   | 'same_reviewer', status | 'bad_copy', why | 'bad_approval', why
local id, expected = ARG[1], tonumber(ARG[2])
local steps = cjson.decode(ARG[3])
local actor_json, key_id, is_admin = ARG[4], ARG[5], ARG[6] == '1'
local now_ms, now_iso, url_prefix = tonumber(ARG[7]), ARG[8], ARG[9]
local call_id = ARG[12]

local function decide()
  local c = hgetall(K.claim(id))
  if not c then return {'not_found'} end
  if c.status == 'in_review' and tonumber(c.lease_expires_ms or '0') <= now_ms then
    move(id, c, 'pending', '"system"', now_ms, now_iso, url_prefix, {why = 'lease expired'})
    c = hgetall(K.claim(id))
  end
  if expected >= 0 and tonumber(c.version) ~= expected then
    -- This very call again (the client's retry after a lost reply) made the last change.
    if c.last_call == call_id and tonumber(c.version) == expected + 1 then return {'ok', c.version} end
    return {'stale', c.version}
  end
  local step = steps[c.status]
  if not step then return {'refused', c.status} end
  if c.retracted == '1' and step.to ~= 'dismissed' then return {'refused', 'retracted'} end
  if step.holder_only and not is_admin then
    local holder = decode_or_null(c.assignee)
    if holder == cjson.null or holder.key_id ~= key_id then return {'not_holder', c.status} end
  end
  if step.second_reviewer then
    local proposer = decode_or_null(c.proposed_by)
    if proposer ~= cjson.null and proposer.key_id == key_id then return {'same_reviewer', c.status} end
  end
  if step.apply_proposed then
    if c.proposed_status ~= step.to then
      return {'bad_approval', 'the proposed verdict is ' .. tostring(c.proposed_status) .. ', not ' .. step.to}
    end
    if step.fields and step.fields.rating and step.fields.rating ~= c.rating then
      return {'bad_approval', 'the proposed rating is ' .. tostring(c.rating) .. '; approve it as proposed or send the claim back'}
    end
  end
  if step.copied_from then
    local found = false
    for _, m in ipairs(cjson.decode(c.matches or '[]')) do
      if m.claim_id == step.copied_from and m.tier == 'confirmed' then found = true end
    end
    if not found then return {'bad_copy', 'copied_from is not a confirmed match of this claim'} end
    local other = redis.call('HMGET', K.claim(step.copied_from), 'status', 'rating')
    if other[1] ~= step.to or other[2] ~= step.fields.rating then
      return {'bad_copy', 'the confirmed match does not hold that verdict'}
    end
  end
  local opts = {fields = step.fields, clear = step.clear, append = cjson.decode(ARG[11]),
                lease_ms = tonumber(ARG[10]), call_id = call_id}
  if step.lease_to_proposer then opts.lessee_json = c.proposed_by end
  local version = move(id, c, step.to, actor_json, now_ms, now_iso, url_prefix, opts)
  return {'ok', tostring(version)}
end

local outcome = decide()
if outcome[1] == 'not_found' then return outcome end
local claim = claim_reply(id)
return {outcome[1], outcome[2], claim[2], claim[3]}
