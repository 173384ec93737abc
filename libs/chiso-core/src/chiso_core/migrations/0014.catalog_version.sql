-- depends: 0013.acknowledgements
-- The catalog's version, raised by every load in the load's own transaction: a running service
-- asks this one row whether the catalog changed before reading it all again (ten thousand
-- plans take seconds to read and validate, on the service's event loop).
CREATE TABLE catalog_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint  NOT NULL
);
INSERT INTO catalog_version (version) VALUES (0);
