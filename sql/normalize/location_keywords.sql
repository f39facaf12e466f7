-- Shared macros over the location keyword table (pipelines/normalize/location_keywords.csv).
-- The runner first creates `location_keyword(text)` from the table (keywords.py: one
-- CASE branch per row, first match wins, case-insensitive): {'location_type',
-- 'keyword'} of the first matching row, NULL when none matches or the first match is
-- a stop row (blank type). Loaded once into the database every source's connection
-- opens on, so a source maps a place name or narrative with one call. Here:
--   location_derivation(field, text) -> the `derivations` entry for a derived type,
--     e.g. location_type: derived from business_location_name "Robb Elementary
--     School" (keyword "elementary school"); NULL when no keyword decides.
--   keyword_derivation(field, text, found) -> the same from `found`, the text's
--     location_keyword(text) computed once in a subquery: each call of the macro
--     copies its whole CASE (two regular expressions per row of the table) into the
--     query, and DuckDB binds every copy, so a view that calls it several times per
--     row binds slowly (~7 ms a copy).
CREATE OR REPLACE MACRO keyword_derivation(field, txt, found) AS
    format('location_type: derived from {} "{}" (keyword "{}")',
           field, txt, struct_extract(found, 'keyword'));
CREATE OR REPLACE MACRO location_derivation(field, txt) AS
    keyword_derivation(field, txt, location_keyword(txt));
