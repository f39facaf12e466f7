-- Record linkage, step 4: the pairs allowed to join two records into one incident.
-- Across sources: a score of at least the threshold (variable lk_threshold).
-- Within one source: only a source's own duplicate entries, which must agree on
-- nearly everything: at most a day apart and either (a) geocoded within 0.5 km
-- (0.2 km when a day apart) with the same killed + injured total (GVA's repeated
-- incident ids) or (b) the same incident name, place and counts (Stanford's
-- double entries, WaPo uid 399/410, K-12 SSDB's repeated rows), scoring 6 or more.
CREATE OR REPLACE TEMP TABLE _lk_edges AS
SELECT s.rid_a, s.rid_b, s.score, s.same_source AS source_duplicate, s.reasons
FROM _lk_scored AS s
JOIN _lk_records AS a ON a.rid = s.rid_a
JOIN _lk_records AS b ON b.rid = s.rid_b
WHERE (NOT s.same_source AND s.score >= getvariable('lk_threshold'))
   OR (s.same_source AND s.days <= 1 AND (
        (s.km <= CASE s.days WHEN 0 THEN 0.5 ELSE 0.2 END
         AND a.killed + a.injured = b.killed + b.injured)
        OR (list_contains(s.reasons, 'name_same') AND s.score >= 6
            AND list_has_any(s.reasons, ['place_same', 'coords_2km', 'coords_10km'])
            AND (s.days = 0 OR s.counts_same))));
