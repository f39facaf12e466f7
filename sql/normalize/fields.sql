-- Shared macros for the descriptive fields (narratives, school and attacker fields).
-- Loaded once into the database every source's connection opens on (runner.py), after
-- the vocabulary table `_vocab` (pipelines/normalize/vocab/*.csv, see vocab.py); each
-- connection then sets the variable `vocab` reads (vocab_variable.sql).
--   published(txt) -> txt exactly as written, or NULL where the source left the cell
--     blank or wrote only a marker of "no value" ('null', 'NULL'): a narrative or raw
--     value is kept verbatim, never trimmed or re-cased.
--   vocab(vocabulary, source, raw) -> the harmonized value the reviewed table maps this
--     source's raw value onto, matched on vocab_key: runs of spaces, tabs and line
--     breaks made one space, trimmed, lower case (vocab.py's raw_key); NULL when the
--     raw value is NULL or has no row (the unmapped values are counted by
--     `unmapped_vocabulary`, never turned into 'unknown' silently).
CREATE OR REPLACE MACRO published(txt) AS
    CASE WHEN txt IS NULL OR trim(CAST(txt AS VARCHAR)) IN ('', 'null', 'NULL') THEN NULL
         ELSE CAST(txt AS VARCHAR) END;
CREATE OR REPLACE MACRO vocab_key(raw) AS
    lower(trim(regexp_replace(CAST(raw AS VARCHAR), '[ \t\r\n]+', ' ', 'g')));
-- The table is folded, per source, into a MAP from 'vocabulary|source' to that
-- vocabulary's MAP from raw_key to harmonized (the rows of `_vocab_map`), and each
-- connection holds its source's in the variable `vocab_map`: a lookup per value, where
-- a subquery per call made one join per field (k12ssdb maps 14 fields). Every call of
-- `vocab` puts the variable into the query as a constant, which the optimizer copies
-- and walks in every pass until the outer lookup (constant too) is folded away: hence
-- the source's own rows only, nested by vocabulary (one flat MAP of every source's
-- rows cost k12ssdb's source_records ~0.1 s of CPU to plan, every build).
CREATE OR REPLACE TABLE _vocab_map AS
SELECT source, map(list(vocabulary || '|' || source), list(lookup)) AS vocab_map
FROM (
    SELECT source, vocabulary, map(list(raw_key), list(harmonized)) AS lookup
    FROM _vocab
    GROUP BY source, vocabulary
)
GROUP BY source;
CREATE OR REPLACE MACRO vocab(vocabulary_name, source_name, raw) AS
    getvariable('vocab_map')[vocabulary_name || '|' || source_name][vocab_key(raw)];
--   vocab_flag(vocabulary, source, raw) -> TRUE / FALSE for a raw value the table maps
--     to 'yes' / 'no'; NULL for 'unknown', NULL raw or an unmapped value (counted).
--     A lookup, not `CASE vocab(...) WHEN 'yes' ...`: a CASE copies its operand into
--     every WHEN, and each copy of `vocab` costs the optimizer its MAP once more.
CREATE OR REPLACE MACRO vocab_flag(vocabulary_name, source_name, raw) AS
    MAP {'yes': TRUE, 'no': FALSE}[vocab(vocabulary_name, source_name, raw)];
--   pattern_hits_sql(tbl, text_col, patterns) -> the SQL, for query(), of the rows of
--     `tbl` (source_record_id, pattern) whose `text_col` matches each distinct pattern:
--     a UNION ALL branch per pattern with the pattern as a constant, compiled once (a
--     pattern read from a table column is compiled again for every row it is tried
--     on). The narrative endings of k12ssdb.sql and ap_usat_nu.sql join it back on
--     the pattern.
CREATE OR REPLACE MACRO pattern_hits_sql(tbl, text_col, patterns) AS
    array_to_string(list_transform(list_distinct(patterns), lambda p: format(
        'SELECT source_record_id, {0} AS pattern FROM {1} WHERE regexp_matches({2}, {0})',
        '''' || replace(p, '''', '''''') || '''', tbl, text_col)), ' UNION ALL ');
