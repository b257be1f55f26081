"""The outbox: mails written with their cause, rendered and sent by the queue, and the admin mailbox."""
