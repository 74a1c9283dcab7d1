-- User rules for `jixiao check --rules` (the README's example): the file returns a
-- list of rules, each {id, severity, doc, project = function(p, doc, report)} or with
-- a document = function(doc, report) run once per table.
local check = require "jixiao.check"

return {
  {
    id = "epidemic-reason",
    severity = "info",
    doc = "a shortfall put down to the epidemic (疫情)",
    project = function(p, doc, report)
      local why = p.problems or ""
      if why:find("疫情", 1, true) then
        report { column = check.column(doc, "problems"),
          message = "the shortfall is put down to the epidemic: say which activities were cancelled "
            .. "and what became of their money" }
      end
    end,
  },
  {
    id = "department-named",
    severity = "warning",
    doc = "the preamble names no 部门名称",
    document = function(doc, report)
      if not doc.department then report("the preamble names no department (部门名称): add it") end
    end,
  },
}
