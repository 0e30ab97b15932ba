"""Use cases, one function each. No HTTP here: services flush, the request commits once,
and problems are raised as domain errors that views turn into form errors or flashes."""
