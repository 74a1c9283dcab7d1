-- yearly.lua: compare a directory of self-evaluation tables year over year,
-- unattended (from cron). Tables are grouped by department (the 部门名称 of
-- the preamble; else the rows' 部门名称 column, else the title) and by year
-- (the directory DIR/2021/… they sit in, else the year in their title). It
-- writes, all three or none:
--   yoy.csv       one row per department and year: tables, projects, budget
--                 and spending (exact decimals, in 万元; tables in 元 or 亿元
--                 converted), the execution rate recomputed, budget growth over
--                 the calendar year before (万元 and %; none after a missing
--                 year), the rate's change in percentage points and its trend
--                 (up, down; flat within ±1 pp), and why the row needs attention;
--   findings.csv  the check findings (by rule id) a department has in two or
--                 more consecutive years;
--   report.md     the same, readable: what needs attention first, then per
--                 department a table by year, the trend and the recurring findings.
-- DIR is walked with jx.files (recursively, hidden entries skipped, symbolic
-- links followed); files under --out, when it lies inside DIR (as written,
-- ./ and ../ folded, relative to $PWD; not through a symbolic link), are left
-- out. The checks are jx.check's. --out is created (mkdir -p) when it does not
-- exist; that is the one command the script runs, so under `jixiao run
-- --sandbox --out D` give an --out that exists inside D.
--
--   jixiao run scripts/yearly.lua [options] DIR
--
-- From cron, every Monday at 06:30; with --quiet it prints nothing when all is
-- well, so cron mails only what needs attention:
--   30 6 * * 1  jixiao run /srv/jixiao/scripts/yearly.lua --quiet --out /srv/reports/yearly /srv/tables
--
-- Exit status: 0 nothing needs attention; 1 something does: an execution rate
-- below --threshold, budget growth above --growth, an error-level finding that
-- recurs in consecutive years, or a table that could not be used (named on
-- standard error and skipped); 2 bad usage, no tables found (or none could be
-- used), or the outputs could not be written (then none of them is changed).

local jx = require "jixiao"
local cli = require "jixiao.cli"
local D = require "jixiao.decimal"

local usage = [[
usage: jixiao run scripts/yearly.lua [options] DIR
  DIR               tables (*.txt, *.csv, *.tsv) by year: DIR/2019/…, DIR/2020/…, or all in
                    DIR with the year taken from each title
  --out DIR         where yoy.csv, findings.csv and report.md go (default ./yearly-out;
                    created if missing, except under --sandbox)
  --years Y1-Y2     only these years (or one year: --years 2021)
  --threshold PCT   an execution rate below PCT needs attention (default 90)
  --growth PCT      budget growth above PCT over the year before needs attention (default 20)
  --quiet           print only what needs attention (nothing when all is well)
  -h, --help        this text
Exit status: 0 nothing needs attention; 1 something does; 2 bad usage, no tables,
or the outputs could not be written.
]]

local FLAT_PP = D(1) -- a rate change under 1 percentage point either way is "flat"
local RANK = { error = 3, warning = 2, info = 1 }

local app = cli.new("yearly", usage)

local function say(...) io.stdout:write(string.format(...), "\n") end
local function warn(...) app:warn(...) end

---------------------------------------------------------------- arguments

local function parse_args(argv)
  local o = app:parse(argv, { ["--out"] = "out=", ["--years"] = "years=", ["--threshold"] = "threshold=",
    ["--growth"] = "growth=", ["--quiet"] = "quiet", ["-q"] = "quiet" },
    { out = "yearly-out", threshold = "90", growth = "20" })
  if #o == 0 then return nil, "no DIR given" end
  if #o > 1 then return nil, "one DIR only (got " .. o[1] .. " and " .. o[2] .. ")" end
  for _, k in ipairs { "threshold", "growth" } do
    local ok, d = pcall(D, o[k])
    if not ok or not o[k]:match("^%-?[%d.]+$") then
      return nil, "--" .. k .. " takes a percentage such as 90 or 12.5, got " .. o[k]
    end
    o[k] = d
  end
  if o.years then
    local a, b = o.years:match("^(%d%d%d%d)%-(%d%d%d%d)$")
    if not a then a = o.years:match("^(%d%d%d%d)$"); b = a end
    if not a or tonumber(a) > tonumber(b) then
      return nil, "--years takes a year or a range such as 2019-2021, got " .. o.years
    end
    o.from, o.to = tonumber(a), tonumber(b)
  end
  o.dir = o[1]:gsub("(.)/+$", "%1")
  return o
end

---------------------------------------------------------------- finding the tables

-- path made absolute (from $PWD) with ., .. and repeated slashes folded; no
-- symbolic link is resolved.
local function absolute(path)
  if path:sub(1, 1) ~= "/" then path = (os.getenv("PWD") or ".") .. "/" .. path end
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then parts[#parts] = nil elseif part ~= "." then parts[#parts + 1] = part end
  end
  return "/" .. table.concat(parts, "/")
end

-- The table files under dir, as {path = shown path, rel = path inside dir},
-- sorted by rel; files under out (which may lie inside dir) and hidden ones
-- skipped. nil and a message when dir cannot be read.
local function tables_in(dir, out)
  local found, err = jx.files(dir)
  if not found then return nil, err end
  local skip, prefix = absolute(out) .. "/", dir == "/" and "/" or dir .. "/"
  local files = {}
  for _, path in ipairs(found) do
    if absolute(path):sub(1, #skip) ~= skip then files[#files + 1] = { rel = path:sub(#prefix + 1), path = path } end
  end
  table.sort(files, function(a, b) return a.rel < b.rel end)
  return files
end

-- The year of a directory named 2021, 2021年 or 2021年度 directly under DIR.
local function dir_year(rel)
  local top = rel:match("^([^/]+)/")
  local y = top and (top:match("^(%d%d%d%d)$") or top:match("^(%d%d%d%d)年$") or top:match("^(%d%d%d%d)年度$"))
  y = tonumber(y)
  return y and y >= 1990 and y <= 2100 and y or nil
end

local function trim(s)
  s = s and s:gsub("^%s+", ""):gsub("%s+$", "")
  return s ~= "" and s or nil
end

-- The department a table belongs to: 部门名称 in the preamble, else the first
-- row's 部门名称 column, else the title without its year and the form's name.
local function department_of(doc)
  local d = trim(doc.department)
  if d then return d end
  for _, p in doc:projects() do
    if p.kind == "project" and trim(p.department) then return trim(p.department) end
  end
  local t = (doc.title or ""):gsub("^%s*%d%d%d%d年度", ""):gsub("^%s*%d%d%d%d年", "")
  local cut_at = #t + 1
  for _, w in ipairs { "部门预算", "预算", "项目", "绩效" } do
    local at = t:find(w, 1, true)
    if at and at < cut_at then cut_at = at end
  end
  return trim(t:sub(1, cut_at - 1))
end

local UNIT_SHIFT = { wan_yuan = 0, yuan = -4, yi_yuan = 4 } -- to 万元

-- Reads one table into {path, year, department, projects, budget, actual,
-- findings} (findings: jx.check's, each with rule, severity, project_name and
-- message; check_error instead when the checks raised); nil and why it cannot
-- be used; false when it is outside --years.
local function read_table(f, o)
  local doc, err = jx.load(f.path)
  if not doc then return nil, err end
  local year = f.year or doc.year
  if f.year and doc.year and doc.year ~= f.year then
    warn("%s: the title says %d but the table is filed under %d; counted in %d", f.path, doc.year, f.year, f.year)
  end
  local t
  if not year then
    err = "no year: it is not in a year directory (DIR/2021/…) and its title names none"
  elseif o.from and (year < o.from or year > o.to) then
    doc:close()
    return false
  elseif not UNIT_SHIFT[doc.unit_code or ""] then
    err = "no money unit (单位: 万元 or 元) is stated, so its amounts cannot be added to the others'"
  else
    local dept = department_of(doc)
    if not dept then
      err = "no department: neither 部门名称 nor a title names it"
    else
      local s, totals = UNIT_SHIFT[doc.unit_code], doc.totals
      t = { path = f.path, year = year, department = dept, projects = totals.projects,
            budget = D(totals.budget):shift(s), actual = D(totals.actual):shift(s) }
      local ok, r = pcall(jx.check, doc)
      if ok then
        for _, x in ipairs(r.failures or {}) do
          warn("%s: the check rule %s failed and was switched off: %s", f.path, tostring(x.rule), tostring(x.message))
        end
        t.findings = r.findings
      else
        t.check_error = f.path .. ": " .. tostring(r)
      end
    end
  end
  doc:close()
  if not t then return nil, f.path .. ": " .. err end
  return t
end

---------------------------------------------------------------- the comparison

local amount = cli.money

local function signed(d)
  if d == nil then return nil end
  return (d > 0 and "+" or "") .. amount(d)
end

-- a as a percentage of b, rounded once to 0.01 (half away from zero).
local function percent(a, b) return D.div(a * 100, b, 2) end

local function trend(change)
  if change == nil then return nil end
  if change >= FLAT_PP then return "up" elseif change <= -FLAT_PP then return "down" end
  return "flat"
end

-- Groups the tables: {departments = {name, …} sorted, [name] = {years = {y, …}, [y] = row}}.
local function group(tables)
  local g = { departments = {} }
  for _, t in ipairs(tables) do
    local dep = g[t.department]
    if not dep then
      dep = { years = {}, name = t.department }
      g[t.department] = dep
      g.departments[#g.departments + 1] = t.department
    end
    local r = dep[t.year]
    if not r then
      r = { department = t.department, year = t.year, tables = 0, projects = 0, budget = D(0), actual = D(0),
            sources = {}, rules = {} }
      dep[t.year] = r
      dep.years[#dep.years + 1] = t.year
    end
    r.tables, r.projects = r.tables + 1, r.projects + t.projects
    r.budget, r.actual = r.budget + t.budget, r.actual + t.actual
    r.sources[#r.sources + 1] = t.path
    for _, f in ipairs(t.findings or {}) do
      local k = r.rules[f.rule]
      if not k then
        k = { count = 0, severity = f.severity, projects = {}, message = f.message }
        r.rules[f.rule] = k
      end
      k.count = k.count + 1
      if (RANK[f.severity] or 0) > (RANK[k.severity] or 0) then k.severity = f.severity end
      local name = f.project_name or "(the table)"
      if not k.projects[name] then
        k.projects[name] = true
        k.projects[#k.projects + 1] = name
      end
    end
  end
  table.sort(g.departments)
  for _, name in ipairs(g.departments) do table.sort(g[name].years) end
  return g
end

-- Fills in each row's rate, growth and trend, and what needs attention.
local function compare(g, o)
  local attention = {}
  for _, name in ipairs(g.departments) do
    local dep = g[name]
    for _, y in ipairs(dep.years) do
      local r, prev = dep[y], dep[y - 1]
      if not r.budget:iszero() then r.rate = percent(r.actual, r.budget) end
      if prev then
        r.prev_year = y - 1
        r.change = r.budget - prev.budget
        if not prev.budget:iszero() then r.growth = percent(r.change, prev.budget) end
        if r.rate and prev.rate then r.rate_change = r.rate - prev.rate end
        r.trend = trend(r.rate_change)
      end
      r.attention = {}
      if r.rate and r.rate < o.threshold then
        r.attention[#r.attention + 1] = string.format("execution rate %s%% below %s%%", r.rate, o.threshold)
      end
      if r.growth and r.growth > o.growth then
        r.attention[#r.attention + 1] = string.format("budget %s%% over %d, above the %s%% limit",
                                                      signed(r.growth), y - 1, o.growth)
      end
      for _, why in ipairs(r.attention) do
        attention[#attention + 1] = string.format("%s %d: %s", name, y, why)
      end
    end
    local first, last = dep[dep.years[1]], dep[dep.years[#dep.years]]
    if #dep.years > 1 and first.rate and last.rate then dep.trend = trend(last.rate - first.rate) end
  end
  return attention
end

-- The runs of two or more consecutive years in a sorted list, as "2019-2021".
local function runs(years)
  local out, start = {}, 1
  for i = 1, #years do
    if i == #years or years[i + 1] ~= years[i] + 1 then
      if i > start then out[#out + 1] = years[start] .. "-" .. years[i] end
      start = i + 1
    end
  end
  return out
end

-- The findings a department has in consecutive years, by rule.
local function recurring(g, attention)
  local list = {}
  for _, name in ipairs(g.departments) do
    local dep = g[name]
    local by_rule, rules = {}, {}
    for _, y in ipairs(dep.years) do
      for rule, k in pairs(dep[y].rules) do
        if not by_rule[rule] then by_rule[rule] = {}; rules[#rules + 1] = rule end
        local b = by_rule[rule]
        b[#b + 1] = y
      end
    end
    local found = {}
    for _, rule in ipairs(rules) do
      local years = by_rule[rule]
      local spans = runs(years)
      if #spans > 0 then
        local sev, per_year, projects, seen, message = nil, {}, {}, {}, nil
        for _, y in ipairs(years) do
          local k = dep[y].rules[rule]
          per_year[#per_year + 1] = y .. ":" .. k.count
          if (RANK[k.severity] or 0) > (RANK[sev] or 0) then sev = k.severity end
          message = message or k.message
          for _, p in ipairs(k.projects) do
            if not seen[p] then seen[p] = true; projects[#projects + 1] = p end
          end
        end
        found[#found + 1] = { department = name, rule = rule, severity = sev, years = table.concat(years, " "),
                              consecutive = table.concat(spans, " "), per_year = table.concat(per_year, " "),
                              projects = table.concat(projects, "; "), example = message }
      end
    end
    table.sort(found, function(a, b)
      if a.severity ~= b.severity then return (RANK[a.severity] or 0) > (RANK[b.severity] or 0) end
      return a.rule < b.rule
    end)
    dep.recurring = found
    for _, f in ipairs(found) do
      list[#list + 1] = f
      if f.severity == "error" then
        attention[#attention + 1] = string.format("%s: error %s recurs in %s", name, f.rule, f.consecutive)
      end
    end
  end
  return list
end

---------------------------------------------------------------- output

local YOY_COLUMNS = { "department", "year", "tables", "projects", "unit", "budget", "actual", "rate",
                      "prev_year", "budget_change", "budget_growth_pct", "rate_change_pp", "trend", "attention" }
local FINDING_COLUMNS = { "department", "rule", "severity", "years", "consecutive", "per_year", "projects",
                          "example" }

local function yoy_rows(g)
  local rows = {}
  for _, name in ipairs(g.departments) do
    for _, y in ipairs(g[name].years) do
      local r = g[name][y]
      rows[#rows + 1] = { department = name, year = y, tables = r.tables, projects = r.projects, unit = "万元",
                          budget = amount(r.budget), actual = amount(r.actual), rate = r.rate,
                          prev_year = r.prev_year, budget_change = signed(r.change),
                          budget_growth_pct = signed(r.growth), rate_change_pp = signed(r.rate_change),
                          trend = r.trend, attention = table.concat(r.attention, "; ") }
    end
  end
  return rows
end

-- Cuts s to about n bytes on a character boundary.
local function cut(s, n)
  if #s <= n then return s end
  local i = n
  while i > 0 and (s:byte(i + 1) or 0) & 0xC0 == 0x80 do i = i - 1 end
  return s:sub(1, i) .. "…"
end

-- A Markdown table (jx.render) and a blank line, as lines added to out.
local function md_table(out, head, rows)
  out[#out + 1] = jx.render(rows, "markdown", { columns = head }):sub(1, -2)
  out[#out + 1] = ""
end

local function pct(d) return d and d .. "%" or nil end
local function pp(d) return d and signed(d) .. " pp" or nil end

local function report_md(o, g, stats, attention)
  local out = {}
  out[#out + 1] = "# Budget execution year over year"
  out[#out + 1] = ""
  out[#out + 1] = string.format("Tables in `%s`: %d read, %d department%s, %s. Amounts in 万元. An execution rate "
    .. "below %s%%, a budget growth above %s%% over the year before, an error-level finding that recurs in "
    .. "consecutive years and a table that could not be used need attention.", o.dir, stats.read,
    #g.departments, #g.departments == 1 and "" or "s", stats.span, o.threshold, o.growth)
  out[#out + 1] = ""
  out[#out + 1] = "## Needs attention"
  out[#out + 1] = ""
  if #attention == 0 then out[#out + 1] = "Nothing." end
  for _, a in ipairs(attention) do out[#out + 1] = "- " .. a end
  out[#out + 1] = ""
  for _, name in ipairs(g.departments) do
    local dep = g[name]
    out[#out + 1] = "## " .. name
    out[#out + 1] = ""
    local rows = {}
    for _, y in ipairs(dep.years) do
      local r = dep[y]
      rows[#rows + 1] = { y, r.tables, r.projects, amount(r.budget), amount(r.actual), pct(r.rate),
                          signed(r.change), pct(signed(r.growth)), pp(r.rate_change), r.trend,
                          #r.attention > 0 and "**" .. table.concat(r.attention, "; ") .. "**" or nil }
    end
    md_table(out, { "year", "tables", "projects", "budget", "actual", "rate", "budget change", "growth",
                    "rate change", "trend", "attention" }, rows)
    local first, last = dep[dep.years[1]], dep[dep.years[#dep.years]]
    if #dep.years == 1 then
      out[#out + 1] = string.format("One year only (%d): nothing to compare.", dep.years[1])
    else
      local growth = not first.budget:iszero()
        and pct(signed(percent(last.budget - first.budget, first.budget))) or "n/a"
      out[#out + 1] = string.format("Execution rate %s (%d) → %s (%d): %s. Budget %s → %s 万元 (%s).",
        pct(first.rate) or "n/a", first.year, pct(last.rate) or "n/a", last.year, dep.trend or "n/a",
        amount(first.budget), amount(last.budget), growth)
    end
    out[#out + 1] = ""
    if #dep.recurring == 0 then
      out[#out + 1] = "No finding recurs in consecutive years."
      out[#out + 1] = ""
    else
      out[#out + 1] = "Findings that recur in consecutive years:"
      out[#out + 1] = ""
      rows = {}
      for _, f in ipairs(dep.recurring) do
        rows[#rows + 1] = { "`" .. f.rule .. "`", f.severity, f.consecutive, f.per_year, cut(f.projects, 80),
                            cut(f.example or "", 120) }
      end
      md_table(out, { "rule", "severity", "consecutive", "findings by year", "projects", "example" }, rows)
    end
  end
  out[#out + 1] = "## Tables"
  out[#out + 1] = ""
  local rows = {}
  for _, name in ipairs(g.departments) do
    for _, y in ipairs(g[name].years) do
      rows[#rows + 1] = { y, name, "`" .. table.concat(g[name][y].sources, "`, `") .. "`" }
    end
  end
  md_table(out, { "year", "department", "tables" }, rows)
  if #stats.skipped > 0 then
    out[#out + 1] = "Could not be used:"
    out[#out + 1] = ""
    for _, s in ipairs(stats.skipped) do out[#out + 1] = "- " .. s.why end
    out[#out + 1] = ""
  end
  return table.concat(out, "\n")
end

local function print_summary(g)
  say("amounts in 万元; growth and rate change against the year before")
  for _, name in ipairs(g.departments) do
    local dep = g[name]
    say("%s", name)
    say("  %-4s %6s %8s %12s %12s %8s %8s %10s  %s", "year", "tables", "projects", "budget", "actual", "rate",
        "growth", "change", "trend")
    for _, y in ipairs(dep.years) do
      local r = dep[y]
      say("  %-4d %6d %8d %12s %12s %8s %8s %10s  %s", y, r.tables, r.projects, amount(r.budget), amount(r.actual),
          pct(r.rate) or "-", pct(signed(r.growth)) or "-", pp(r.rate_change) or "-", r.trend or "-")
    end
    local n = { error = 0, warning = 0, info = 0 }
    local errors = {}
    for _, f in ipairs(dep.recurring) do
      n[f.severity] = (n[f.severity] or 0) + 1
      if f.severity == "error" then errors[#errors + 1] = f.rule .. " " .. f.consecutive end
    end
    if #dep.recurring > 0 then
      say("  recurring findings: %d error%s%s, %d warning%s, %d info", n.error, n.error == 1 and "" or "s",
          #errors > 0 and " (" .. table.concat(errors, ", ") .. ")" or "", n.warning, n.warning == 1 and "" or "s",
          n.info)
    end
  end
end

-- Makes sure dir is a directory: it is one, or `mkdir -p` makes it (the one
-- command this script runs; --sandbox refuses it). true, or nil and a message.
local function ensure_dir(dir)
  local is = cli.is_dir(dir)
  if is then return true end
  if is == false then return nil, dir .. ": cannot create the output directory: a file of that name exists" end
  local ran, made = pcall(os.execute, "mkdir -p -- '" .. dir:gsub("'", "'\\''") .. "' 2>/dev/null")
  if not ran then
    return nil, dir .. ": the output directory does not exist, and under --sandbox the script cannot create it; "
      .. "create it first"
  end
  if not made then return nil, dir .. ": cannot create the output directory" end
  return true
end

-- Writes every {name, value, format[, opts]} of files into dir, all or none:
-- each is written with jx.write under a hidden temporary name first, and all
-- are renamed into place only when every one is complete. Returns true, or nil
-- and the message (and then dir holds what it held before).
local function write_all(dir, files)
  local made, merr = ensure_dir(dir)
  if not made then return nil, merr end
  local temps, err = {}, nil
  for i, f in ipairs(files) do
    local final = dir .. "/" .. f[1]
    if cli.is_dir(final) then
      err = final .. ": is a directory, not a file"
      break
    end
    local tmp = dir .. "/.yearly-" .. f[1] .. ".part"
    temps[i] = tmp
    -- protected, so that even a raise leaves no temporary file behind
    local done, ok, e = pcall(cli.write, tmp, f[2], f[3], f[4])
    if not done then ok, e = nil, tostring(ok) end
    if not ok then
      err = e
      break
    end
  end
  if not err then
    for i, f in ipairs(files) do
      local ok, e = os.rename(temps[i], dir .. "/" .. f[1])
      if not ok then
        err = e
        break
      end
      temps[i] = nil
    end
  end
  for i = 1, #files do if temps[i] then os.remove(temps[i]) end end
  if err then return nil, err end
  return true
end

---------------------------------------------------------------- main

local function main(argv)
  local o, err = parse_args(argv)
  if not o then app:usage(err) end
  local is, derr = cli.is_dir(o.dir)
  if not is then app:die(derr or o.dir .. ": not a directory") end
  local files, ferr = tables_in(o.dir, o.out)
  if not files then app:die(ferr) end
  if #files == 0 then
    warn("%s: no tables (*.txt, *.csv, *.tsv) found", o.dir)
    return 2
  end

  local tables, skipped = {}, {}
  for _, f in ipairs(files) do
    f.year = dir_year(f.rel)
    if not (f.year and o.from and (f.year < o.from or f.year > o.to)) then
      local t, e = read_table(f, o)
      if t then tables[#tables + 1] = t
      elseif t == nil then
        warn("skipping %s", e)
        skipped[#skipped + 1] = { path = f.path, why = e }
      end
    end
  end
  if #tables == 0 then
    if #skipped == 0 then warn("%s: no tables for %s", o.dir, o.years)
    else warn("%s: none of the %d tables could be used", o.dir, #skipped) end
    return 2
  end

  local g = group(tables)
  local attention = {}
  for _, s in ipairs(skipped) do attention[#attention + 1] = s.path .. ": could not be used" end
  for _, t in ipairs(tables) do
    if t.check_error then
      warn("the checks could not be run: %s", t.check_error)
      attention[#attention + 1] = "the checks could not be run: " .. t.check_error
    end
  end
  for _, a in ipairs(compare(g, o)) do attention[#attention + 1] = a end
  local found = recurring(g, attention)

  local lo, hi
  for _, t in ipairs(tables) do
    lo, hi = math.min(lo or t.year, t.year), math.max(hi or t.year, t.year)
  end
  local stats = { read = #tables, skipped = skipped, span = lo == hi and tostring(lo) or lo .. "-" .. hi }
  local ok, werr = write_all(o.out, {
    { "yoy.csv", yoy_rows(g), "csv", { columns = YOY_COLUMNS } },
    { "findings.csv", found, "csv", { columns = FINDING_COLUMNS } },
    { "report.md", report_md(o, g, stats, attention), "text" },
  })

  if not o.quiet then
    say("%d table%s read in %s: %d department%s, %s", #tables, #tables == 1 and "" or "s", o.dir,
        #g.departments, #g.departments == 1 and "" or "s", stats.span)
    print_summary(g)
  end
  if #attention > 0 then
    say("needs attention (%d):", #attention)
    for _, a in ipairs(attention) do say("  %s", a) end
  elseif not o.quiet then
    say("nothing needs attention")
  end
  if not ok then
    warn("%s", werr)
    warn("no output written: yoy.csv, findings.csv and report.md in %s are as they were", o.out)
    return 2
  end
  if not o.quiet then say("wrote %s/yoy.csv, %s/findings.csv, %s/report.md", o.out, o.out, o.out) end
  return #attention > 0 and 1 or 0
end

os.exit(main(arg))
