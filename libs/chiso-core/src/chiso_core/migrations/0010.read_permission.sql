-- depends: 0009.data_quality
-- A third permission, 'read': scores and scorecards through scoring's API, which answers only
-- keys holding it unless the operator publishes scorecards (CHISO_PUBLIC_SCORECARDS=true).
ALTER TABLE agencies DROP CONSTRAINT agencies_permissions_check;
ALTER TABLE agencies ADD CONSTRAINT agencies_permissions_check
    CHECK (permissions <@ '{report,alerts,read}' AND cardinality(permissions) > 0);
