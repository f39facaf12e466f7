-- Record linkage, step 3: score every candidate pair in _lk_candidates (the view
-- _lk_scored_view, materialized as _lk_scored).
-- The score adds points for each piece of evidence (roughly log-odds, set by hand
-- and checked against tests/fixtures/linkage_labels.csv; see docs/linkage.md):
--   date     same day +2, 1 day apart +1, 2 days -0.5, 3 days -1.5
--   place    the better of coordinates, where both records give them (<=2 km +3,
--            <=10 km +2, <=30 km +0.5, <=80 km -1, farther -2.5), and names: same
--            place +2.5; one place inside the other ("Tampa" / "Tampa Bay") or a
--            misspelling (Jaro-Winkler >= 0.92) +2; a place that is the other's
--            county, or the other's place inside this record's incident name, +1.5;
--            different places that lie within 15 km of each other (coordinates
--            real or borrowed from the gazetteer) +1, within 40 km 0, farther -2,
--            unknown distance -1
--   killed   equal: +0.3 for 0, +0.8 for 1, +1.3 for 2-3, +2 for 4-7, +3 for 8-14,
--            +3.5 for 15+;
--            within 1 or 10%: the same less 0.7 (0 for 0 vs 1); within 25%, or the
--            same killed + injured split differently: +0.3; further apart
--            -1 - 0.25 per victim (at most -2.5)
--   injured  equal: +0.3 for 0, +0.7 for 1-3, +1.2 for 4-9, +1.5 for 10+; within 1
--            or 25%: the same less 0.5 (at least +0.2); further apart
--            -0.5 - 0.1 per victim (at most -1.5)
--   victims  across sources, one record counting nobody hit and the other 3 or
--            more: -2
--   kind     same location type +0.5; school vs not -1; other differences -0.3
--   time     start times to the minute: within 15 min +1.5, within 1 h +1, 4 h or
--            more apart -1; where one gives the hour only (ALERRT), by clock hour:
--            the same hour +1.5, the next +0.5, 4 or more apart -1. For attacks
--            whose records name no place (the FBI's older names against ALERRT),
--            the start time is the evidence that is left. A GVA record has the time
--            of its gva_trace copy (prepare.sql).
--   name     incident names sharing half their distinctive words (or Jaro-Winkler
--            >= 0.93) +2, a fifth +1; two school names (K-12 SSDB, WaPo) that
--            differ -1
-- gva/gva_trace pairs with the same GVA incident id get 100 (reason gva_incident_id).
CREATE OR REPLACE TEMP MACRO lk_km(lat1, lon1, lat2, lon2) AS
    2 * 6371 * asin(sqrt(
        pow(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2)));

CREATE OR REPLACE TEMP MACRO lk_killed_equal(k) AS
    CASE WHEN k = 0 THEN 0.3 WHEN k = 1 THEN 0.8 WHEN k <= 3 THEN 1.3 WHEN k <= 7 THEN 2.0
         WHEN k <= 14 THEN 3.0 ELSE 3.5 END;
CREATE OR REPLACE TEMP MACRO lk_injured_equal(i) AS
    CASE WHEN i = 0 THEN 0.3 WHEN i <= 3 THEN 0.7 WHEN i <= 9 THEN 1.2 ELSE 1.5 END;

CREATE OR REPLACE TEMP VIEW _lk_scored_view AS
WITH pair AS (
    SELECT
        c.rid_a,
        c.rid_b,
        a.source = b.source AS same_source,
        abs(a.incident_date - b.incident_date) AS days,
        lk_km(a.latitude, a.longitude, b.latitude, b.longitude) AS km,
        lk_km(a.lat_eff, a.lon_eff, b.lat_eff, b.lon_eff) AS km_eff,
        len(a.cities) > 0 AND len(b.cities) > 0 AS both_cities,
        len(list_intersect(a.cities, b.cities)) > 0 AS city_same,
        CASE WHEN len(a.cities) > 0 AND len(b.cities) > 0 THEN
            list_max(list_transform(a.cities, lambda x: list_max(list_transform(
                b.cities, lambda y: CASE
                    WHEN contains(' ' || x || ' ', ' ' || y || ' ')
                      OR contains(' ' || y || ' ', ' ' || x || ' ') THEN 1.0
                    ELSE jaro_winkler_similarity(x, y) END))))
        END AS city_jw,
        len(list_intersect(a.cities, b.counties)) > 0
            OR len(list_intersect(a.counties, b.cities)) > 0
            OR len(list_intersect(a.counties, b.counties)) > 0 AS city_county,
        coalesce(list_bool_or(list_transform(b.cities,
                 lambda x: contains(a.name_padded, ' ' || x || ' '))), FALSE)
            OR coalesce(list_bool_or(list_transform(a.cities,
                 lambda x: contains(b.name_padded, ' ' || x || ' '))), FALSE) AS city_in_name,
        a.killed AS ka, b.killed AS kb,
        a.injured AS ia, b.injured AS ib,
        a.location_type AS ta, b.location_type AS tb,
        CASE WHEN a.start_time IS NOT NULL AND b.start_time IS NOT NULL THEN
            least(abs(epoch(a.start_time) - epoch(b.start_time)),
                  86400 - abs(epoch(a.start_time) - epoch(b.start_time))) / 60
        END AS minutes,
        -- A time given to the hour only (ALERRT) is compared by clock hour.
        'hour' IN (a.start_time_precision, b.start_time_precision) AS by_hour,
        least(abs(hour(a.start_time) - hour(b.start_time)),
              24 - abs(hour(a.start_time) - hour(b.start_time))) AS hours,
        CASE WHEN len(a.name_tokens) > 0 AND len(b.name_tokens) > 0 THEN
            len(list_intersect(a.name_tokens, b.name_tokens))
            / len(list_distinct(a.name_tokens || b.name_tokens))
        END AS name_jaccard,
        CASE WHEN a.name_clean <> '' AND b.name_clean <> '' THEN
            greatest(jaro_winkler_similarity(a.name_clean, b.name_clean),
                     jaro_winkler_similarity(replace(a.name_clean, ' ', ''),
                                             replace(b.name_clean, ' ', '')))
        END AS name_jw,
        a.source IN ('k12ssdb', 'wapo') AND b.source IN ('k12ssdb', 'wapo') AS school_names
    FROM _lk_candidates AS c
    JOIN _lk_records AS a ON a.rid = c.rid_a
    JOIN _lk_records AS b ON b.rid = c.rid_b
),
points AS (
    SELECT
        *,
        CASE days WHEN 0 THEN 2.0 WHEN 1 THEN 1.0 WHEN 2 THEN -0.5 ELSE -1.5 END AS p_date,
        CASE WHEN km IS NULL THEN NULL WHEN km <= 2 THEN 3.0 WHEN km <= 10 THEN 2.0
             WHEN km <= 30 THEN 0.5 WHEN km <= 80 THEN -1.0 ELSE -2.5 END AS p_coords,
        CASE
            WHEN city_same THEN 2.5
            WHEN city_jw >= 0.92 THEN 2.0
            WHEN city_county OR city_in_name THEN 1.5
            WHEN NOT both_cities THEN NULL
            WHEN km_eff <= 15 THEN 1.0
            WHEN km_eff <= 40 THEN 0.0
            WHEN km_eff > 40 THEN -2.0
            ELSE -1.0
        END AS p_names,
        CASE
            WHEN ka IS NULL OR kb IS NULL THEN 0.0
            WHEN ka = kb THEN lk_killed_equal(ka)
            WHEN abs(ka - kb) <= greatest(1, 0.1 * greatest(ka, kb))
                THEN greatest(0.0, lk_killed_equal(least(ka, kb)) - 0.7)
            WHEN abs(ka - kb) <= 0.25 * greatest(ka, kb) THEN 0.3
            WHEN ia IS NOT NULL AND ka + ia = kb + ib THEN 0.3
            ELSE -least(2.5, 1.0 + 0.25 * abs(ka - kb))
        END AS p_killed,
        CASE
            WHEN ia IS NULL OR ib IS NULL THEN 0.0
            WHEN ia = ib THEN lk_injured_equal(ia)
            WHEN abs(ia - ib) <= greatest(1, 0.25 * greatest(ia, ib))
                THEN greatest(0.2, lk_injured_equal(least(ia, ib)) - 0.5)
            WHEN ka IS NOT NULL AND ka + ia = kb + ib THEN 0.3
            ELSE -least(1.5, 0.5 + 0.1 * abs(ia - ib))
        END AS p_injured,
        CASE
            WHEN ta IN ('unknown', 'other') OR tb IN ('unknown', 'other') THEN 0.0
            WHEN ta = tb THEN 0.5
            WHEN 'education' IN (ta, tb) THEN -1.0
            ELSE -0.3
        END AS p_kind,
        CASE WHEN minutes IS NULL THEN 0.0
             WHEN by_hour THEN CASE WHEN hours = 0 THEN 1.5 WHEN hours = 1 THEN 0.5
                                    WHEN hours >= 4 THEN -1.0 ELSE 0.0 END
             WHEN minutes <= 15 THEN 1.5 WHEN minutes <= 60 THEN 1.0
             WHEN minutes >= 240 THEN -1.0 ELSE 0.0 END AS p_time,
        -- Across sources, one record counts no victim at all and the other three or
        -- more: not one attack however close the rest (shots fired at a football
        -- game vs a shooting across town). A source's repeated entry may be an
        -- incomplete copy, so this does not count within a source.
        CASE WHEN NOT same_source AND (ka + ia = 0 AND kb + ib >= 3
                                       OR kb + ib = 0 AND ka + ia >= 3) THEN -2.0
             ELSE 0.0 END AS p_total,
        CASE
            WHEN name_jaccard IS NULL AND name_jw IS NULL THEN 0.0
            WHEN name_jaccard >= 0.5 OR name_jw >= 0.93 THEN 2.0
            WHEN name_jaccard >= 0.2 THEN 1.0
            WHEN school_names THEN -1.0
            ELSE 0.0
        END AS p_name
    FROM pair
),
scored AS (
    SELECT
        *,
        CASE
            WHEN p_coords IS NULL THEN coalesce(p_names, 0.0)
            WHEN p_names IS NULL THEN p_coords
            WHEN greatest(p_coords, p_names) >= 0 THEN greatest(p_coords, p_names)
            ELSE least(p_coords, p_names)
        END AS p_place
    FROM points
)
SELECT
    rid_a,
    rid_b,
    same_source,
    round(p_date + p_place + p_killed + p_injured + p_total + p_kind + p_time + p_name,
          2)::DOUBLE AS score,
    days,
    km,
    coalesce(ka = kb AND ia = ib, FALSE) AS counts_same,
    list_filter([
        CASE days WHEN 0 THEN 'date_same' ELSE 'date_' || days || 'd' END,
        CASE WHEN km <= 2 THEN 'coords_2km' WHEN km <= 10 THEN 'coords_10km'
             WHEN km <= 30 THEN 'coords_30km' WHEN km IS NOT NULL THEN 'coords_far' END,
        CASE WHEN city_same THEN 'place_same' WHEN city_jw >= 0.92 THEN 'place_similar'
             WHEN city_county THEN 'place_is_county' WHEN city_in_name THEN 'place_in_name'
             WHEN NOT both_cities THEN NULL
             WHEN km_eff <= 15 THEN 'place_nearby' WHEN km_eff > 40 THEN 'place_far'
             ELSE 'place_differs' END,
        CASE WHEN ka IS NULL OR kb IS NULL THEN NULL WHEN ka = kb THEN 'killed_same'
             WHEN p_killed > 0 THEN 'killed_close' ELSE 'killed_differs' END,
        CASE WHEN ia IS NULL OR ib IS NULL THEN NULL WHEN ia = ib THEN 'injured_same'
             WHEN p_injured > 0 THEN 'injured_close' ELSE 'injured_differs' END,
        CASE WHEN p_total < 0 THEN 'victims_none_vs_several' END,
        CASE WHEN p_kind > 0 THEN 'type_same' WHEN p_kind < 0 THEN 'type_differs' END,
        CASE WHEN p_time > 0 THEN 'time_close' WHEN p_time < 0 THEN 'time_differs' END,
        CASE WHEN p_name >= 2 THEN 'name_same' WHEN p_name > 0 THEN 'name_similar'
             WHEN p_name < 0 THEN 'name_differs' END
    ], lambda r: r IS NOT NULL) AS reasons
FROM scored
UNION ALL
-- gva_trace is GVA's own list republished: the same incident id is the same record.
SELECT a.rid, b.rid, FALSE, 100.0, abs(a.incident_date - b.incident_date), NULL,
       coalesce(a.killed = b.killed AND a.injured = b.injured, FALSE), ['gva_incident_id']
FROM _lk_records AS a
JOIN _lk_records AS b ON a.source_record_id = b.source_record_id
WHERE a.source = 'gva' AND b.source = 'gva_trace';

CREATE OR REPLACE TEMP TABLE _lk_scored AS SELECT * FROM _lk_scored_view;
