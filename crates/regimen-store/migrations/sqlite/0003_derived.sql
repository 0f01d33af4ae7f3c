-- What the server derives from a document and keeps beside it (a shelf product's
-- analysis), with the version of what it was derived with (the knowledge base and the
-- dictionary): made again when either changes. Never exported: it is made from the body.
ALTER TABLE documents ADD COLUMN derived TEXT;
ALTER TABLE documents ADD COLUMN derived_version TEXT;
