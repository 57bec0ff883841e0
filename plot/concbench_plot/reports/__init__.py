"""Reading concbench reports: the one reading of the format that the charts, the comparison
and the tables share, plain data and no drawing, so the tests check it on its own."""
