.PHONY: bench-programs
bench-programs:
