-- Tests for jixiao.decimal: exact money arithmetic in Lua. Every function,
-- method and metamethod has an example, a bad-argument test and, where it
-- can fail, a failure test.
local t = require "jixiao.testing"
local D = require "jixiao.decimal"

local function s(x) return tostring(x) end

-- construction ---------------------------------------------------------------

t.test("new: from strings, keeping the written scale", function()
  t.eq(s(D.new("3.07")), "3.07")
  t.eq(s(D.new("0.00")), "0.00")
  t.eq(s(D.new("-12.50")), "-12.50")
  t.eq(s(D.new(" 1,234.5 ")), "1234.5")
  t.eq(s(D.new("１，２３４．５６")), "1234.56")
  t.eq(s(D.new("－３．０")), "-3.0")
  t.eq(s(D.new(".5")), "0.5")
end)

t.test("new: from integers, exact across the whole range", function()
  t.eq(s(D.new(42)), "42")
  t.eq(s(D.new(-7)), "-7")
  t.eq(s(D.new(math.maxinteger)), "9223372036854775807")
  t.eq(D.new(0):scale(), 0)
end)

t.test("new: floats through their shortest round-trip text", function()
  t.eq(s(D.new(0.1)), "0.1")
  t.eq(s(D.new(3.07)), "3.07")
  t.eq(s(D.new(1e-5)), "0.00001")
  t.eq(s(D.new(2.5e10)), "25000000000")
  t.eq(s(D.new(0.1 + 0.2)), "0.30000000000000004")
  t.eq(s(D.new(-0.0)), "0")
  t.eq(s(D.new(123456.789)), "123456.789")
end)

t.test("new: from a decimal copies it", function()
  local a = D"2.5"
  local b = D.new(a)
  t.ok(a == b)
  t.ok(not rawequal(a, b))
end)

t.test("decimal(x): the module is callable", function()
  t.eq(s(D"3.07"), "3.07")
  t.eq(s(D(12)), "12")
  t.ok(D(1) == D.new(1))
end)

t.test("new: bad arguments name the argument and what was expected", function()
  t.raises(function() return D.new({}) end, "decimal expected (a Decimal, number or numeric string), got table")
  t.raises(function() return D.new() end, "got no value")
  t.raises(function() return D.new(true) end, "got boolean")
  t.raises(function() return D.new("abc") end, 'numeric string expected, got "abc"')
  t.raises(function() return D.new("3.07万元") end, "numeric string expected")
  t.raises(function() return D.new("1.2.3") end, "numeric string expected")
  t.raises(function() return D.new("") end, "numeric string expected")
  t.raises(function() return D.new("-") end, "numeric string expected")
  t.raises(function() return D("abc") end, "bad argument #1")
end)

t.test("new: numbers and strings beyond 18 digits fail clearly", function()
  t.raises(function() return D.new(1e300) end, "has no exact decimal (at most 18 digits, 18 decimals)")
  t.raises(function() return D.new(1e-19) end, "has no exact decimal")
  t.raises(function() return D.new(0 / 0) end, "has no exact decimal")
  t.raises(function() return D.new(math.huge) end, "has no exact decimal")
  t.raises(function() return D.new("1234567890123456789") end, "at most 18 digits")
  t.raises(function() return D.new("0.0000000000000000001") end, "numeric string expected")
end)

t.test("isdecimal", function()
  t.eq(D.isdecimal(D"1"), true)
  t.eq(D.isdecimal(1), false)
  t.eq(D.isdecimal("1"), false)
  t.eq(D.isdecimal(nil), false)
  t.raises(function() return D.isdecimal() end, "value expected")
end)

-- arithmetic ----------------------------------------------------------------

t.test("__add and __sub: exact, keeping the larger scale", function()
  t.eq(s(D"3.07" + D"0.93"), "4.00")
  t.eq(s(D"288.49" - D"267.98"), "20.51")
  t.eq(s(D"0.1" + D"0.2"), "0.3")
  t.eq(s(D"1" - D"0.001"), "0.999")
end)

