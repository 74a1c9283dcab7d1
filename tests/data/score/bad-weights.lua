-- Not a valid profile: the weights sum to 95.
local p = require("jixiao.profiles").copy("hebei")
p.name = "hebei-typo"
p.blocks[2].weight = 35
return p
