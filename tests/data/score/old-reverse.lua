-- A user profile for `jixiao score --profile-file`: the national rules as an older
-- template wrote them, with reverse targets scored A/B × w and grades at 85/75/60.
local profiles = require "jixiao.profiles"

local p = profiles.copy("national")
p.name = "national-old"
p.title = "national weights, older reverse formula A/B × w, grades 85/75/60"
p.reverse = "ratio"
p.bands[1].min, p.bands[2].min = 85, 75
return p
