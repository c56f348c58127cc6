-- Admin-entered URLs (issue 10): an endpoint may reach a loopback, private, link-local or
-- unique-local address only when the administrator marked it internal. The mark is checked
-- when the URL is saved and again against the address each delivery connects to.
-- Existing rows start external (0): a webhook endpoint at such an address stops being
-- delivered to until an administrator marks it internal on /admin/webhooks (ERP_WEBHOOK_URL's
-- endpoint is marked at start).
ALTER TABLE webhook_endpoints ADD COLUMN internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1));
ALTER TABLE edi_partners ADD COLUMN as2_url_internal INTEGER NOT NULL DEFAULT 0 CHECK (as2_url_internal IN (0, 1));
