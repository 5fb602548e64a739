-- Why a complete feedback's reward was refused (coupon template paused or out of stock …), kept until an
-- operator's retry gives it; the feedback itself is kept either way.
alter table experience_feedback add column reward_error text;
