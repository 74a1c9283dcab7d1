-- The plain Lua 5.4 baseline for jobs (a), (b) and (d): the same work as
-- check.awk, written the way a Lua user would without jixiao.
--   lua5.4 check.lua FILE...          -> one summary line
--   lua5.4 check.lua --json FILE...   -> the rows as JSON
local find, sub, byte, fmt = string.find, string.sub, string.byte, string.format

-- integer cents, so sums stay exact
local function cents(s)
  local i, f = s:match("^(%d*)%.?(%d*)")
  if not i then return 0 end
  f = (f .. "00"):sub(1, 2)
  return (tonumber(i) or 0) * 100 + tonumber(f)
end

local function split(line, t)
  local n, pos = 0, 1
  while true do
    local e = find(line, "\t", pos, true)
    n = n + 1
    if not e then t[n] = sub(line, pos); break end
    t[n] = sub(line, pos, e - 1)
    pos = e + 1
  end
  for i = n + 1, #t do t[i] = nil end
  return n
end

local function jstr(s)
  return '"' .. s:gsub('[\\"]', "\\%0") .. '"'
end

local json = arg[1] == "--json"
local files = {}
for i = json and 2 or 1, #arg do files[#files + 1] = arg[i] end

local out = io.stdout
local n, B, A, sumerr, rateerr, ragged, bytes = 0, 0, 0, 0, 0, 0, 0
local t = {}
if json then out:write("[") end
for fi, path in ipairs(files) do
  local f = assert(io.open(path, "rb"))
  local lineno, first = 0, true
  if json then out:write(fi > 1 and ",\n" or "", '{"source":', jstr(path), ',"projects":[') end
  for line in f:lines() do
    lineno = lineno + 1
    if lineno == 1 and sub(line, 1, 3) == "\239\187\191" then line = sub(line, 4) end
    if byte(line, -1) == 13 then line = sub(line, 1, -2) end
    local nf = split(line, t)
    if find(t[1], "^%d+$") then
      n = n + 1
      if json then
        local parts = {}
        for i = 1, nf do parts[i] = jstr(t[i]) end
        out:write(first and "" or ",\n", '{"line":', lineno, ',"cells":[', table.concat(parts, ","), "]}")
        first = false
      else
        for i = 1, nf do bytes = bytes + #t[i] end
        local b, a = cents(t[4]), cents(t[8])
        B, A = B + b, A + a
        local d1 = b - cents(t[5]) - cents(t[6]) - cents(t[7])
        local d2 = a - cents(t[9]) - cents(t[10]) - cents(t[11])
        if d1 > 1 or d1 < -1 or d2 > 1 or d2 < -1 then sumerr = sumerr + 1 end
        local r = t[12]:gsub("%%$", "")
        if b > 0 and r ~= "" then
          local c = (a * 20000 + b) // (2 * b)
          local tol = math.max(50, c / 100)
          if math.abs(cents(r) - c) > tol then rateerr = rateerr + 1 end
        end
        if t[nf] == "" then ragged = ragged + 1 end
      end
    end
  end
  f:close()
  if json then out:write("]}") end
end
if json then
  out:write("]\n")
else
  out:write(fmt("projects %d budget %d.%02d actual %d.%02d sum_errors %d rate_errors %d ragged %d\n",
    n, B // 100, B % 100, A // 100, A % 100, sumerr, rateerr, ragged))
end
