-- A rule that raises on every row: jixiao check reports it once, switches it off,
-- goes on with the other rules and exits 2.
return {
  { id = "boom", doc = "always fails", project = function(p) error("boom on " .. p.name) end },
  { id = "no-message", doc = "reports without a message", project = function(p, doc, report) report {} end },
}
