# screens: see Makefile.am
