-- Tiers refer to catalogue benefits by id (#7), as paid plans do, instead of holding placeholder
-- {code, name, detail} objects. Each distinct placeholder of a tenant becomes a `custom` benefit with that code.
alter table tiers add column benefit_ids uuid[] not null default '{}';

insert into benefits (tenant_id, id, code, name, description, type, config)
select distinct on (t.tenant_id, p.code) t.tenant_id, gen_random_uuid(), p.code, p.name, p.detail, 'custom',
  jsonb_build_object('type', 'custom', 'detail', coalesce(p.detail, ''))
from tiers t
cross join lateral (
  select left(regexp_replace(lower(e->>'code'), '[^a-z0-9_-]', '_', 'g'), 40) as code, left(e->>'name', 60) as name, nullif(e->>'detail', '') as detail
  from jsonb_array_elements(t.benefits) e
) p
order by t.tenant_id, p.code
on conflict (tenant_id, code) do nothing;

update tiers t set benefit_ids = coalesce((
  select array_agg(b.id order by m.ord)
  from (
    select left(regexp_replace(lower(e->>'code'), '[^a-z0-9_-]', '_', 'g'), 40) as code, min(ord) as ord
    from jsonb_array_elements(t.benefits) with ordinality as x(e, ord) group by 1
  ) m
  join benefits b on b.tenant_id = t.tenant_id and b.code = m.code
), '{}')
where jsonb_array_length(t.benefits) > 0;

alter table tiers drop column benefits;
