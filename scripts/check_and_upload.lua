-- check_and_upload.lua: check a directory of self-evaluation tables and
-- publish the results, unattended (from cron). It
--   1. sends again whatever earlier runs left in the outbox, oldest first;
--   2. runs `jixiao check` (JSON report) and `jixiao parse --format csv`
--      (one summary row per project) over every *.txt, *.csv, *.tsv in DIR;
--   3. uploads both files to a CKAN dataset (resource_create, or
--      resource_update when resource IDs are given) and/or posts a JSON
--      summary to a webhook.
-- Anything not delivered stays in the outbox for the next run. Secrets are
-- named by environment variables and never printed.
--
--   jixiao run scripts/check_and_upload.lua DIR --ckan URL --package ID [options]
--
-- Exit status: 0 everything delivered; 1 something is waiting in the outbox
-- or was refused; 2 bad usage or the tables could not be checked.

local cli = require "jixiao.cli"
local http = require "jixiao.http"
local json = require "jixiao.json"
local ckan = require "jixiao.ckan"
local webhook = require "jixiao.webhook"

local usage = [[
usage: jixiao run scripts/check_and_upload.lua DIR [options]
  --ckan URL              CKAN portal to publish to (with --package)
  --package ID            the dataset (package_id) that receives the files
  --token-env VAR         environment variable holding the CKAN API token (default CKAN_TOKEN)
  --report-id ID          update this resource with the check report instead of creating one
  --summary-id ID         update this resource with the summary CSV instead of creating one
  --webhook URL           also POST a JSON summary of the run here
  --webhook-token-env VAR environment variable sent as the webhook's Authorization header
  --outbox DIR            outbox for undelivered uploads (default: jixiao's)
  --retries N             retries per upload (default 3)
  --timeout SECONDS       limit per attempt (default 120)
  --jixiao PATH           the jixiao binary to run check and parse with (default: this one)
  --keep DIR              keep the report and summary in DIR (default: a temporary directory)
]]

local app = cli.new("check_and_upload", usage)

local function say(...) io.stdout:write(string.format(...), "\n") io.stdout:flush() end
local function warn(...) app:warn(...) end
local function quote(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function parse_args(argv)
  local o = app:parse(argv, { ["--ckan"] = "ckan=", ["--package"] = "package=", ["--token-env"] = "token_env=",
    ["--report-id"] = "report_id=", ["--summary-id"] = "summary_id=", ["--webhook"] = "webhook=",
    ["--webhook-token-env"] = "webhook_token_env=", ["--outbox"] = "outbox=", ["--retries"] = "retries=",
    ["--timeout"] = "timeout=", ["--jixiao"] = "jixiao=", ["--keep"] = "keep=" },
    { token_env = "CKAN_TOKEN", retries = "3", timeout = "120" })
  if #o == 0 then return nil, "no DIR given" end
  if #o > 1 then return nil, "one DIR only (got " .. o[1] .. " and " .. o[2] .. ")" end
  o.dir = o[1]
  o.retries, o.timeout = tonumber(o.retries), tonumber(o.timeout)
  if not o.retries or not o.timeout then return nil, "--retries and --timeout take numbers" end
  if (o.ckan == nil) ~= (o.package == nil) and not (o.ckan and (o.report_id or o.summary_id)) then
    return nil, "--ckan and --package go together"
  end
  if not o.ckan and not o.webhook then return nil, "nothing to publish to: give --ckan or --webhook" end
  return o
end

local function run(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local out = p:read("a")
  local ok, how, code = p:close()
  return ok and 0 or (how == "exit" and code or 128 + (code or 0)), out
end

local function tables_in(dir)
  local p = io.popen("find " .. quote(dir) .. " -maxdepth 1 -type f \\( -name '*.txt' -o -name '*.csv'"
                     .. " -o -name '*.tsv' \\) 2>/dev/null | LC_ALL=C sort")
  local files = {}
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  return files
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function main(argv)
  local o, err = parse_args(argv)
  if not o then app:usage(err) end
  local jx = o.jixiao or arg[-1] or "jixiao"
  local status = 0

  -- 1. what earlier runs could not deliver goes first
  local delivered, kept = http.flush { outbox = o.outbox, wait = 30 }
  if delivered == nil then warn("outbox: %s", kept)
  elseif delivered + kept > 0 then
    say("outbox: %d earlier upload(s) delivered, %d still waiting", delivered, kept)
    if kept > 0 then status = 1 end
  end

  -- 2. check and summarise
  local files = tables_in(o.dir)
  if #files == 0 then
    warn("%s: no tables (*.txt, *.csv, *.tsv) found", o.dir)
    return 2
  end
  local work = o.keep
  if work then os.execute("mkdir -p " .. quote(work))
  else
    local p = io.popen("mktemp -d \"${TMPDIR:-/tmp}/jixiao-upload.XXXXXX\"")
    work = p:read("l")
    p:close()
  end
  local args = {}
  for i, f in ipairs(files) do args[i] = quote(f) end
  args = table.concat(args, " ")
  local stamp = os.date("!%Y%m%d")
  local report = work .. "/check-report-" .. stamp .. ".json"
  local summary = work .. "/summary-" .. stamp .. ".csv"
  local rc, out = run(quote(jx) .. " check --format json -o " .. quote(report) .. " " .. args)
  if rc > 1 then warn("jixiao check exited %d:\n%s", rc, out) end
  local rc2, out2 = run(quote(jx) .. " parse --format csv -o " .. quote(summary) .. " " .. args)
  if rc2 ~= 0 then warn("jixiao parse exited %d:\n%s", rc2, out2) end
  local text = read_file(report)
  local result = text and json.decode(text)
  if not result then
    warn("no check report was written; nothing uploaded")
    return 2
  end
  local counts = result.counts or {}
  say("checked %d table(s): %d error(s), %d warning(s), %d info", #files, counts.error or 0,
      counts.warning or 0, counts.info or 0)
  local uploads = {}
  local function upload(what, path, id, format)
    if not read_file(path) then return end
    local portal = ckan.new { url = o.ckan, token_env = o.token_env, retries = o.retries,
                              timeout = o.timeout, outbox = o.outbox or true }
    local fields = { file = path, format = format, name = path:match("[^/]+$") }
    local res, e
    if id then
      fields.id = id
      res, e = portal:resource_update(fields)
    else
      fields.package_id = o.package
      res, e = portal:resource_create(fields)
    end
    if res then
      say("%s: published as CKAN resource %s", what, tostring(res.id))
      uploads[#uploads + 1] = { what = what, resource = res.id }
    else
      warn("%s: %s", what, e)
      uploads[#uploads + 1] = { what = what, error = e }
      status = 1
    end
  end

  -- 3. publish
  if o.ckan then
    upload("check report", report, o.report_id, "JSON")
    upload("summary", summary, o.summary_id, "CSV")
  end
  if o.webhook then
    local hook = webhook.new { url = o.webhook, token_env = o.webhook_token_env, retries = o.retries,
                               timeout = o.timeout, outbox = o.outbox or true }
    local payload = { directory = o.dir, files = #files, valid = result.valid == true,
                      counts = { error = counts.error or 0, warning = counts.warning or 0,
                                 info = counts.info or 0 },
                      date = stamp, uploads = uploads }
    local resp, e = hook:send(payload)
    if resp then say("webhook: HTTP %d", resp.status)
    else
      warn("%s", e)
      status = 1
    end
  end
  if not o.keep then os.execute("rm -rf " .. quote(work)) end
  return status
end

os.exit(main(arg))
