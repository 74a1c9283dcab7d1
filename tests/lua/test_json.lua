-- Tests for jixiao.json: encode and decode (RFC 8259), exact decimals, the
-- null sentinel and array marker, errors with key paths or line and column.
local t = require "jixiao.testing"
local json = require "jixiao.json"
local D = require "jixiao.decimal"

local enc, dec = json.encode, json.decode

-- The message of a decode that must fail (and return nil first).
local function dec_err(text, opts)
  local v, msg = dec(text, opts)
  t.eq(v, nil, "decode of " .. string.format("%q", text) .. " should fail")
  return msg
end

local function nest(n) return string.rep("[", n) .. string.rep("]", n) end

-- encode ----------------------------------------------------------------------

t.test("encode: null, booleans, integers", function()
  t.eq(enc(nil), "null")
  t.eq(enc(json.null), "null")
  t.eq(enc(true), "true")
  t.eq(enc(false), "false")
  t.eq(enc(0), "0")
  t.eq(enc(-42), "-42")
  t.eq(enc(math.maxinteger), "9223372036854775807")
  t.eq(enc(math.mininteger), "-9223372036854775808")
end)

t.test("encode: floats as their shortest exact text, always with a point or exponent", function()
  t.eq(enc(0.5), "0.5")
  t.eq(enc(0.1), "0.1")
  t.eq(enc(0.1 + 0.2), "0.30000000000000004")
  t.eq(enc(1.0), "1.0")
  t.eq(enc(-0.0), "-0.0")
  t.eq(enc(1e300), "1e+300")
  t.eq(enc(2^53), "9007199254740992.0")
  t.eq(dec(enc(5e-324)), 5e-324)
end)

t.test("encode: NaN and infinity raise, naming where", function()
  t.raises(function() return enc(0 / 0) end, "json: cannot encode NaN at the top level (JSON has no NaN or infinity)")
  t.raises(function() return enc({rate = math.huge}) end, "cannot encode infinity at key rate")
  t.raises(function() return enc({1, {-math.huge}}) end, "cannot encode -infinity at key [2][1]")
end)

t.test("encode: decimals keep their exact text", function()
  t.eq(enc({D"3.07", D"0.00", D"-12345678901234.56", D"10308000.00"}),
       "[3.07,0.00,-12345678901234.56,10308000.00]")
  t.eq(enc({budget = D"288.49"}), '{"budget":288.49}')
  t.eq(enc(D"0.983713355049"), "0.983713355049")
end)

t.test("encode: strings escaped per RFC 8259, UTF-8 passed through", function()
  t.eq(enc('say "hi"\\'), '"say \\"hi\\"\\\\"')
  t.eq(enc("a\nb\rc\td\be\ff"), '"a\\nb\\rc\\td\\be\\ff"')
  t.eq(enc("\0\1\31"), '"\\u0000\\u0001\\u001f"')
  t.eq(enc("/\127"), '"/\127"')
  t.eq(enc("项目 😀 é"), '"项目 😀 é"')
  t.eq(enc(""), '""')
end)

t.test("encode: invalid UTF-8 raises with the key path and byte", function()
  t.raises(function() return enc("\255") end, "json: invalid UTF-8 in string at the top level (byte 1)")
  t.raises(function() return enc({a = {b = {"x", "ok\200"}}}) end,
           "invalid UTF-8 in string at key a.b[2] (byte 3)")
  t.raises(function() return enc({["odd key"] = "\xC0\xAF"}) end, 'at key ["odd key"] (byte 1)')  -- overlong '/'
  t.raises(function() return enc("\xED\xA0\x80") end, "invalid UTF-8")                          -- a surrogate
  t.raises(function() return enc("中\xE6\x96") end, "(byte 4)")                                  -- truncated
  t.raises(function() return enc({["\255"] = 1}) end, 'invalid UTF-8 in an object key at key ["\\255"]')
end)

