.PHONY: examples
examples:
