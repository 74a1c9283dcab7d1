-- jixiao.write: jx.write(path, value, format) for scripts' results, as JSON,
-- CSV or a Markdown table, written atomically: to a temporary file beside
-- the target, renamed over it only when complete, so a failure never leaves
-- a partial file. Returns true, or nil and a message.
--
--   jx.write("summary.json", {projects = 6, budget = D"288.49"}, "json")
--   jx.write("rows.csv", {{name = "办公设备购置", rate = "98.37"}, ...}, "csv")
--   jx.write("rows.md", rows, "markdown", {columns = {"name", "rate"}})
--
-- CSV and Markdown take a list of rows, each a table keyed by column name (the
-- columns are opts.columns, or the first row's keys sorted) or a list of cells.

local json = require "jixiao.json"

local concat, sort, insert = table.concat, table.sort, table.insert
local format, gsub, find = string.format, string.gsub, string.find

local function columns_of(rows, opts)
  if opts and opts.columns then return opts.columns end
  local first = rows[1]
  if first == nil or #first > 0 then return nil end
  local cols = {}
  for k in pairs(first) do cols[#cols + 1] = tostring(k) end
  sort(cols)
  return cols
end

local function cells_of(row, cols)
  if not cols then
    local out = {}
    for i = 1, #row do out[i] = row[i] == nil and "" or tostring(row[i]) end
    return out
  end
  local out = {}
  for i, c in ipairs(cols) do
    local v = row[c]
    out[i] = v == nil and "" or tostring(v)
  end
  return out
end

local function csv_cell(s)
  if find(s, '[,"\r\n]') then return '"' .. gsub(s, '"', '""') .. '"' end
  return s
end

local function md_cell(s)
  return (gsub(gsub(s, "|", "\\|"), "\r?\n", "<br>"))
end

local renderers = {}

function renderers.json(value)
  return json.encode(value, {pretty = true, sort_keys = true}) .. "\n"
end

function renderers.csv(rows, opts)
  local cols, out = columns_of(rows, opts), {}
  local function line(cells)
    for i = 1, #cells do cells[i] = csv_cell(cells[i]) end
    out[#out + 1] = concat(cells, ",")
  end
  if cols then line({table.unpack(cols)}) end
  for _, r in ipairs(rows) do line(cells_of(r, cols)) end
  return concat(out, "\n") .. "\n"
end

function renderers.markdown(rows, opts)
  local cols, out = columns_of(rows, opts), {}
  local function line(cells)
    for i = 1, #cells do cells[i] = md_cell(cells[i]) end
    out[#out + 1] = "| " .. concat(cells, " | ") .. " |"
  end
  local width = cols and #cols or #(rows[1] or {})
  line(cols and {table.unpack(cols)} or (function() local h = {} for i = 1, width do h[i] = tostring(i) end return h end)())
  local rule = {}
  for i = 1, width do rule[i] = "---" end
  out[#out + 1] = "|" .. concat(rule, "|") .. "|"
  for _, r in ipairs(rows) do line(cells_of(r, cols)) end
  return concat(out, "\n") .. "\n"
end

local function write(path, value, fmt, opts)
  if type(path) ~= "string" then error("bad argument #1 to 'write' (file path expected)", 2) end
  local render = renderers[fmt]
  if not render then error(format("bad argument #3 to 'write' (format must be json, csv or markdown, got %s)", tostring(fmt)), 2) end
  if fmt ~= "json" and type(value) ~= "table" then error("bad argument #2 to 'write' (a list of rows expected)", 2) end
  local text = render(value, opts)
  local tmp = format("%s.tmp.%d%04d", path, os.time(), math.random(0, 9999))
  local f, err = io.open(tmp, "wb")
  if not f then return nil, format("%s: cannot write: %s", path, err) end
  local ok, werr = f:write(text)
  local closed, cerr = f:close()
  if not ok or not closed then
    os.remove(tmp)
    return nil, format("%s: cannot write: %s; nothing was written", path, werr or cerr)
  end
  local renamed, rerr = os.rename(tmp, path)
  if not renamed then
    os.remove(tmp)
    return nil, format("%s: cannot replace the file: %s", path, rerr)
  end
  return true
end

return write
