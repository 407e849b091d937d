"""Shuniu (枢纽): the joint work platform of a district's mass organisations."""
