-- Record linkage, step 6: a stable incident_id for every cluster in _lk_cluster
-- (rid, cluster). _lk_prev (source, source_record_id, incident_id) holds the
-- previous warehouse's incident_links (empty on a first build).
-- 1. Carry over: each previous incident_id goes to the new incident holding most of
--    its records (ties: the incident whose anchor record sorts first); an incident
--    that wins several keeps the one it holds most records of (ties: smallest id).
-- 2. Otherwise derive: 'inc_' and the first 12 hex digits of md5 of the anchor
--    record, the member of the highest-priority source with the smallest record id
--    ('source:source_record_id'), so a rebuild from nothing gives the same ids as
--    long as the anchor stays. If that id is already carried by another incident
--    (the anchor left its old incident), ':split' is hashed in as well.
CREATE OR REPLACE TEMP TABLE _lk_members AS
SELECT c.cluster, r.rid, r.source, r.source_record_id, r.source_rank,
       lpad(r.source_rank::VARCHAR, 3, '0') || ':' || r.source || ':' || r.source_record_id
           AS anchor_key
FROM _lk_cluster AS c
JOIN _lk_records AS r USING (rid);

CREATE OR REPLACE TEMP TABLE _lk_anchor AS
SELECT cluster, arg_min(source || ':' || source_record_id, anchor_key) AS anchor,
       min(anchor_key) AS anchor_key
FROM _lk_members
GROUP BY cluster;

CREATE OR REPLACE TEMP TABLE _lk_carried AS
WITH votes AS (
    SELECT m.cluster, p.incident_id, count(*) AS n, any_value(a.anchor_key) AS anchor_key
    FROM _lk_members AS m
    JOIN _lk_prev AS p USING (source, source_record_id)
    JOIN _lk_anchor AS a USING (cluster)
    GROUP BY ALL
),
won AS (
    SELECT * FROM votes
    QUALIFY row_number() OVER (PARTITION BY incident_id ORDER BY n DESC, anchor_key) = 1
)
SELECT cluster, incident_id FROM won
QUALIFY row_number() OVER (PARTITION BY cluster ORDER BY n DESC, incident_id) = 1;

CREATE OR REPLACE TEMP TABLE _lk_ids AS
WITH derived AS (
    SELECT a.cluster, c.incident_id AS carried,
           'inc_' || substr(md5(a.anchor), 1, 12) AS plain,
           'inc_' || substr(md5(a.anchor || ':split'), 1, 12) AS split
    FROM _lk_anchor AS a
    LEFT JOIN _lk_carried AS c USING (cluster)
)
SELECT cluster,
       CASE WHEN carried IS NOT NULL THEN carried
            WHEN plain IN (SELECT incident_id FROM _lk_carried) THEN split
            ELSE plain END AS incident_id,
       carried IS NOT NULL AS id_carried_over
FROM derived;
