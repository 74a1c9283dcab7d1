-- Job (c) under jixiao's callback mode (jixiao run cb_sumrates.lua FILE...):
-- the same sums and recomputed rates as sumrates.lua, with the reading,
-- decoding and realignment left to jixiao. Amounts arrive as exact decimals;
-- they are summed in integer cents so the result matches the plain-Lua one
-- digit for digit whatever form (string or decimal object) they take.
local fmt = string.format

local function cents(v)
  if v == nil then return 0 end
  local s = tostring(v)
  local neg, i, f = s:match("^(%-?)(%d*)%.?(%d*)")
  if not i then return 0 end
  f = (f .. "00"):sub(1, 2)
  local c = (tonumber(i) or 0) * 100 + tonumber(f)
  return neg == "-" and -c or c
end

local n, B, A, bad = 0, 0, 0, 0

function project(p, doc)
  if p.kind ~= "project" then return end
  n = n + 1
  local b, a = cents(p.budget and p.budget.total), cents(p.actual and p.actual.total)
  B, A = B + b, A + a
  local printed = p.rate and p.rate.percent
  if b > 0 and printed ~= nil then
    local c = (a * 20000 + b) // (2 * b)
    if math.abs(cents(printed) - c) > math.max(50, c / 100) then bad = bad + 1 end
  end
end

function finish()
  io.write(fmt("projects %d budget %d.%02d actual %d.%02d rate_errors %d\n",
    n, B // 100, B % 100, A // 100, A % 100, bad))
end
