-- Record linkage, step 1: one row of comparison features per source record.
-- Reads source_records, the temp table _lk_source_rank (source, rank, family) and
-- the macros lk_state_code(text) (state name or USPS code -> code, else NULL) and
-- lk_state_pattern() (a regex alternation of state names and codes) that
-- pipelines/linkage/link.py creates first.

-- Lower-case ASCII words: accents, soft hyphens and apostrophes dropped, other
-- punctuation turned into spaces.
CREATE OR REPLACE TEMP MACRO lk_clean(s) AS
    trim(regexp_replace(regexp_replace(
        lower(strip_accents(regexp_replace(s, '[\x{00AD}\x{200B}\x{2019}'']', '', 'g'))),
        '[^a-z0-9]+', ' ', 'g'), '\s+', ' ', 'g'));

-- Words of a place or name with the usual abbreviations spelled out
-- ("St." = Saint, "Ft." = Fort, "Mt." = Mount).
CREATE OR REPLACE TEMP MACRO lk_words(s) AS
    list_transform(string_split(lk_clean(s), ' '), lambda w: CASE w
        WHEN 'st' THEN 'saint' WHEN 'ste' THEN 'sainte' WHEN 'ft' THEN 'fort'
        WHEN 'mt' THEN 'mount' WHEN 'pt' THEN 'point' WHEN 'twp' THEN 'township'
        WHEN 'n' THEN 'north' WHEN 's' THEN 'south' WHEN 'e' THEN 'east' WHEN 'w' THEN 'west'
        ELSE w END);

-- A place name as one key: words joined, a trailing administrative word
-- ("county", "parish", "township", "city", ...) dropped, so that "Oklahoma City",
-- "Oklahoma County" and "oklahoma" compare equal, as do "Winston Salem" and
-- "Winston-salem".
CREATE OR REPLACE TEMP MACRO lk_place_of_words(w) AS CASE
    WHEN len(w) = 0 THEN NULL
    WHEN len(w) > 1 AND w[-1] IN ('county', 'parish', 'township', 'borough', 'city',
                                  'village', 'town', 'cdp', 'municipality')
        THEN array_to_string(w[1:-2], ' ')
    ELSE array_to_string(w, ' ') END;
CREATE OR REPLACE TEMP MACRO lk_place(s) AS
    lk_place_of_words(list_filter(lk_words(s), lambda x: x <> ''));

-- Several places in one field: "Fort Lauderdale (Lauderhill)", "Phenix City, AL and
-- Columbus, GA", "Germantown & Tysons", "Multiple Location".
CREATE OR REPLACE TEMP MACRO lk_places(s) AS
    list_distinct(list_filter(
        list_transform(regexp_split_to_array(coalesce(s, ''),
                                             '[()/;,&]|\s+and\s+|\s+or\s+'),
                       lambda p: lk_place(p)),
        lambda p: p IS NOT NULL AND length(p) >= 3
            AND p NOT SIMILAR TO '(multiple|various|several)( locations?)?|unknown|n a'));

-- Places named in an incident name, for records without a city (FBI names the
-- normalizer could not read a city from):
-- "Greenwood Park Mall, Indianapolis, IN" -> indianapolis; "Multiple Locations in
-- Midland and Odessa, Texas" -> midland, odessa; "Kroger Grocery Store in
-- Jeffersontown, Kentucky" -> jeffersontown.
CREATE OR REPLACE TEMP MACRO lk_name_places(s) AS
    lk_places(array_to_string(list_transform(
        regexp_extract_all(coalesce(s, ''), '([^,;]+),\s*(?:' || lk_state_pattern() || ')\b', 1),
        lambda seg: regexp_replace(regexp_replace(seg, '^.*\b(in|at|near)\s+', ''),
                                   '^\s*(and|multiple locations|various locations)\s*', '',
                                   'i')), ';'));

-- Words that say little about which attack a name is: kinds of place, kinds of
-- attack and filler. What is left ("capital gazette", "sandy hook") is compared.
CREATE OR REPLACE TEMP MACRO lk_name_tokens(s) AS
    list_distinct(list_filter(lk_words(s), lambda w: length(w) >= 3 AND w NOT IN (
        'the', 'and', 'for', 'of', 'at', 'in', 'on', 'inc', 'llc', 'company', 'corp',
        'shooting', 'shootings', 'shooter', 'massacre', 'attack', 'attacks', 'mass',
        'killing', 'killings', 'murder', 'murders', 'suicide', 'spree', 'rampage',
        'school', 'schools', 'high', 'middle', 'elementary', 'junior', 'senior',
        'academy', 'college', 'university', 'campus', 'community', 'charter', 'public',
        'center', 'centre', 'church', 'family', 'home', 'house', 'homes', 'residence',
        'multiple', 'various', 'several', 'locations', 'location', 'county', 'city',
        'township', 'saint', 'north', 'south', 'east', 'west', 'new', 'street',
        'avenue', 'road', 'drive', 'park', 'store', 'office', 'building', 'restaurant',
        'bar', 'club', 'party', 'apartment', 'apartments', 'complex', 'near', 'area')));