t.test("encode: arrays are tables with keys exactly 1..n", function()
  t.eq(enc({1, 2, 3}), "[1,2,3]")
  t.eq(enc({"a", {"b"}}), '["a",["b"]]')
  t.eq(enc({[1] = "a", [3] = "c"}, {sort_keys = true}), '{"1":"a","3":"c"}')
  t.eq(enc({1, 2, x = 3}, {sort_keys = true}), '{"1":1,"2":2,"x":3}')
  t.eq(enc({[0] = "z"}), '{"0":"z"}')
  t.eq(enc({[1.5] = "f"}), '{"1.5":"f"}')
end)

t.test("encode: a number key and the same text as a string key clash", function()
  t.raises(function() return enc({[1] = "a", ["1"] = "b"}) end,
           'json: cannot encode both 1 and "1" as keys of one object at key [1]')
  t.raises(function() return enc({x = {[2] = 1, ["2"] = 2, y = 3}}, {sort_keys = true}) end,
           'cannot encode both 2 and "2" as keys of one object at key x[2]')
  t.raises(function() return enc({[1.5] = 1, ["1.5"] = 2}) end, 'both 1.5 and "1.5"')
  t.eq(enc({[2] = "n", ["02"] = "s"}, {sort_keys = true}), '{"02":"s","2":"n"}')
end)

t.test("encode: an empty table is {} unless it carries json.array_mt", function()
  t.eq(enc({}), "{}")
  t.eq(enc(setmetatable({}, json.array_mt)), "[]")
  t.eq(enc(setmetatable({1, 2}, json.array_mt)), "[1,2]")
  t.eq(enc({list = setmetatable({}, json.array_mt), obj = {}}, {sort_keys = true}), '{"list":[],"obj":{}}')
  t.raises(function() return enc(setmetatable({x = 1}, json.array_mt)) end,
           "cannot encode a table marked json.array_mt whose keys are not 1..n")
  t.raises(function() return enc({a = setmetatable({1, nil, 3}, json.array_mt)}) end, "at key a")
end)

t.test("encode: json.null keeps a place in arrays and objects", function()
  t.eq(enc({1, json.null, 3}), "[1,null,3]")
  t.eq(enc({a = json.null}), '{"a":null}')
  t.eq(type(json.null), "userdata")
  t.ok(json.null ~= nil)
end)

t.test("encode: sort_keys orders keys by bytes, numbers as their text", function()
  t.eq(enc({b = 1, a = 2, c = {z = 1, y = 2}}, {sort_keys = true}), '{"a":2,"b":1,"c":{"y":2,"z":1}}')
  t.eq(enc({[10] = "x", [9] = "y", ["9a"] = "z"}, {sort_keys = true}), '{"10":"x","9":"y","9a":"z"}')
  t.eq(enc({["预算"] = 1, ["支出"] = 2, B = 3, a = 4}, {sort_keys = true}), '{"B":3,"a":4,"支出":2,"预算":1}')
  t.eq(enc({}, {sort_keys = true}), "{}")
  t.eq(enc({ab = 1, a = 2}, {sort_keys = true}), '{"a":2,"ab":1}')
end)

t.test("encode: pretty output, two spaces per level", function()
  t.eq(enc({x = {1}}, {pretty = true}), '{\n  "x": [\n    1\n  ]\n}')
  t.eq(enc({a = {}, b = setmetatable({}, json.array_mt)}, {pretty = true, sort_keys = true}),
       '{\n  "a": {},\n  "b": []\n}')
  t.eq(enc({1, {2, 3}}, {pretty = true}), '[\n  1,\n  [\n    2,\n    3\n  ]\n]')
  t.eq(enc("x", {pretty = true}), '"x"')
end)

t.test("encode: what JSON cannot hold raises, naming the key", function()
  t.raises(function() return enc({f = print}) end, "json: cannot encode a function at key f")
  t.raises(function() return enc({list = {1, coroutine.create(print)}}) end, "cannot encode a thread at key list[2]")
  t.raises(function() return enc(io.stdout) end, "cannot encode a userdata at the top level")
  t.raises(function() return enc({[true] = 1}) end, "cannot use a boolean as an object key")
  t.raises(function() return enc({x = {[{}] = 1}}, {sort_keys = true}) end, "cannot use a table as an object key at key x")
  local m = t.raises(function() return enc({f = print}) end, "cannot encode")
  t.ok(m:find("^[^:]*test_json%.lua:%d+: json:"), "the message points at the caller's line: " .. m)
end)

