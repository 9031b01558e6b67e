"""pytest set-up for the whole checkout (not shipped: it is outside the package).

The modules' doctests are collected by importing every module of s75xl/ in file order. pytest 7
imports s75xl/local_extracts.py before the s75xl/cld/ package, and those two import each other
(cld.compute needs local_extracts' measures; local_extracts needs cld's date and age helpers), so
the CLD package is imported first here, as every real entry point (s75xl compute) does.
"""

import s75xl.cld  # noqa: F401
