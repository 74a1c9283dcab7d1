return { { id = "Bad Id", project = function() end } }