t.test("encode: cycles are found, shared tables are not cycles", function()
  local cyc = {name = "a"}
  cyc.self = cyc
  t.raises(function() return enc(cyc) end, "json: cannot encode a cycle (a table inside itself) at key self")
  local a = {}
  a[1] = {{a}}
  t.raises(function() return enc(a, {sort_keys = true}) end, "at key [1][1][1]")
  local shared = {1, 2}
  t.eq(enc({shared, shared}), "[[1,2],[1,2]]")
end)

t.test("encode: nesting up to 200 levels, deeper raises", function()
  local v = {}
  for _ = 2, 200 do v = {v} end
  t.eq(#enc(v), 200 + 200 - 1 + 1)  -- 199 "[", "{}" innermost, 199 "]"
  local deep = {v}
  t.raises(function() return enc(deep) end, "cannot encode nesting this deep")
  t.raises(function() return enc(deep) end, "(more than 200 levels)")
end)

t.test("encode: bad arguments and options raise", function()
  t.raises(function() return json.encode() end, "bad argument #1 to 'encode' (value expected)")
  t.raises(function() return enc({}, 5) end, "table expected, got number")
  t.raises(function() return enc({}, {prettty = true}) end, "unknown option 'prettty' (the options are pretty, sort_keys)")
  t.raises(function() return enc({}, {pretty = "yes"}) end, "option 'pretty' must be true or false, got string")
  t.raises(function() return enc({}, {[1] = true}) end, "unknown option")
  t.eq(enc({}, {pretty = false, sort_keys = false}), "{}")
end)

t.test("encode: a long string with escapes, through the growing buffer", function()
  local s = string.rep('ab"\n中', 100000)
  local out = enc({s, s})
  t.eq(#out, 2 * (2 + 100000 * (2 + 2 + 2 + 3)) + 3)
  t.eq(dec(out)[2], s)
end)

t.test("errors after the buffers have grown leave nothing behind", function()
  -- Run under make test-asan, these would show a leak if an error path kept memory.
  local big = {}
  for i = 1, 20000 do big[i] = string.rep("x\n", 50) end
  big[#big + 1] = print
  t.raises(function() return enc(big) end, "cannot encode a function at key [20001]")
  local text = '"' .. string.rep("\\n", 50000) .. '\\q"'
  t.ok(dec_err(text):find("expected an escape", 1, true))
  text = "[" .. string.rep('"' .. string.rep("\\t", 1000) .. '",', 100) .. "x]"
  t.ok(dec_err(text):find("found 'x'", 1, true))
end)

-- decode ----------------------------------------------------------------------

t.test("decode: literals, strings, numbers", function()
  t.eq(dec("true"), true)
  t.eq(dec("false"), false)
  t.ok(dec("null") == json.null)
  t.eq(dec('"项目"'), "项目")
  t.eq(dec("  42 \n"), 42)
  t.eq(dec("-0.5"), -0.5)
  t.eq(dec("1E2"), 100.0)
  t.eq(dec("2.5e-3"), 0.0025)
end)

t.test("decode: integers when integral and within 64 bits, else floats", function()
  t.eq(math.type(dec("12")), "integer")
  t.eq(math.type(dec("-0")), "integer")
  t.eq(math.type(dec("12.0")), "float")
  t.eq(math.type(dec("1e2")), "float")
  t.eq(dec("9223372036854775807"), math.maxinteger)
  t.eq(dec("-9223372036854775808"), math.mininteger)
  t.eq(math.type(dec("9223372036854775808")), "float")
  t.eq(dec("9223372036854775808"), 2^63)
end)

t.test("decode: huge numbers", function()
  t.eq(dec("123456789012345678901234567890"), 1.2345678901234568e29)
  t.eq(dec("1e400"), math.huge)
  t.eq(dec("-1e400"), -math.huge)
  t.eq(dec("1e-400"), 0.0)
  local long = "0." .. string.rep("1", 300)
  t.eq(dec(long), 0.11111111111111111)
  t.eq(dec("[" .. string.rep("9", 400) .. "]")[1], math.huge)
end)

t.test("decode: {decimals=true} returns exact decimals for non-integers", function()
  local v = dec('{"budget": 288.49, "zero": 0.00, "n": 6, "big": 1.5e3, "small": 2.5E-3, "neg": -0.10}',
                {decimals = true})
  t.ok(D.isdecimal(v.budget))
  t.eq(tostring(v.budget), "288.49")
  t.eq(tostring(v.budget + "0.01"), "288.50")
  t.eq(tostring(v.zero), "0.00")
  t.eq(math.type(v.n), "integer")
  t.eq(tostring(v.big), "1500")
  t.eq(tostring(v.small), "0.0025")
  t.eq(tostring(v.neg), "-0.10")
end)

t.test("decode: {decimals=true} falls back to floats past 18 digits", function()
  local v = dec("[0.1234567890123456789, 1e-30, 1.5e300]", {decimals = true})
  t.eq(math.type(v[1]), "float")
  t.eq(v[2], 1e-30)
  t.eq(v[3], 1.5e300)
  t.raises(function() return dec("1", {decimals = 1}) end, "option 'decimals' must be true or false")
end)

t.test("decode: simple escapes and \\u escapes", function()
  t.eq(dec([["\" \\ \/ \b \f \n \r \t"]]), '" \\ / \b \f \n \r \t')
  t.eq(dec([["\u0041\u00e9\u4E2D\u0000z"]]), "Aé中\0z")
  t.eq(dec([["a\u0022b"]]), 'a"b')
  t.eq(dec([["\u20AC100"]]), "€100")
end)

t.test("decode: surrogate pairs make one character; lone halves fail", function()
  t.eq(dec([["\ud83d\ude00"]]), "😀")
  t.eq(dec([["\uD834\uDD1E!"]]), "𝄞!")
  t.eq(dec([["x\uDBFF\uDFFFy"]]), "x\u{10FFFF}y")
  t.eq(dec_err([["\ud800"]]),
       "json: line 1, column 2: expected a low surrogate (\\uDC00-\\uDFFF) after the high surrogate \\uD800")
  t.eq(dec_err([["ab\ude00"]]),
       "json: line 1, column 4: expected a high surrogate (\\uD800-\\uDBFF) before the low surrogate \\uDE00")
  t.ok(dec_err([["\ud83d\u0041"]]):find("expected a low surrogate", 1, true))
  t.ok(dec_err([["\ud83dx"]]):find("expected a low surrogate", 1, true))
  t.eq(dec_err([["\u12G4"]]), "json: line 1, column 2: expected four hex digits after \\u")
  t.eq(dec_err([["\u12"]]), "json: line 1, column 2: expected four hex digits after \\u")
end)

t.test("decode: arrays carry json.array_mt, so [] encodes back as []", function()
  local v = dec('{"list": [], "obj": {}, "nums": [1, 2]}')
  t.ok(getmetatable(v.list) == json.array_mt)
  t.ok(getmetatable(v.obj) == nil)
  t.eq(#v.nums, 2)
  t.eq(enc(v, {sort_keys = true}), '{"list":[],"nums":[1,2],"obj":{}}')
end)

t.test("decode: object keys stay strings, nulls keep array places", function()
  local v = dec('{"1": "a", "x": null, "list": [null, 2]}')
  t.eq(v["1"], "a")
  t.eq(v[1], nil)
  t.ok(v.x == json.null)
  t.eq(#v.list, 2)
  t.ok(v.list[1] == json.null)
  t.eq(dec('{"a": 1, "a": 2}').a, 2)
end)

t.test("decode: whitespace and a UTF-8 byte order mark", function()
  t.eq(dec(" \t\r\n[ 1 ,\n 2 ] \n"), {1, 2})
  t.eq(dec("\xEF\xBB\xBF{\"a\": 1}"), {a = 1})
  t.eq(dec_err("\xEF\xBB\xBF[1,]"), "json: line 1, column 4: expected a value, found ']'")
end)

t.test("decode: syntax errors return nil and the line and column", function()
  local cases = {
    {"[1,2", "json: line 1, column 5: expected ',' or ']', found the end of the text"},
    {'{"a" 1}', "json: line 1, column 6: expected ':' after the key, found '1'"},
    {"\n\n  [1, 2,]", "json: line 3, column 9: expected a value, found ']'"},
    {"", "json: line 1, column 1: expected a value, found the end of the text"},
    {"   ", "json: line 1, column 4: expected a value, found the end of the text"},
    {"[1] 2", "json: line 1, column 5: expected the end of the text after the value, found '2'"},
    {"{,}", "json: line 1, column 2: expected a string key or '}', found ','"},
    {'{"a":1,}', "json: line 1, column 8: expected a string key, found '}'"},
    {"{'a': 1}", "json: line 1, column 2: expected a string key or '}', found '''"},
    {'{"a": 1 "b": 2}', "json: line 1, column 9: expected ',' or '}', found '\"'"},
    {"[tru]", "json: line 1, column 2: expected 'true', found 'tru'"},
    {"nul", "json: line 1, column 1: expected 'null', found 'nul'"},
    {"NaN", "json: line 1, column 1: expected a value, found 'NaN'"},
    {"[1, undefined]", "json: line 1, column 5: expected a value, found 'undefined'"},
    {"// c\n1", "json: line 1, column 1: expected a value, found '/'"},
  }
  for _, c in ipairs(cases) do t.eq(dec_err(c[1]), c[2], c[1]) end
end)

t.test("decode: number errors", function()
  t.eq(dec_err("-"), "json: line 1, column 2: expected a digit after '-', found the end of the text")
  t.eq(dec_err("[-x]"), "json: line 1, column 3: expected a digit after '-', found 'x'")
  t.eq(dec_err("01"), "json: line 1, column 2: expected '.', 'e' or the end of the number after a leading 0, found '1'")
  t.eq(dec_err("1."), "json: line 1, column 3: expected a digit after the decimal point, found the end of the text")
  t.eq(dec_err("[1.e5]"), "json: line 1, column 4: expected a digit after the decimal point, found 'e5'")
  t.eq(dec_err("1e+"), "json: line 1, column 4: expected a digit in the exponent, found the end of the text")
  t.eq(dec_err(".5"), "json: line 1, column 1: expected a value, found '.'")
  t.eq(dec_err("+1"), "json: line 1, column 1: expected a value, found '+'")
  t.eq(dec_err("0x10"), "json: line 1, column 2: expected the end of the text after the value, found 'x10'")
end)

t.test("decode: string errors", function()
  t.eq(dec_err('["abc'), "json: line 1, column 2: expected '\"' to close the string that starts here, found the end of the text")
  t.eq(dec_err('"a\nb"'), "json: line 1, column 3: expected a character or an escape such as \\n (control characters must be escaped), found a control character (byte 0x0A)")
  t.eq(dec_err('"\\q"'), "json: line 1, column 2: expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX, found 'q'")
  t.eq(dec_err('"abc\\'), "json: line 1, column 5: expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX, found the end of the text")
  t.eq(dec_err('"\255"'), "json: line 1, column 2: expected UTF-8 text in the string, found byte 0xFF, which is not UTF-8")
  t.eq(dec_err('"\xC0\xAF"'), "json: line 1, column 2: expected UTF-8 text in the string, found byte 0xC0, which is not UTF-8")
  t.eq(dec_err('\255'), "json: line 1, column 1: expected a value, found byte 0xFF, which is not UTF-8")
  t.eq(dec_err('"x" 中'), "json: line 1, column 5: expected the end of the text after the value, found '中'")
end)

t.test("decode: columns count characters, lines count newlines", function()
  t.eq(dec_err('["项目名称", x]'), "json: line 1, column 10: expected a value, found 'x'")
  t.eq(dec_err('{\r\n  "a": [\r\n    1\r\n    2]}'), "json: line 4, column 5: expected ',' or ']', found '2'")
end)

t.test("decode: nesting up to 200 levels, deeper fails", function()
  local v = dec(nest(200))
  local depth = 0
  while v do depth = depth + 1; v = v[1] end
  t.eq(depth, 200)
  t.eq(dec_err(nest(201)), "json: line 1, column 201: expected at most 200 levels of nested arrays and objects")
  t.ok(dec_err(string.rep('{"a":', 300)):find("expected at most 200 levels", 1, true))
  t.ok(dec_err(string.rep("[", 100000)):find("column 201:", 1, true))
end)

t.test("decode: misuse raises instead of returning nil", function()
  t.raises(function() return json.decode(42) end, "bad argument #1 to 'decode' (string expected, got number)")
  t.raises(function() return dec() end, "string expected, got no value")
  t.raises(function() return dec({}) end, "string expected, got table")
  t.raises(function() return json.decode("1", 5) end, "bad argument #2 to 'decode' (table expected, got number)")
  t.raises(function() return dec("1", {decimal = true}) end, "unknown option 'decimal' (the options are decimals)")
end)

-- round trips -------------------------------------------------------------------

t.test("round trip: the model's shape, compact and pretty", function()
  local doc = {
    source = "tests/data/000_657db78fa8902e38.txt", year = 2021, unit = "万元", title = json.null,
    header = {first_line = 9, last_line = 11, rows = 3},
    projects = {
      {line = 12, name = "办公设备购置", budget = {total = 3.07, general = 3.07, fund = 0.0},
       rate = {text = "98.37%", percent = 98.37}, cells = {"1", "", "3.07", "台式电脑2台，\"打印机\"1台\n"},
       indicators = {{level1 = "产出", level2 = "数量", target = "≥2台", result = "2台"}}, ok = true},
      {line = 13, name = "商会 😀", budget = {total = -0.5}, repair = false, cells = {}},
    },
  }
  t.eq(dec(enc(doc)), doc)
  t.eq(dec(enc(doc, {pretty = true})), doc)
  t.eq(dec(enc(doc, {pretty = true, sort_keys = true})), doc)
  local text = enc(doc, {sort_keys = true})
  t.eq(enc(dec(text), {sort_keys = true}), text, "decode then encode reproduces the text")
end)

t.test("round trip: decimals survive exactly with {decimals=true}", function()
  local v = {budget = D"288.49", actual = D"267.98", zero = D"0.00", rate = D"0.983713355049"}
  local back = dec(enc(v), {decimals = true})
  for k, d in pairs(v) do
    t.ok(D.isdecimal(back[k]), k)
    t.eq(tostring(back[k]), tostring(d), k)
  end
end)

t.test("round trip: floats and integers keep their values and types", function()
  local xs = {0.1, 1 / 3, -2.5e-300, 1e308, 2^53 + 2, 123456.789, 1.0, -0.0, 0, -1, math.maxinteger, math.mininteger}
  local back = dec(enc(xs))
  for i, x in ipairs(xs) do
    t.eq(back[i], x, "value " .. i)
    t.eq(math.type(back[i]), math.type(x), "type " .. i)
  end
end)

t.test("round trip: every kind of character", function()
  local parts = {}
  for c = 0, 127 do parts[#parts + 1] = string.char(c) end
  parts[#parts + 1] = "é中😀\u{10FFFF}\u{FFFD}"
  local s = table.concat(parts)
  t.eq(dec(enc(s)), s)
  t.eq(dec(enc({[s] = s}))[s], s)
end)

t.test("round trip: a large array", function()
  local big = {}
  for i = 1, 100000 do big[i] = {i = i, name = "项目" .. i, amount = D(i) / 100} end
  local text = enc(big)
  local back = dec(text, {decimals = true})
  t.eq(#back, 100000)
  t.eq(back[54321].name, "项目54321")
  t.eq(tostring(back[54321].amount), "543.2100000000")
end)

t.done()
