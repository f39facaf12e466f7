-- Shared macros over the location keyword table (pipelines/normalize/location_keywords.csv).
-- The runner first creates `location_keyword(text)` from the table (keywords.py: one
-- CASE branch per row, first match wins, case-insensitive): {'location_type',
-- 'keyword'} of the first matching row, NULL when none matches or the first match is
-- a stop row (blank type). Loaded before every source's SQL, so a source maps a
-- place name or narrative with one call. Here:
--   location_derivation(field, text) -> the `derivations` entry for a derived type,
--     e.g. location_type: derived from business_location_name "Robb Elementary
--     School" (keyword "elementary school"); NULL when no keyword decides.
CREATE OR REPLACE TEMP MACRO location_derivation(field, txt) AS
    format('location_type: derived from {} "{}" (keyword "{}")',
           field, txt, struct_extract(location_keyword(txt), 'keyword'));