t.test("__add and __sub mix with numbers and numeric strings on either side", function()
  t.eq(s(D"3.07" - 1), "2.07")
  t.eq(s(1 + D"0.5"), "1.5")
  t.eq(s(D"0.1" + 0.2), "0.3")
  t.eq(s("1.10" + D"1"), "2.10")
  t.eq(s(D"1" - "０．２５"), "0.75")
  t.eq(s(10 - D"0.01"), "9.99")
end)

t.test("__mul: scales add, mixing both sides", function()
  t.eq(s(D"1.25" * 2), "2.50")
  t.eq(s(2 * D"1.25"), "2.50")
  t.eq(s(D"0.1" * D"0.1"), "0.01")
  t.eq(s(D"6.03" * "10000"), "60300.00")
  t.eq(s(D"-1.5" * D"2"), "-3.0")
end)

t.test("__div: ten digits past the operands' larger scale", function()
  t.eq(s(D"3.02" / D"3.07"), "0.983713355049")
  t.eq(s(D(1) / 3), "0.3333333333")
  t.eq(s(D(2) / 3), "0.6666666667")
  t.eq(s(D"-2" / 3), "-0.6666666667")
  t.eq(s(D"10" / 4), "2.5000000000")
  t.eq(s(1 / D"8"), "0.1250000000")
  t.eq(s("1" / D"3"), "0.3333333333")
end)

t.test("__div: the scale is capped at 18", function()
  t.eq(s(D"0.00000001" / D"3"), "0.000000003333333333")
  t.eq((D"0.00000001" / D"3"):scale(), 18)
  t.eq((D"0.000000000001" / 7):scale(), 18)
end)

t.test("__div and decimal.div: division by zero raises", function()
  t.raises(function() return D"1" / 0 end, "division by zero")
  t.raises(function() return D"1" / D"0.00" end, "division by zero")
  t.raises(function() return 5 / D"0" end, "division by zero")
  t.raises(function() return D.div(1, "0", 2) end, "division by zero")
end)

t.test("decimal.div: an explicit scale, half away from zero", function()
  t.eq(s(D.div(1, 3, 4)), "0.3333")
  t.eq(s(D.div(2, 3, 2)), "0.67")
  t.eq(s(D.div(-2, 3, 2)), "-0.67")
  t.eq(s(D.div("267.98", "288.49", 4)), "0.9289")
  t.eq(s(D.div(5, 2, 0)), "3")
  t.eq(s(D.div(-5, 2, 0)), "-3")
end)

t.test("decimal.div: bad arguments", function()
  t.raises(function() return D.div(1, 2) end, "bad argument #3")
  t.raises(function() return D.div(1, 2, 19) end, "scale must be 0..18")
  t.raises(function() return D.div(1, 2, -1) end, "scale must be 0..18")
  t.raises(function() return D.div(1, 2, 1.5) end, "number has no integer representation")
  t.raises(function() return D.div({}, 2, 2) end, "bad argument #1")
  t.raises(function() return D.div(1, "x", 2) end, "bad argument #2")
end)

