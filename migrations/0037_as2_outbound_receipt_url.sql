-- Where the partner is asked to send an async MDN (Receipt-Delivery-Option), when whoever queued
-- the message decided it: `lotbridge as2 send --wait` with PUBLIC_URL. NULL: the instance that
-- builds the request uses its own PUBLIC_URL. Decided at queueing, the URL no longer depends on
-- which instance (the CLI or a running server) happens to build and send the message.
-- Forward-only: never edit this file once applied.
ALTER TABLE as2_outbound_messages ADD COLUMN receipt_url TEXT;
