return { { id = "sum-of-parts", doc = "clashes with a built-in rule", project = function() end } }
