-- Job (c) in plain Lua 5.4: budget and actual summed exactly (integer cents)
-- and every rate recomputed from them, over the rows of tables in the seed's
-- layout. The same result as cb_sumrates.lua under jixiao.
--   lua5.4 sumrates.lua FILE...
local find, sub, byte, fmt = string.find, string.sub, string.byte, string.format

local function cents(s)
  local i, f = s:match("^(%d*)%.?(%d*)")
  if not i then return 0 end
  f = (f .. "00"):sub(1, 2)
  return (tonumber(i) or 0) * 100 + tonumber(f)
end

local n, B, A, bad = 0, 0, 0, 0
local t = {}
for _, path in ipairs(arg) do
  local f = assert(io.open(path, "rb"))
  local lineno = 0
  for line in f:lines() do
    lineno = lineno + 1
    if lineno == 1 and sub(line, 1, 3) == "\239\187\191" then line = sub(line, 4) end
    if byte(line, -1) == 13 then line = sub(line, 1, -2) end
    local k, pos = 0, 1
    while true do
      local e = find(line, "\t", pos, true)
      k = k + 1
      if not e then t[k] = sub(line, pos); break end
      t[k] = sub(line, pos, e - 1)
      pos = e + 1
    end
    if k >= 12 and find(t[1], "^%d+$") then
      n = n + 1
      local b, a = cents(t[4]), cents(t[8])
      B, A = B + b, A + a
      local r = t[12]:gsub("%%$", "")
      if b > 0 and r ~= "" then
        local c = (a * 20000 + b) // (2 * b)
        if math.abs(cents(r) - c) > math.max(50, c / 100) then bad = bad + 1 end
      end
    end
  end
  f:close()
end
io.write(fmt("projects %d budget %d.%02d actual %d.%02d rate_errors %d\n",
  n, B // 100, B % 100, A // 100, A % 100, bad))
