-- Run on every source's connection before its SQL (runner.py), with the source's slug as
-- the parameter: the variable `vocab_map` the macro `vocab` reads (fields.sql), the
-- source's own row of the table fields.sql made once (NULL for a source with no
-- vocabulary rows). DuckDB variables belong to one connection, the macros and tables
-- to the database.
SET VARIABLE vocab_map = (SELECT vocab_map FROM _vocab_map WHERE source = ?);
