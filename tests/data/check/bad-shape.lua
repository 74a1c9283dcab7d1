return "not a list of rules"
