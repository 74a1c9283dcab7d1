-- jixiao.ckan: publish files to a CKAN open-data portal through its action
-- API (resource_create, resource_update), turning CKAN's
-- {"success": false, "error": {...}} into one readable message. The API
-- token is named by an environment variable and read only when a request is
-- sent, so it never reaches the outbox, a log or an error message.
--
--   local ckan = require "jixiao.ckan"
--   local portal = ckan.new{ url = "https://data.example.gov.cn", token_env = "CKAN_TOKEN" }
--   local res, err = portal:resource_create{ package_id = "budget-2021",
--                                            file = "summary.csv", format = "CSV" }
--
-- Every call returns CKAN's `result` table and the response, or nil, a
-- message and a code: "ckan" (CKAN refused: validation, authorisation),
-- "http" (an answer that is not CKAN's), or jx.http's transport codes.

local http = require "jixiao.http"
local json = require "jixiao.json"

local type, pairs, ipairs, tostring, setmetatable = type, pairs, ipairs, tostring, setmetatable
local concat, sort = table.concat, table.sort
local fmt = string.format

local M = {}
local Client = {}
Client.__index = Client

local settings = { "retries", "retry_delay", "retry_max_time", "timeout", "connect_timeout",
                   "proxy", "insecure", "cainfo", "outbox" }

-- ckan.new{url =, token_env = "VAR" | token = "...", retries = 3, timeout =,
-- outbox = true | DIR, ...}: a client for one portal.
function M.new(opts)
  if type(opts) ~= "table" then
    error("bad argument #1 to 'new' (table expected, got " .. type(opts) .. ")", 2)
  end
  if type(opts.url) ~= "string" or not opts.url:match("^https?://") then
    error("ckan.new: 'url' must be the portal's http(s):// address", 2)
  end
  if opts.token_env ~= nil and type(opts.token_env) ~= "string" then
    error("ckan.new: 'token_env' must name an environment variable", 2)
  end
  local c = { url = opts.url:gsub("/+$", ""), token_env = opts.token_env, token = opts.token,
              settings = { retries = 3 } }
  for _, k in ipairs(settings) do
    if opts[k] ~= nil then c.settings[k] = opts[k] end
  end
  return setmetatable(c, Client)
end

-- "Validation Error: package_id: Missing value; name: …" from CKAN's error object.
local function describe(e)
  if type(e) ~= "table" then return tostring(e) end
  local parts = {}
  if e.__type then parts[#parts + 1] = tostring(e.__type) end
  if e.message then parts[#parts + 1] = tostring(e.message) end
  local fields = {}
  for k in pairs(e) do
    if k ~= "__type" and k ~= "message" then fields[#fields + 1] = k end
  end
  sort(fields)
  for _, k in ipairs(fields) do
    local v = e[k]
    if type(v) == "table" then
      local items = {}
      for _, x in ipairs(v) do items[#items + 1] = tostring(x) end
      v = concat(items, "; ")
    end
    parts[#parts + 1] = fmt("%s: %s", k, tostring(v))
  end
  return #parts > 0 and concat(parts, ": ") or "no details given"
end

local function snippet(s)
  s = (s or ""):gsub("%s+", " ")
  return #s > 200 and s:sub(1, 200) .. "…" or s
end

local function kept(resp, id)
  id = id or (resp and resp.outbox)
  return id and ("; kept in the outbox as " .. id .. " ('jixiao outbox flush' sends it again)") or ""
end

-- Sends one action and reads CKAN's envelope.
function Client:_call(action, req)
  req.url = self.url .. "/api/3/action/" .. action
  req.method = "POST"
  req.headers = req.headers or {}
  if self.token_env then req.headers.Authorization = { env = self.token_env }
  elseif self.token then req.headers.Authorization = self.token end
  for k, v in pairs(self.settings) do
    if req[k] == nil then req[k] = v end
  end
  -- CKAN itself ignores Idempotency-Key; it lets jixiao retry the POST, and a
  -- proxy or portal that honours the key keeps a repeat from creating twice.
  if req.idempotency_key == nil then req.idempotency_key = true end
  local resp, err, code, id = http.request(req)
  if not resp then return nil, fmt("CKAN %s: %s%s", action, err, kept(nil, id)), code end
  local body = resp:json()
  if type(body) == "table" and body.success == true then return body.result, resp end
  if type(body) == "table" and body.success == false then
    return nil, fmt("CKAN %s refused (HTTP %d): %s%s", action, resp.status, describe(body.error),
                    kept(resp)), "ckan"
  end
  return nil, fmt("CKAN %s: HTTP %d, not a CKAN answer: %s%s", action, resp.status,
                  snippet(resp.body), kept(resp)), "http"
end

-- The multipart form: the fields sorted by name (tables sent as JSON text),
-- then the file as the `upload` part, streamed from disk.
local function form_of(fields, skip)
  local names = {}
  for k in pairs(fields) do
    if not skip[k] then names[#names + 1] = k end
  end
  sort(names)
  local form = {}
  for _, k in ipairs(names) do
    local v = fields[k]
    if type(v) == "table" then v = json.encode(v, { sort_keys = true }) end
    form[#form + 1] = { name = k, value = tostring(v) }
  end
  if fields.file then
    form[#form + 1] = { name = "upload", file = fields.file, filename = fields.filename }
  end
  return form
end

local request_settings = { retries = true, retry_delay = true, retry_max_time = true, timeout = true,
                           connect_timeout = true, outbox = true, idempotency_key = true }

local function send_resource(self, action, t, need)
  if type(t) ~= "table" then
    error(fmt("bad argument #1 to '%s' (table expected, got %s)", action, type(t)), 3)
  end
  if type(t[need]) ~= "string" or t[need] == "" then
    error(fmt("%s: '%s' is required", action, need), 3)
  end
  if t.file ~= nil and type(t.file) ~= "string" then error(action .. ": 'file' must be a path", 3) end
  local skip = { file = true, filename = true }
  for k in pairs(request_settings) do skip[k] = true end
  local req = { form = form_of(t, skip) }
  for k in pairs(request_settings) do req[k] = t[k] end
  return self:_call(action, req)
end

-- portal:resource_create{package_id =, file = PATH, name =, format =, description =, ...}
function Client:resource_create(t) return send_resource(self, "resource_create", t, "package_id") end

-- portal:resource_update{id =, file = PATH, ...}: replaces the resource's file and fields.
function Client:resource_update(t) return send_resource(self, "resource_update", t, "id") end

-- portal:action(name, params): any other action, its parameters sent as JSON.
function Client:action(name, params)
  if type(name) ~= "string" then error("bad argument #1 to 'action' (string expected)", 2) end
  return self:_call(name, { json = params or {} })
end

M.describe = describe
return M