t.test("__mod and __idiv follow Lua's floor rules", function()
  t.eq(s(D"7" % 3), "1")
  t.eq(s(D"-7" % 3), "2")
  t.eq(s(D"7.5" % "-2"), "-0.5")
  t.eq(s(D"10.25" % D"0.5"), "0.25")
  t.eq(s(D"7.5" // 2), "3")
  t.eq(s(D"-7.5" // 2), "-4")
  t.eq(s(100 // D"30"), "3")
  t.raises(function() return D"1" % 0 end, "division by zero")
  t.raises(function() return D"1" // D"0.0" end, "division by zero")
end)

t.test("__unm", function()
  t.eq(s(-D"1.5"), "-1.5")
  t.eq(s(-D"-0.50"), "0.50")
  t.eq(s(-D"0"), "0")
end)

t.test("arithmetic: bad operands raise argument errors", function()
  t.raises(function() return D"1" + {} end, "decimal expected")
  t.raises(function() return {} * D"1" end, "bad argument #1")
  t.raises(function() return D"1" - "abc" end, 'numeric string expected, got "abc"')
  t.raises(function() return D"1" / true end, "got boolean")
  t.raises(function() return D"1" % {} end, "decimal expected")
end)

t.test("overflow past 18 digits raises instead of wrapping", function()
  t.raises(function() return D"999999999999999999" * 10 end, "decimal overflow (more than 18 digits)")
  t.raises(function() return D(math.maxinteger) + 1 end, "decimal overflow")
  t.raises(function() return D(math.maxinteger) - (-1) end, "decimal overflow")
  t.raises(function() return D"100000000000" / D"0.000000001" end, "decimal overflow")
  t.raises(function() return D"10000000000" // D"0.000000001" end, "decimal overflow")
end)

t.test("summing 1,000,000 amounts of 12345.67 is exact", function()
  local sum = D(0)
  local a = D"12345.67"
  for _ = 1, 1000000 do sum = sum + a end
  t.eq(s(sum), "12345670000.00")
  t.ok(sum:eq("12345670000"))
  for _ = 1, 1000000 do sum = sum - a end
  t.ok(sum:iszero())
  t.eq(s(sum), "0.00")
end)

-- comparison ----------------------------------------------------------------

t.test("__eq: two decimals compare by value across scales", function()
  t.ok(D"3.07" == D"3.070")
  t.ok(D"0" == D"0.00")
  t.ok(D"1" ~= D"1.01")
  t.ok(D"-0.5" == D"-.5")
end)

t.test("__eq: a decimal never equals a number in Lua, so use eq", function()
  t.ok(not (D"1" == 1), "Lua 5.4 compares a userdata and a number as different")
  t.ok(not (D"1" == "1"))
  t.ok(D"1" ~= io.stdout, "another userdata is simply different")
  t.ok(D"1":eq(1))
  t.ok(D"1.50":eq("1.5"))
  t.ok(D"0.3":eq(0.3))
  t.ok(not D"0.3":eq(0.1 + 0.2))
end)

t.test("__lt and __le mix with numbers and strings", function()
  t.ok(D"1.50" < 2)
  t.ok(1 < D"1.01")
  t.ok(D"90.00" <= 90)
  t.ok(90 <= D"90.00")
  t.ok(D"2" > D"10" == false)
  t.ok("3" < D"10")
  t.ok(not (D"-1" >= 0))
  t.raises(function() return D"1" < {} end, "decimal expected")
  t.raises(function() return D"1" <= "x" end, "numeric string expected")
end)

t.test("decimals sort with table.sort", function()
  local xs = {D"10", D"9.5", D"-1", D"0.00", D"9.49"}
  table.sort(xs)
  local out = {}
  for i, x in ipairs(xs) do out[i] = s(x) end
  t.eq(out, {"-1", "0.00", "9.49", "9.5", "10"})
end)

-- methods -------------------------------------------------------------------

t.test("tonumber: an integer at scale 0, else a float", function()
  t.eq(D"3.07":tonumber(), 3.07)
  t.eq(math.type(D"3.07":tonumber()), "float")
  t.eq(D"12":tonumber(), 12)
  t.eq(math.type(D"12":tonumber()), "integer")
  t.eq(math.type(D"12.00":tonumber()), "float")
  t.raises(function() return D.new(1).tonumber(5) end, "jixiao.Decimal expected, got number")
end)

t.test("round: half away from zero, padding when the scale grows", function()
  t.eq(s(D"2.345":round(2)), "2.35")
  t.eq(s(D"-2.345":round(2)), "-2.35")
  t.eq(s(D"2.344":round(2)), "2.34")
  t.eq(s(D"2.5":round()), "3")
  t.eq(s(D"-2.5":round(0)), "-3")
  t.eq(s(D"3":round(2)), "3.00")
  t.eq(s((D"3.02" / D"3.07" * 100):round(2)), "98.37")
end)

t.test("round: bad scales and overflow", function()
  t.raises(function() return D"1":round(99) end, "scale must be 0..18")
  t.raises(function() return D"1":round(-1) end, "scale must be 0..18")
  t.raises(function() return D"1":round("x") end, "number expected")
  t.raises(function() return D"123456789012":round(10) end, "decimal overflow")
end)

t.test("shift: exact multiplication by 10^k for unit changes", function()
  t.eq(s(D"6.03":shift(4)), "60300")       -- 万元 -> 元
  t.eq(s(D"60300":shift(-4)), "6.0300")    -- 元 -> 万元
  t.eq(s(D"0.9837":shift(2)), "98.37")     -- fraction -> percent
  t.eq(s(D"1":shift(-18)), "0.000000000000000001")
  t.eq(s(D"0":shift(5)), "0")
end)

t.test("shift: bad counts and failures", function()
  t.raises(function() return D"1":shift() end, "number expected")
  t.raises(function() return D"1":shift(37) end, "shift must be -36..36")
  t.raises(function() return D"1.5":shift(-18) end, "needs more than 18 decimals; round first")
  t.raises(function() return D"1":shift(19) end, "decimal overflow")
end)

t.test("scale, abs, iszero", function()
  t.eq(D"3.070":scale(), 3)
  t.eq(D"3":scale(), 0)
  t.eq(s(D"-4.5":abs()), "4.5")
  t.eq(s(D"4.5":abs()), "4.5")
  t.ok(D"0.00":iszero())
  t.ok(not D"0.01":iszero())
  t.raises(function() return D.new(1).scale("1") end, "jixiao.Decimal expected")
  t.raises(function() return D.new(1).abs() end, "jixiao.Decimal expected, got no value")
  t.raises(function() return D.new(1).iszero({}) end, "jixiao.Decimal expected")
end)

t.test("cmp and eq: -1, 0, 1 against anything decimal-like", function()
  t.eq(D"2":cmp("10"), -1)
  t.eq(D"10":cmp(2), 1)
  t.eq(D"2.0":cmp(D"2"), 0)
  t.eq(D"0.1":cmp(0.1), 0)
  t.raises(function() return D"1":cmp({}) end, "bad argument #1 to 'cmp'")
  t.raises(function() return D"1":eq() end, "got no value")
  t.raises(function() return D.new(1).cmp(1, 2) end, "jixiao.Decimal expected")
end)

-- text ----------------------------------------------------------------------

t.test("__tostring keeps the scale; __name names the type", function()
  t.eq(tostring(D"0.00"), "0.00")
  t.eq(tostring(D"-0.50"), "-0.50")
  t.eq(tostring(D"10308000.00"), "10308000.00")
  t.eq(getmetatable(D"1").__name, "jixiao.Decimal")
  t.eq(string.format("%s", D"3.07"), "3.07")
end)

t.test("__concat with strings and numbers on either side", function()
  t.eq("合计 " .. D"288.49" .. " 万元", "合计 288.49 万元")
  t.eq(D"1.5" .. D"2", "1.52")
  t.eq(D"1" .. 2, "12")
  t.eq(3 .. D"0.50", "30.50")
  t.raises(function() return D"1" .. {} end, "attempt to concatenate a table value")
  t.raises(function() return true .. D"1" end, "attempt to concatenate a boolean value")
end)

t.test("decimals from the project views behave the same", function()
  -- Values other C modules push (jx_l_pushdec) carry the same metatable.
  local jx = require "jixiao"
  local doc = assert(jx.load("tests/data/000_657db78fa8902e38.txt"))
  local b = doc[1].budget.total
  t.ok(D.isdecimal(b))
  t.eq(s(b + D"0.93"), "4.00")
end)

t.done()
