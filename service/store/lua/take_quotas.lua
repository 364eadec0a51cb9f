-- Take from several of one key's rate limits at once: all of them or none.
-- ARG: key_id, now_ms, then per quota: name, limit, period_ms, cost
-- → {name of the first quota that refused or '', then per quota its gcra() state without the stamp}
local key_id, now_ms = ARG[1], tonumber(ARG[2])
local states, refused = {}, ''
for i = 3, #ARG, 4 do
  local state = gcra(K.rate(key_id, ARG[i]), tonumber(ARG[i + 1]), tonumber(ARG[i + 2]),
                     tonumber(ARG[i + 3]), now_ms)
  if state[1] == 0 and refused == '' then refused = ARG[i] end
  table.insert(states, state)
end
local reply = {refused}
for n, state in ipairs(states) do
  if refused == '' then spend(K.rate(key_id, ARG[3 + (n - 1) * 4]), state, now_ms) end
  table.insert(reply, {state[1], state[2], state[3], state[4]})
end
return reply
