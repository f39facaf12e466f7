-- Run on every source's connection before its SQL (runner.py): the variable `vocab_map`
-- the macro `vocab` reads (fields.sql), from the table fields.sql made once. DuckDB
-- variables belong to one connection, the macros and tables to the database.
SET VARIABLE vocab_map = (SELECT vocab_map FROM _vocab_map);