CREATE OR REPLACE TEMP TABLE _lk_records AS
WITH base AS (
    SELECT
        r.source,
        r.source_record_id,
        coalesce(k.rank, 99) AS source_rank,
        coalesce(k.family, r.source) AS family,
        r.incident_name,
        r.incident_date,
        -- GVA gives no time, but gva_trace republishes its records with one: a GVA
        -- record borrows the time of its own republished copy (same incident id).
        coalesce(r.start_time, t.start_time) AS start_time,
        CASE WHEN r.start_time IS NOT NULL THEN r.start_time_precision
             ELSE t.start_time_precision END AS start_time_precision,
        r.city,
        r.state,
        r.state_raw,
        r.county,
        r.latitude,
        r.longitude,
        r.location_type,
        r.killed,
        r.injured,
        r.end_method,
        r.attacker_fate,
        list_contains(r.quality_flags, 'multi_state') AS multi_state
    FROM source_records AS r
    LEFT JOIN _lk_source_rank AS k USING (source)
    LEFT JOIN (
        SELECT c.source_record_id, c.start_time, c.start_time_precision, ck.family
        FROM source_records AS c
        JOIN _lk_source_rank AS ck ON ck.source = c.source AND ck.family <> c.source
        WHERE c.start_time IS NOT NULL
    ) AS t ON r.start_time IS NULL AND t.family = r.source
          AND t.source_record_id = r.source_record_id
),
-- The text features depend on the text alone, and texts repeat (about 2,300 distinct
-- cities and 2,800 names among 16,000 records): each is worked out once per distinct
-- text (NULL included) and joined back.
city_features AS (
    SELECT city, lk_places(city) AS places, lk_place(city) AS place_key
    FROM (SELECT DISTINCT city FROM base)
),
county_features AS (
    SELECT county, lk_places(county) AS counties
    FROM (SELECT DISTINCT county FROM base)
),
name_features AS (
    SELECT incident_name,
           lk_name_places(incident_name) AS places,
           lk_name_tokens(incident_name) AS name_tokens,
           lk_clean(incident_name) AS name_clean,
           -- All words of the name, to find the other record's city in it.
           ' ' || array_to_string(lk_words(incident_name), ' ') || ' ' AS name_padded
    FROM (SELECT DISTINCT incident_name FROM base)
)
SELECT
    row_number() OVER (ORDER BY source_rank, source, source_record_id)::INTEGER AS rid,
    b.*,
    -- Every state the record names: the first one, plus the others of a multi-state
    -- attack as the source wrote them ("Maryland & Delaware").
    list_distinct(list_filter(
        [b.state] || CASE WHEN b.multi_state THEN list_transform(
            regexp_split_to_array(b.state_raw, '\s*(&|/|,|\band\b)\s*'),
            lambda p: lk_state_code(p))
            ELSE [] END,
        lambda s: s IS NOT NULL)) AS states,
    CASE WHEN b.city IS NULL OR trim(b.city) = '' THEN n.places
         ELSE c.places END AS cities,
    k.counties,
    -- The whole city field as one place key: how best estimates vote on the city.
    c.place_key AS city_key,
    n.name_tokens,
    n.name_clean,
    n.name_padded
FROM base AS b
JOIN city_features AS c ON c.city IS NOT DISTINCT FROM b.city
JOIN county_features AS k ON k.county IS NOT DISTINCT FROM b.county
JOIN name_features AS n ON n.incident_name IS NOT DISTINCT FROM b.incident_name;

-- A gazetteer learnt from the records themselves: the median coordinates of each
-- (state, place) over records that name one place and give coordinates. Records
-- without coordinates (ALERRT, FBI, K-12 SSDB) borrow their place's, so that two
-- different place names can still be told near (a suburb and its city) or far.
CREATE OR REPLACE TEMP TABLE _lk_gazetteer AS
SELECT state, cities[1] AS place, median(latitude) AS latitude,
       median(longitude) AS longitude, count(*) AS n
FROM _lk_records
WHERE len(cities) = 1 AND latitude IS NOT NULL AND longitude IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE _lk_records AS
SELECT r.*,
       coalesce(r.latitude, g.latitude) AS lat_eff,
       coalesce(r.longitude, g.longitude) AS lon_eff
FROM _lk_records AS r
LEFT JOIN _lk_gazetteer AS g
    ON g.state = r.state AND len(r.cities) = 1 AND g.place = r.cities[1];
