"""Scheduling: the SLA scan that fires escalations, the outbox worker that delivers them, and
the service lifespan that runs both (only in the process holding the ``scheduler`` lease).

Public API::

    SlaScanner(tickets=, desk=, keeper=, config=, batches=, audience=, clock=, chunk=)
        .scan(now) -> ScanReport            # SlaScanner.from_context(ctx)
    OutboxWorker(notifications, notifiers, clock=, max_attempts=)
        .deliver_due(now) -> int            # OutboxWorker.from_context(ctx, notifiers)
    SchedulerLease(leases, holder=).hold(now) -> bool
    lifespan(app, ctx)                      # bot.scheduler.lifespan, in LIFESPAN_MODULES
"""
