-- Tests for jixiao.json: encode and decode, exact decimals, errors with positions.
local t = require "jixiao.testing"
local json = require "jixiao.json"
local D = require "jixiao.decimal"

t.test("encode: scalars, arrays, objects, sorted keys", function()
  t.eq(json.encode({a = 1, b = {1, 2, 3}, c = "x\"y\n", e = json.null, f = true, g = 0.5}, {sort_keys = true}),
       '{"a":1,"b":[1,2,3],"c":"x\\"y\\n","e":null,"f":true,"g":0.5}')
  t.eq(json.encode("项目"), '"项目"')
  t.eq(json.encode(nil), "null")
  t.eq(json.encode({[1] = "a", [3] = "c"}, {sort_keys = true}), '{"1":"a","3":"c"}')
end)

t.test("encode: empty tables and the array marker", function()
  t.eq(json.encode({}), "{}")
  t.eq(json.encode(setmetatable({}, json.array_mt)), "[]")
end)

t.test("encode: decimals keep their exact text", function()
  t.eq(json.encode({D"3.07", D"0.00", D"-12345678901234.56"}), "[3.07,0.00,-12345678901234.56]")
end)

t.test("encode: pretty output", function()
  t.eq(json.encode({x = {1}}, {pretty = true}), '{\n  "x": [\n    1\n  ]\n}')
end)

t.test("decode: values, unicode escapes and surrogate pairs", function()
  local v = json.decode('{"a": [1, 2.5, "\\u00e9\\ud83d\\ude00", null, true, false], "b": {}}')
  t.eq(v.a[1], 1)
  t.eq(math.type(v.a[1]), "integer")
  t.eq(v.a[2], 2.5)
  t.eq(v.a[3], "é😀")
  t.ok(v.a[4] == json.null)
  t.eq(v.a[5], true)
  t.eq(v.a[6], false)
  t.eq(next(v.b), nil)
end)

t.test("decode: decimals on request, exact money", function()
  local v = json.decode('{"budget": 288.49, "n": 6}', {decimals = true})
  t.ok(D.isdecimal(v.budget))
  t.eq(tostring(v.budget + "0.01"), "288.50")
  t.eq(math.type(v.n), "integer")
end)

t.test("round trip of the model shape", function()
  local doc = {title = "2021年度区工商联部门预算项目绩效自评表", year = 2021,
               projects = {{name = "办公设备购置", rate = {text = "98.37%"}, cells = {"1", "", "3.07"}}}}
  t.eq(json.decode(json.encode(doc)), doc)
end)

t.test("decode failures return nil and a position", function()
  local function err(text) local v, msg = json.decode(text); t.eq(v, nil); return msg end
  t.eq(err("[1,2"), "json: line 1, column 5: expected ',' or ']'")
  t.eq(err('{"a" 1}'), "json: line 1, column 6: expected ':'")
  t.eq(err("\n\n  [1, 2,]"), "json: line 3, column 9: expected a value")
  t.ok(err('"abc'):find("unterminated string", 1, true))
  t.ok(err('"\\ud800"'):find("unpaired surrogate", 1, true))
  t.ok(err("[1] 2"):find("unexpected text after the value", 1, true))
  t.ok(err('"\255"'):find("invalid UTF-8", 1, true))
  t.ok(err(string.rep("[", 300)):find("nesting deeper than 200", 1, true))
  t.ok(err(""):find("found the end of the text", 1, true))
end)

t.test("encode errors raise", function()
  t.raises(function() return json.encode({f = print}) end, "cannot encode a function")
  local cyc = {}; cyc.self = cyc
  t.raises(function() return json.encode(cyc) end, "nesting deeper than 200")
  t.raises(function() return json.encode("\255") end, "invalid UTF-8")
  t.raises(function() return json.encode(0 / 0) end, "cannot encode NaN")
  t.raises(function() return json.encode({[true] = 1}) end, "object keys must be strings or numbers")
end)

t.test("bad arguments raise", function()
  t.raises(function() return json.decode({}) end, "string expected")
  t.raises(function() return json.encode() end, "value expected")
  t.raises(function() return json.encode({}, 5) end, "table expected")
end)

t.done()
