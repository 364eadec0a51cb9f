"""The `claimtrack` command, on top of everything: it starts the web service and the worker,
runs the extraction pipeline locally and manages keys, so it alone may import both `service`
and `workers`."""
