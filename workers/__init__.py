"""The dissemination backbone: relay (outbox → broker), channel workers, archiver (receipts → proof),
over one of two transports (RabbitMQ or the embedded SQL queue)."""
