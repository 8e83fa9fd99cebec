-- Attachment content (Data 2.4.11, Communication 1.5.2), stored once per SHA-2
-- hash and never changed. Statements reference it by the sha2 of their
-- Attachment Objects. Not derived from the events: rebuilding the index
-- leaves it alone.
CREATE TABLE IF NOT EXISTS xapi_attachment (
    sha2          TEXT    PRIMARY KEY,        -- lowercase hex, as declared
    content_type  TEXT    NOT NULL,           -- contentType of the first Attachment declaring it
    length        BIGINT  NOT NULL,           -- octets
    content       BYTEA   NOT NULL
);
