return { { id = "unfinished",
