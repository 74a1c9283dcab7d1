-- jixiao.webhook: POST a JSON payload to any HTTP endpoint (a finance
-- bureau's intake, a chat hook, a CI trigger). The payload's keys are sorted,
-- so one payload always hashes to the same Idempotency-Key, which jixiao adds
-- by default: retries and outbox replays may then repeat the POST, and a
-- receiver that honours the key applies it once.
--
--   local webhook = require "jixiao.webhook"
--   local hook = webhook.new{ url = "https://intake.example/hooks/jixiao", token_env = "HOOK_TOKEN" }
--   local resp, err = hook:send{ files = 12, errors = 0 }
--
-- send returns the response (any 2xx), or nil, a message and a code: "http"
-- for another status, or jx.http's transport codes ("timeout", "connect", …).

local http = require "jixiao.http"

local type, pairs, ipairs, setmetatable = type, pairs, ipairs, setmetatable
local fmt = string.format

local M = {}
local Hook = {}
Hook.__index = Hook

local passed = { "retries", "retry_delay", "retry_max_time", "timeout", "connect_timeout", "proxy",
                 "insecure", "cainfo", "outbox", "idempotency_key" }

-- webhook.new{url =, token_env = "VAR" (sent as Authorization), headers =,
-- retries = 3, outbox = true | DIR, idempotency_key = true, ...}
function M.new(opts)
  if type(opts) ~= "table" then
    error("bad argument #1 to 'new' (table expected, got " .. type(opts) .. ")", 2)
  end
  if type(opts.url) ~= "string" or not opts.url:match("^https?://") then
    error("webhook.new: 'url' must be an http(s):// address", 2)
  end
  if opts.headers ~= nil and type(opts.headers) ~= "table" then
    error("webhook.new: 'headers' must be a table", 2)
  end
  local h = { url = opts.url, headers = {}, settings = { retries = 3, idempotency_key = true } }
  for k, v in pairs(opts.headers or {}) do h.headers[k] = v end
  if opts.token_env then h.headers.Authorization = { env = opts.token_env } end
  for _, k in ipairs(passed) do
    if opts[k] ~= nil then h.settings[k] = opts[k] end
  end
  return setmetatable(h, Hook)
end

-- hook:send(payload) -> response | nil, message, code[, outbox id]
function Hook:send(payload)
  if payload == nil then error("bad argument #1 to 'send' (a payload expected)", 2) end
  local req = { method = "POST", url = self.url, json = payload, headers = {} }
  for k, v in pairs(self.headers) do req.headers[k] = v end
  for k, v in pairs(self.settings) do req[k] = v end
  local resp, err, code, id = http.request(req)
  if not resp then
    return nil, "webhook: " .. err .. (id and ("; kept in the outbox as " .. id) or ""), code, id
  end
  if not resp.ok then
    local body = (resp.body or ""):gsub("%s+", " ")
    if #body > 200 then body = body:sub(1, 200) .. "…" end
    return nil, fmt("webhook: HTTP %d%s%s", resp.status, body ~= "" and (": " .. body) or "",
                    resp.outbox and ("; kept in the outbox as " .. resp.outbox) or ""), "http", resp.outbox
  end
  return resp
end

-- webhook.post(url, payload[, opts]): one send without keeping a Hook.
function M.post(url, payload, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.url = url
  return M.new(o):send(payload)
end

return M
