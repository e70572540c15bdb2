"""The gold question sets, their format and the linking of evidence to clause ids."""
