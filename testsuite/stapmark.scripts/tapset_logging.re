^rc=1
logged
before error
end
stderr:
WARNING: careful
ERROR: boom near identifier 'error' at [^\n]*/tapset_logging.stp:7:18
WARNING: Number of errors: 1, skipped probes: 0$
