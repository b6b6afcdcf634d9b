"""The use-cases of Warta, as small services over one :class:`~shared.services.context.Context`
(docs/ARCHITECTURE.md). Nothing is imported here, so a process loads only the services it
builds: the relay :mod:`~shared.services.outbox`, the archiver :mod:`~shared.services.ledger`;
the kiosk and the CLI all of them, with :meth:`shared.services.root.Services.build`."""
