"""Surgical reading and patching of .xlsx/.xlsm packages: change the cells, keep every other byte."""
