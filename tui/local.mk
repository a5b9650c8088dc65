# tui: see Makefile.am
