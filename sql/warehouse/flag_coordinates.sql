-- Flag records whose coordinates lie outside their state's bounding box (US
-- Census TIGER/Line extents, in `_state_bounds`), with 0.1 degree of slack for
-- geocodes on a border. A box is coarse: this catches swapped signs, the wrong
-- state or a geocode in another city, not a point a few miles across a line.
UPDATE source_records AS r
SET quality_flags = list_append(r.quality_flags, 'state_not_matching_coordinates')
FROM _state_bounds AS b
WHERE r.state = b.state
  AND r.latitude IS NOT NULL AND r.longitude IS NOT NULL
  AND NOT (r.latitude BETWEEN b.lat_min - 0.1 AND b.lat_max + 0.1
           AND r.longitude BETWEEN b.lon_min - 0.1 AND b.lon_max + 0.1)
