-- The texts of comments and feedback (result.response), so coordinators can read
-- them (projections.mentoring). Kept on the fact row itself: the view as of a log
-- position, and voiding (voided_at), apply to a text exactly as to its fact.
-- NULL for every other kind of fact, and for a comment or feedback without one;
-- at most projections.mentoring_profile.TEXT_LIMIT characters.
ALTER TABLE mentoring_fact ADD COLUMN text TEXT;
