-- Points the alias at a version and records the move (with the version it left) for rollbacks.
with previous as (
    select version from model_registry.model_alias where model_name = @model_name and alias = @alias
), moved as (
    insert into model_registry.model_alias (model_name, alias, version, set_at)
    values (@model_name, @alias, @version, @set_at)
    on conflict (model_name, alias) do update set version = excluded.version, set_at = excluded.set_at
    returning version
)
insert into model_registry.alias_event (model_name, alias, version, previous, reason, set_at)
select @model_name, @alias, @version, (select version from previous), @reason, @set_at
from moved
