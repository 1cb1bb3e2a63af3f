.PHONY: testsuite-programs
testsuite-programs:
