-- Tests for jixiao.decimal: exact money arithmetic in Lua.
local t = require "jixiao.testing"
local D = require "jixiao.decimal"

t.test("new from strings, integers, floats and full-width text", function()
  t.eq(tostring(D"3.07"), "3.07")
  t.eq(tostring(D.new("0.00")), "0.00")
  t.eq(tostring(D(42)), "42")
  t.eq(tostring(D(0.1)), "0.1")
  t.eq(tostring(D(1e-5)), "0.00001")
  t.eq(tostring(D"１，２３４．５６"), "1234.56")
  t.eq(tostring(D(D"2.5")), "2.5")
end)

t.test("arithmetic keeps exact scales and mixes with numbers", function()
  t.eq(tostring(D"3.07" + D"0.93"), "4.00")
  t.eq(tostring(D"3.07" - 1), "2.07")
  t.eq(tostring(2 * D"1.25"), "2.50")
  t.eq(tostring(D"0.1" + 0.2), "0.3")
  t.eq(tostring(-D"1.5"), "-1.5")
  t.eq(tostring("1.10" + D"1"), "2.10")
end)

t.test("division: ten digits past the operands, half away from zero", function()
  t.eq(tostring(D"3.02" / D"3.07"), "0.983713355049")
  t.eq(tostring((D"3.02" / D"3.07" * 100):round(2)), "98.37")
  t.eq(tostring(D.div(1, 3, 4)), "0.3333")
  t.eq(tostring(D.div(-2, 3, 2)), "-0.67")
end)

t.test("comparison across scales and with numbers", function()
  t.ok(D"3.07" == D"3.070")
  t.ok(D"1.50" < 2)
  t.ok(90 <= D"90.00")
  t.ok(not (D"1" == 1), "Lua compares a userdata and a number as different")
  t.ok(D"1":eq(1))
  t.eq(D"2":cmp("10"), -1)
end)

t.test("methods: tonumber, round, shift, scale, abs, iszero", function()
  t.eq(D"3.07":tonumber(), 3.07)
  t.eq(math.type(D"12":tonumber()), "integer")
  t.eq(tostring(D"2.345":round(2)), "2.35")
  t.eq(tostring(D"-2.345":round(2)), "-2.35")
  t.eq(tostring(D"6.03":shift(4)), "60300")
  t.eq(D"3.070":scale(), 3)
  t.eq(tostring(D"-4.5":abs()), "4.5")
  t.ok(D"0.00":iszero())
end)

t.test("concatenation and isdecimal", function()
  t.eq("合计 " .. D"288.49" .. " 万元", "合计 288.49 万元")
  t.ok(D.isdecimal(D"1"))
  t.ok(not D.isdecimal(1))
end)

t.test("summing 1,000,000 amounts is exact", function()
  local s = D(0)
  local a = D"12345.67"
  for _ = 1, 1000000 do s = s + a end
  t.eq(tostring(s), "12345670000.00")
  for _ = 1, 1000000 do s = s - a end
  t.ok(s:iszero())
end)

t.test("bad arguments raise", function()
  t.raises(function() return D({}) end, "decimal expected")
  t.raises(function() return D"abc" end, "decimal expected")
  t.raises(function() return D"1" + {} end, "decimal expected")
  t.raises(function() return D"1":round(99) end, "scale must be 0..18")
  t.raises(function() return D.div(1, 2) end, "number expected")
end)

t.test("failures raise clear errors", function()
  t.raises(function() return D"1" / 0 end, "division by zero")
  t.raises(function() return D"999999999999999999" * 10 end, "decimal overflow")
  t.raises(function() return D(1e300) end, "decimal expected")
end)

t.done()
