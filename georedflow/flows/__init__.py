"""Flow factories: module-level functions, so a runner in another process can rebuild a flow.

Every factory takes only JSON-serialisable arguments (they are saved with the
flow detail) and returns a flow whose store needs the keys of
``georedflow.tasks.base.StoreKey`` plus ``local_driver`` and ``remote_driver``.
"""
